import KilnCore
import KilnIR
import KilnPort

extension Thumb2Port: FunctionPort {
  /// Thumb-2 code for `function`; entry at offset 0 (called with the Thumb
  /// bit set) with the AAPCS signature `(state) -> UInt64` (r0:r1). The code
  /// is position independent: `baseAddress` does not change it.
  public static func compile(
    _ function: FunctionIR.Function, environment: FunctionEnvironment, baseAddress: UInt
  ) throws(CodeGenError) -> [UInt8] {
    try compile(function, environment: environment, baseAddress: baseAddress, hints: Hints())
  }

  /// As ``compile(_:environment:baseAddress:)``, with what the caller
  /// knows beyond the function (``Hints``).
  public static func compile(
    _ function: FunctionIR.Function, environment: FunctionEnvironment, baseAddress: UInt,
    hints: Hints
  ) throws(CodeGenError) -> [UInt8] {
    var lowering = FunctionLowering(environment: environment)
    for (id, count) in hints.helperArguments where count < 0 || count > 5 {
      throw .immediateOutOfRange("helper \(id) with \(count) arguments (0 to 5)")
    }
    lowering.helperArguments = hints.helperArguments
    let words = hints.wordFacts.flatMap { $0.count == function.ops.count ? $0 : nil }
    return try lowering.lower(function, wordFacts: words)
  }

  /// What a caller of ``compile(_:environment:baseAddress:hints:)`` may
  /// know beyond the function and its environment (a JIT on the device
  /// that has computed it already, or knows its helpers' C signatures).
  public struct Hints: Sendable {
    /// The range analysis' word facts of the function, one entry per
    /// operation (`FunctionIR.RangeAnalysis.factsAndWordFacts(for:
    /// frameSize:lengthFits:)` with `lengthFits: true`), so that the
    /// analysis runs once per load: on the device it is most of the
    /// compile time. Facts of another length are ignored (computed again).
    public var wordFacts: [UInt16]?
    /// How many 64-bit arguments (0–5) the C function of a direct helper
    /// (``FunctionEnvironment/directHelpers``) takes, by id: a call passes
    /// only those (eBPF r1… in r0:r1, r2:r3, then the stack, AAPCS), and
    /// the other argument registers need no 64-bit value. Helpers not
    /// listed get all five.
    public var helperArguments: [UInt32: Int]

    public init(wordFacts: [UInt16]? = nil, helperArguments: [UInt32: Int] = [:]) {
      self.wordFacts = wordFacts
      self.helperArguments = helperArguments
    }
  }
}
