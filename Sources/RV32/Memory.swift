/// Guest memory as the interpreter sees it; the runtime's paged memory implements it.
public protocol RV32Memory {
  /// Reads `size` (1, 2 or 4) bytes at `address`, little-endian, zero-extended.
  /// Unaligned addresses are allowed. `pc` is the loading instruction, for errors.
  mutating func load(_ address: UInt32, size: Int, pc: UInt32) throws(RV32MemoryFault) -> UInt32
  /// Writes the low `size` (1, 2 or 4) bytes of `value` at `address`, little-endian.
  mutating func store(_ address: UInt32, size: Int, value: UInt32, pc: UInt32)
    throws(RV32MemoryFault)
  /// The instruction word at `pc`, or nil if `pc` is not in guest memory.
  mutating func fetch(_ pc: UInt32) -> UInt32?
}

/// A memory access the runtime could not perform (for example, the page pool is exhausted).
public struct RV32MemoryFault: Error, Sendable, Equatable {
  /// The instruction that made the access.
  public var pc: UInt32
  /// The guest address it accessed.
  public var address: UInt32

  public init(pc: UInt32, address: UInt32) {
    self.pc = pc
    self.address = address
  }
}
