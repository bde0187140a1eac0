import RV32

/// A tiny guest memory for tests: `bytes` mapped at `base`, nothing else.
/// Accesses outside it throw, so tests can see that an access happened.
struct ArrayMemory: RV32Memory {
  var base: UInt32
  var bytes: [UInt8]

  init(base: UInt32, size: Int) {
    self.base = base
    self.bytes = [UInt8](repeating: 0, count: size)
  }

  /// Memory at `base` holding `words` (little-endian), then `extra` zero bytes.
  init(base: UInt32, words: [UInt32], extra: Int = 0) {
    self.init(base: base, size: words.count * 4 + extra)
    for (i, word) in words.enumerated() { write(base &+ UInt32(i * 4), word, size: 4) }
  }

  private func offset(_ address: UInt32, size: Int) -> Int? {
    let offset = Int(address &- base)
    return offset + size <= bytes.count ? offset : nil
  }

  mutating func write(_ address: UInt32, _ value: UInt32, size: Int) {
    guard let o = offset(address, size: size) else { fatalError("test setup outside memory") }
    for i in 0..<size { bytes[o + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
  }

  func read(_ address: UInt32, size: Int) -> UInt32? {
    guard let o = offset(address, size: size) else { return nil }
    var value: UInt32 = 0
    for i in 0..<size { value |= UInt32(bytes[o + i]) << (8 * i) }
    return value
  }

  mutating func load(_ address: UInt32, size: Int, pc: UInt32) throws(RV32MemoryFault) -> UInt32 {
    guard let value = read(address, size: size) else {
      throw RV32MemoryFault(pc: pc, address: address)
    }
    return value
  }

  mutating func store(_ address: UInt32, size: Int, value: UInt32, pc: UInt32)
    throws(RV32MemoryFault)
  {
    guard offset(address, size: size) != nil else {
      throw RV32MemoryFault(pc: pc, address: address)
    }
    write(address, value, size: size)
  }

  mutating func fetch(_ pc: UInt32) -> UInt32? { read(pc, size: 4) }
}
