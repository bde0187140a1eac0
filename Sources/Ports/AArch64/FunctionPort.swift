import KilnCore
import KilnIR
import KilnPort

extension AArch64Port: FunctionPort {
  /// Machine code for `function` on a CPU with LSE atomics
  /// (``CPUFeatures/default``); entry at offset 0 with the AAPCS64
  /// signature `(state) -> UInt64` (r0).
  public static func compile(
    _ function: FunctionIR.Function, environment: FunctionEnvironment, baseAddress: UInt
  ) throws(CodeGenError) -> [UInt8] {
    try compile(function, environment: environment, features: .default, baseAddress: baseAddress)
  }

  /// Machine code for `function` on a CPU with `features`.
  public static func compile(
    _ function: FunctionIR.Function, environment: FunctionEnvironment, features: CPUFeatures,
    baseAddress: UInt
  ) throws(CodeGenError) -> [UInt8] {
    var lowering = FunctionLowering(
      environment: environment, features: features, baseAddress: baseAddress)
    return try lowering.lower(function)
  }
}

/// The AArch64 port compiling for plain ARMv8.0 (``CPUFeatures/armv8_0``):
/// atomics are `ldxr`/`stxr` loops. Same facts as ``AArch64Port``; tests run
/// it in Unicorn beside the LSE code (as "AArch64 v8.0").
public enum AArch64V80Port: FunctionPort {
  public static let facts = {
    var facts = AArch64Port.facts
    facts.name = "AArch64 v8.0"
    return facts
  }()

  public static func compile(
    _ function: FunctionIR.Function, environment: FunctionEnvironment, baseAddress: UInt
  ) throws(CodeGenError) -> [UInt8] {
    try AArch64Port.compile(
      function, environment: environment, features: .armv8_0, baseAddress: baseAddress)
  }
}
