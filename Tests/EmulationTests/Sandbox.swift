import Emulation

/// An emulator and the host pages it maps, freed together: the pages live as
/// long as the sandbox, and tests reach the emulator through the sandbox
/// (`s.emu`), so the memory cannot be freed while emulated code may touch it.
final class Sandbox {
  let emu: Emulator
  private var allocations: [(pointer: UnsafeMutableRawPointer, size: Int)] = []

  init(_ architecture: Architecture, cpuModel: Int32? = nil) throws {
    emu = try Emulator(architecture: architecture, cpuModel: cpuModel)
  }

  deinit {
    for a in allocations { Emulator.freePages(a.pointer, size: a.size) }
  }

  /// Fresh zeroed host pages (below 4 GiB for Thumb), identity-mapped with
  /// `permissions` unless `permissions` is nil.
  func pages(_ size: Int = 4096, _ permissions: Permissions? = .all) throws
    -> UnsafeMutableRawPointer
  {
    let p = try Emulator.allocatePages(size, below4GiB: emu.architecture == .thumb)
    allocations.append((p, size))
    if let permissions { try emu.mapIdentity(p, size: size, permissions: permissions) }
    return p
  }

  /// Maps a page holding `code` at its start; returns its address.
  func code(_ code: [UInt8]) throws -> UInt64 {
    let p = try pages()
    p.copyMemory(from: code, byteCount: code.count)
    return address(p)
  }
}

func address(_ pointer: UnsafeMutableRawPointer) -> UInt64 {
  UInt64(UInt(bitPattern: pointer))
}
