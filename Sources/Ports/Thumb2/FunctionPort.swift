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
    var lowering = FunctionLowering(environment: environment)
    return try lowering.lower(function)
  }
}
