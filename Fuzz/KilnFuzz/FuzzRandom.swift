/// The choices a generator makes, drawn from a fuzzer's input bytes while
/// they last, then from a xorshift generator seeded by those bytes. So
/// libFuzzer steers the first decisions byte by byte (coverage-guided), and
/// any input, even an empty one, still gives a whole program; the same
/// bytes always give the same program.
public struct FuzzRandom {
  private let bytes: [UInt8]
  private var position = 0
  private var state: UInt64

  public init(bytes: [UInt8]) {
    self.bytes = bytes
    // FNV-1a of the input, never 0 (xorshift's fixed point).
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    state = h | 1
  }

  /// Eight bytes of choices.
  public mutating func next() -> UInt64 {
    if position + 8 <= bytes.count {
      var v: UInt64 = 0
      for k in 0..<8 { v |= UInt64(bytes[position + k]) << (8 * k) }
      position += 8
      return v
    }
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }

  /// A number in `0..<n` (`n` > 0); one input byte while they last.
  public mutating func below(_ n: Int) -> Int {
    precondition(n > 0)
    if position < bytes.count, n <= 256 {
      defer { position += 1 }
      return Int(bytes[position]) % n
    }
    return Int(next() % UInt64(n))
  }

  public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

  public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// A deterministic source of fuzzer inputs for the driver (SplitMix64).
public struct SplitMix: RandomNumberGenerator, Sendable {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
