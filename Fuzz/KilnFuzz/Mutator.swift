import EBPF

/// Inputs for the deterministic driver: random bytes for the generators,
/// mutated seeds (corpus files, or generated programs and their text) for
/// the parsers and the checker.
public struct Mutator {
  public var rng: SplitMix
  public let seeds: [[UInt8]]

  public init(seed: UInt64, seeds: [[UInt8]]) {
    rng = SplitMix(seed: seed)
    self.seeds = seeds
  }

  mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }

  public mutating func randomBytes(maxLength: Int) -> [UInt8] {
    (0..<below(maxLength + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
  }

  /// One to eight edits: a byte set, a bit flipped, an interesting word,
  /// a byte inserted or removed, a chunk copied, the tail cut off.
  public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
    var m = input
    for _ in 0..<(1 + below(8)) {
      let at = below(m.count)
      switch below(7) {
      case 0 where !m.isEmpty: m[at] = UInt8(truncatingIfNeeded: rng.next())
      case 1 where !m.isEmpty: m[at] ^= 1 << UInt8(below(8))
      case 2 where !m.isEmpty:
        let word: UInt64 = [0, .max, 1 << 63, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF8, rng.next()][
          below(7)]
        for k in 0..<(1 << below(4)) where at + k < m.count {
          m[at + k] = UInt8(truncatingIfNeeded: word >> (8 * (k % 8)))
        }
      case 3: m.insert(UInt8(truncatingIfNeeded: rng.next()), at: min(at, m.count))
      case 4 where !m.isEmpty: m.remove(at: at)
      case 5 where m.count > 1:
        let from = below(m.count)
        let n = min(1 + below(32), m.count - from)
        m.insert(contentsOf: m[from..<(from + n)], at: min(at, m.count))
      case 6 where !m.isEmpty: m.removeLast(below(m.count / 4 + 1))
      default: break
      }
    }
    return m
  }

  /// The next input for `target`.
  public mutating func input(for target: FuzzTarget) -> [UInt8] {
    switch target {
    case .bpfNative, .bpfEmulated, .rv32Native, .rv32Emulated:
      return randomBytes(maxLength: 256)
    case .checker, .assembler:
      // A generated program (bytes or its text), mutated; or a corpus seed.
      if !seeds.isEmpty && below(4) == 0 { return mutate(seeds[below(seeds.count)]) }
      var generator = BPFGenerator(bytes: randomBytes(maxLength: 64))
      let generated = generator.program()
      guard let program = try? generated.program else { return [] }
      if target == .checker { return mutate(program.bytes) }
      let text = Array(Disassembler.text(program).utf8)
      return below(3) == 0 ? text : mutate(text)
    case .elf, .object:
      guard !seeds.isEmpty else { return randomBytes(maxLength: 512) }
      return mutate(seeds[below(seeds.count)])
    }
  }
}
