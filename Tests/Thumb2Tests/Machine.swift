import CUnicorn
import Emulation
import Testing

@testable import Thumb2Port

/// Runs Thumb code in Unicorn's Cortex-M4 model (an outside model of the
/// architecture): the code and a data page in host memory below 4 GiB,
/// identity-mapped.
final class Machine {
  typealias R = ARMRegister
  let emu: Emulator
  private var allocations: [(pointer: UnsafeMutableRawPointer, size: Int)] = []
  /// A zeroed read-write page for the code's data (`r` registers point here).
  let data: UnsafeMutableRawPointer

  init() throws {
    emu = try Emulator(architecture: .thumb)
    #expect(emu.cpuModel == Int32(UC_CPU_ARM_CORTEX_M4.rawValue))
    data = try Self.pages(8192, emu, &allocations)
    emu.stackPointer = address(data) + 8192
  }

  deinit {
    for a in allocations { Emulator.freePages(a.pointer, size: a.size) }
  }

  private static func pages(
    _ size: Int, _ emu: Emulator,
    _ allocations: inout [(pointer: UnsafeMutableRawPointer, size: Int)]
  ) throws -> UnsafeMutableRawPointer {
    let p = try Emulator.allocatePages(size, below4GiB: true)
    allocations.append((p, size))
    try emu.mapIdentity(p, size: size, permissions: .all)
    return p
  }

  /// The host address of the data page.
  var dataAddress: UInt64 { address(data) }

  /// Copies `code` into fresh pages and runs it from its first byte until
  /// its end (code that falls or branches to its end returns normally).
  func run(_ code: [UInt8], instructionLimit: Int = 10_000_000) throws {
    let size = (code.count + 4095) / 4096 * 4096
    let p = try Self.pages(size, emu, &allocations)
    p.copyMemory(from: code, byteCount: code.count)
    let base = address(p)
    try emu.run(from: base, until: base + UInt64(code.count), instructionLimit: instructionLimit)
    #expect(emu.programCounter == base + UInt64(code.count))
  }

  subscript(_ r: Reg) -> UInt32 {
    get { UInt32(truncatingIfNeeded: emu.readRegister(R.r[Int(r.rawValue)])) }
    set { emu.writeRegister(R.r[Int(r.rawValue)], UInt64(newValue)) }
  }

  /// The flags N Z C V (bits 31–28 of APSR).
  var flags: UInt32 { UInt32(truncatingIfNeeded: emu.readRegister(R.apsr)) >> 28 }

  /// Word `i` of the data page.
  func word(_ i: Int) -> UInt32 { data.load(fromByteOffset: 4 * i, as: UInt32.self) }

  /// Sets word `i` of the data page.
  func setWord(_ i: Int, _ value: UInt32) {
    data.storeBytes(of: value, toByteOffset: 4 * i, as: UInt32.self)
  }
}

func address(_ pointer: UnsafeMutableRawPointer) -> UInt64 {
  UInt64(UInt(bitPattern: pointer))
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Xorshift: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed | 1 }
  mutating func next() -> UInt64 {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return state &* 0x2545_F491_4F6C_DD1D
  }
}
