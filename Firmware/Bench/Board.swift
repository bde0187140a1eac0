import Emulation

/// The firmware image in Unicorn's Cortex-M4, on the mps2-an386 memory map:
/// 4 MiB of "flash" (ZBT SSRAM1) at 0x0 and 4 MiB of SRAM at 0x2000_0000,
/// plus a page of RAM standing in for the System Control Space (the CPACR
/// write of kiln_init; Unicorn has no NVIC/SCS device).
final class Board {
  static let flashBase: UInt64 = 0
  static let ramBase: UInt64 = 0x2000_0000
  static let size = 4 << 20
  static let scsPage: UInt64 = 0xE000_E000
  /// Where called functions return to: an address in flash past the image,
  /// never executed (the run stops when the PC reaches it).
  static let returnAddress: UInt64 = 0x003F_F000

  let emulator: Emulator
  let image: ELFImage
  private let flash: UnsafeMutableRawPointer
  private let ram: UnsafeMutableRawPointer
  private let scs: UnsafeMutableRawPointer

  init(image: ELFImage) throws {
    self.image = image
    emulator = try Emulator(architecture: .thumb)  // Cortex-M4
    flash = try Emulator.allocatePages(Self.size)
    ram = try Emulator.allocatePages(Self.size)
    scs = try Emulator.allocatePages(4096)
    try emulator.map(flash, at: Self.flashBase, size: Self.size, permissions: .all)
    // Executable: the Thumb-2 JIT writes its code into SRAM (as the M4 allows).
    try emulator.map(ram, at: Self.ramBase, size: Self.size, permissions: .all)
    try emulator.map(scs, at: Self.scsPage, size: 4096, permissions: .readWrite)
    for segment in image.segments {
      let address = UInt64(segment.loadAddress)
      let (base, region) = address >= Self.ramBase ? (Self.ramBase, ram) : (Self.flashBase, flash)
      guard address - base + UInt64(segment.bytes.count) <= UInt64(Self.size) else {
        throw BenchError("segment at \(hex(address)) does not fit the memory map")
      }
      segment.bytes.withUnsafeBytes {
        (region + Int(address - base)).copyMemory(from: $0.baseAddress!, byteCount: $0.count)
      }
    }
  }

  deinit {
    Emulator.freePages(flash, size: Self.size)
    Emulator.freePages(ram, size: Self.size)
    Emulator.freePages(scs, size: 4096)
  }

  func address(of symbol: String) throws -> UInt64 {
    guard let a = image.symbols[symbol] else {
      throw BenchError("no symbol \(symbol) in the image")
    }
    return UInt64(a & ~1)
  }

  /// Calls `symbol(arguments…)` (AAPCS: r0–r3) on a fresh stack at the top
  /// of SRAM; returns r0, r1 and the instructions executed until it returned.
  func call(_ symbol: String, _ arguments: [UInt32] = []) throws -> (
    r0: UInt32, r1: UInt32, instructions: UInt64
  ) {
    let entry = try address(of: symbol)
    let e = emulator
    for (i, a) in arguments.enumerated() { e.writeRegister(ARMRegister.r[i], UInt64(a)) }
    e.stackPointer = Self.ramBase + UInt64(Self.size)
    e.writeRegister(ARMRegister.lr, Self.returnAddress | 1)
    e.countInstructions = true
    e.executedInstructions = 0
    try e.run(from: entry, until: Self.returnAddress)
    let count = e.executedInstructions
    e.countInstructions = false
    return (
      UInt32(truncatingIfNeeded: e.readRegister(ARMRegister.r0)),
      UInt32(truncatingIfNeeded: e.readRegister(ARMRegister.r1)), count
    )
  }

  /// A 32-bit word of the image (its flash copy).
  func word(at address: UInt64) -> UInt32 {
    precondition(address + 4 <= UInt64(Self.size))
    return flash.loadUnaligned(fromByteOffset: Int(address), as: UInt32.self)
  }

  func word(_ symbol: String) throws -> UInt32 { word(at: try address(of: symbol)) }

  /// `count` bytes of the image at `address` (its flash copy).
  func bytes(at address: UInt64, count: Int) -> [UInt8] {
    precondition(address + UInt64(count) <= UInt64(Self.size))
    return Array(UnsafeRawBufferPointer(start: flash + Int(address), count: count))
  }

  /// The bytes of a `const uint8_t NAME[]` with its `NAME_size` beside it.
  func array(_ symbol: String) throws -> [UInt8] {
    bytes(at: try address(of: symbol), count: Int(try word(symbol + "_size")))
  }
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
