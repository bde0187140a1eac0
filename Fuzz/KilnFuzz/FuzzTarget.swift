import EBPF

/// The fuzz targets: each takes one input (bytes) and returns a
/// ``Divergence`` when engines disagree or a parser breaks a promise. A
/// crash is a crash of the caller (libFuzzer or the driver records the input).
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// Random well-formed eBPF programs: interpreter vs the native JIT.
  case bpfNative = "bpf-native"
  /// The same against the other ports and variants in Unicorn.
  case bpfEmulated = "bpf-emulated"
  /// Random RV32IM functions: interpreter vs the native JIT (every memory mode).
  case rv32Native = "rv32-native"
  /// The same against the other block ports in Unicorn.
  case rv32Emulated = "rv32-emulated"
  case elf, object, assembler, checker

  /// Engine pairs one execution runs (for the counts the driver reports).
  public var pairs: [String] {
    switch self {
    case .bpfNative: BPFEngine.native.map { "interpreter vs \($0)" }
    case .bpfEmulated: BPFEngine.emulated.map { "interpreter vs \($0)" }
    case .rv32Native: RV32Engine.native.map { "interpreter vs \($0)" }
    case .rv32Emulated: RV32Engine.emulated.map { "interpreter vs \($0)" }
    default: []
    }
  }

  /// What the generators make of `input` (for reports and minimising).
  public func describe(_ input: [UInt8]) -> String {
    switch self {
    case .bpfNative, .bpfEmulated:
      var g = BPFGenerator(bytes: input)
      return BPFDifferential.listing(g.program())
    case .rv32Native, .rv32Emulated:
      var g = RV32Generator(bytes: input)
      let p = g.program()
      return "block size \(p.blockSize)\nregisters: \(p.registers.map { String($0, radix: 16) })\n"
        + "words: " + p.words.map { String($0, radix: 16) }.joined(separator: " ")
    default:
      return String(decoding: input, as: UTF8.self)
    }
  }

  /// Runs one input of a target, and tells how the reference runs ended.
  public struct Runner {
    public var run: (_ input: [UInt8]) throws -> Divergence?
    public var outcomes: () -> [String: Int] = { [:] }
    /// Runs a regression program (differential targets only).
    public var program: (RegressionFile.Parsed) throws -> Divergence? = { _ in nil }
  }

  /// Makes the function that runs one input. `only`: keep the engines
  /// whose name contains it (to tell which row of a divergence is wrong).
  public func makeRunner(only: String? = nil) throws -> Runner {
    func keep<E: CustomStringConvertible>(_ engines: [E]) -> [E] {
      guard let only else { return engines }
      return engines.filter { "\($0)".contains(only) }
    }
    switch self {
    case .bpfNative, .bpfEmulated:
      let oracle = try BPFDifferential(
        engines: keep(self == .bpfNative ? BPFEngine.native : BPFEngine.emulated))
      return Runner(
        run: { input in
          var generator = BPFGenerator(bytes: input)
          return oracle.check(generator.program())
        }, outcomes: { oracle.outcomes }, program: { $0.bpf.flatMap { oracle.check($0) } })
    case .rv32Native, .rv32Emulated:
      let oracle = RV32Differential(
        engines: keep(self == .rv32Native ? RV32Engine.native : RV32Engine.emulated))
      return Runner(
        run: { input in
          var generator = RV32Generator(bytes: input)
          return try oracle.check(generator.program())
        }, outcomes: { oracle.outcomes },
        program: { parsed in try parsed.rv32.flatMap { try oracle.check($0) } })
    case .elf: return Runner(run: { ParserTargets.elf($0) })
    case .object: return Runner(run: { ParserTargets.object($0) })
    case .assembler: return Runner(run: { ParserTargets.assembler($0) })
    case .checker: return Runner(run: { ParserTargets.checker($0) })
    }
  }
}
