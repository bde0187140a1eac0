// The register names as static members of the register protocols, so that
// `.x0`, `.w7`, `.sp` and `.xzr` work wherever a register view is expected,
// including generic parameters (`add<R: RegisterOrZR>(_ d: R, …)` accepts
// `.x0` and `.w0`, and rejects `.sp`). Each name exists only on the views
// that can encode it: `.sp` only where field 31 means sp, `.xzr` only where
// it means the zero register.

extension RegisterOrZR where Self == XReg {
  /// The 64-bit zero register.
  public static var xzr: Self { XReg(field: 31) }
  public static var x0: Self { XReg(.x0) }
  public static var x1: Self { XReg(.x1) }
  public static var x2: Self { XReg(.x2) }
  public static var x3: Self { XReg(.x3) }
  public static var x4: Self { XReg(.x4) }
  public static var x5: Self { XReg(.x5) }
  public static var x6: Self { XReg(.x6) }
  public static var x7: Self { XReg(.x7) }
  public static var x8: Self { XReg(.x8) }
  public static var x9: Self { XReg(.x9) }
  public static var x10: Self { XReg(.x10) }
  public static var x11: Self { XReg(.x11) }
  public static var x12: Self { XReg(.x12) }
  public static var x13: Self { XReg(.x13) }
  public static var x14: Self { XReg(.x14) }
  public static var x15: Self { XReg(.x15) }
  public static var x16: Self { XReg(.x16) }
  public static var x17: Self { XReg(.x17) }
  public static var x18: Self { XReg(.x18) }
  public static var x19: Self { XReg(.x19) }
  public static var x20: Self { XReg(.x20) }
  public static var x21: Self { XReg(.x21) }
  public static var x22: Self { XReg(.x22) }
  public static var x23: Self { XReg(.x23) }
  public static var x24: Self { XReg(.x24) }
  public static var x25: Self { XReg(.x25) }
  public static var x26: Self { XReg(.x26) }
  public static var x27: Self { XReg(.x27) }
  public static var x28: Self { XReg(.x28) }
  public static var x29: Self { XReg(.x29) }
  public static var x30: Self { XReg(.x30) }
  /// x29, the frame pointer.
  public static var fp: Self { XReg(.x29) }
  /// x30, the link register.
  public static var lr: Self { XReg(.x30) }
}

extension RegisterOrZR where Self == WReg {
  /// The 32-bit zero register.
  public static var wzr: Self { WReg(field: 31) }
  public static var w0: Self { WReg(.x0) }
  public static var w1: Self { WReg(.x1) }
  public static var w2: Self { WReg(.x2) }
  public static var w3: Self { WReg(.x3) }
  public static var w4: Self { WReg(.x4) }
  public static var w5: Self { WReg(.x5) }
  public static var w6: Self { WReg(.x6) }
  public static var w7: Self { WReg(.x7) }
  public static var w8: Self { WReg(.x8) }
  public static var w9: Self { WReg(.x9) }
  public static var w10: Self { WReg(.x10) }
  public static var w11: Self { WReg(.x11) }
  public static var w12: Self { WReg(.x12) }
  public static var w13: Self { WReg(.x13) }
  public static var w14: Self { WReg(.x14) }
  public static var w15: Self { WReg(.x15) }
  public static var w16: Self { WReg(.x16) }
  public static var w17: Self { WReg(.x17) }
  public static var w18: Self { WReg(.x18) }
  public static var w19: Self { WReg(.x19) }
  public static var w20: Self { WReg(.x20) }
  public static var w21: Self { WReg(.x21) }
  public static var w22: Self { WReg(.x22) }
  public static var w23: Self { WReg(.x23) }
  public static var w24: Self { WReg(.x24) }
  public static var w25: Self { WReg(.x25) }
  public static var w26: Self { WReg(.x26) }
  public static var w27: Self { WReg(.x27) }
  public static var w28: Self { WReg(.x28) }
  public static var w29: Self { WReg(.x29) }
  public static var w30: Self { WReg(.x30) }
}

extension RegisterOrSP where Self == XRegSP {
  /// The stack pointer.
  public static var sp: Self { XRegSP(field: 31) }
  public static var x0: Self { XRegSP(.x0) }
  public static var x1: Self { XRegSP(.x1) }
  public static var x2: Self { XRegSP(.x2) }
  public static var x3: Self { XRegSP(.x3) }
  public static var x4: Self { XRegSP(.x4) }
  public static var x5: Self { XRegSP(.x5) }
  public static var x6: Self { XRegSP(.x6) }
  public static var x7: Self { XRegSP(.x7) }
  public static var x8: Self { XRegSP(.x8) }
  public static var x9: Self { XRegSP(.x9) }
  public static var x10: Self { XRegSP(.x10) }
  public static var x11: Self { XRegSP(.x11) }
  public static var x12: Self { XRegSP(.x12) }
  public static var x13: Self { XRegSP(.x13) }
  public static var x14: Self { XRegSP(.x14) }
  public static var x15: Self { XRegSP(.x15) }
  public static var x16: Self { XRegSP(.x16) }
  public static var x17: Self { XRegSP(.x17) }
  public static var x18: Self { XRegSP(.x18) }
  public static var x19: Self { XRegSP(.x19) }
  public static var x20: Self { XRegSP(.x20) }
  public static var x21: Self { XRegSP(.x21) }
  public static var x22: Self { XRegSP(.x22) }
  public static var x23: Self { XRegSP(.x23) }
  public static var x24: Self { XRegSP(.x24) }
  public static var x25: Self { XRegSP(.x25) }
  public static var x26: Self { XRegSP(.x26) }
  public static var x27: Self { XRegSP(.x27) }
  public static var x28: Self { XRegSP(.x28) }
  public static var x29: Self { XRegSP(.x29) }
  public static var x30: Self { XRegSP(.x30) }
  /// x29, the frame pointer.
  public static var fp: Self { XRegSP(.x29) }
  /// x30, the link register.
  public static var lr: Self { XRegSP(.x30) }
}

extension RegisterOrSP where Self == WRegSP {
  /// The stack pointer as a 32-bit operand.
  public static var wsp: Self { WRegSP(field: 31) }
  public static var w0: Self { WRegSP(.x0) }
  public static var w1: Self { WRegSP(.x1) }
  public static var w2: Self { WRegSP(.x2) }
  public static var w3: Self { WRegSP(.x3) }
  public static var w4: Self { WRegSP(.x4) }
  public static var w5: Self { WRegSP(.x5) }
  public static var w6: Self { WRegSP(.x6) }
  public static var w7: Self { WRegSP(.x7) }
  public static var w8: Self { WRegSP(.x8) }
  public static var w9: Self { WRegSP(.x9) }
  public static var w10: Self { WRegSP(.x10) }
  public static var w11: Self { WRegSP(.x11) }
  public static var w12: Self { WRegSP(.x12) }
  public static var w13: Self { WRegSP(.x13) }
  public static var w14: Self { WRegSP(.x14) }
  public static var w15: Self { WRegSP(.x15) }
  public static var w16: Self { WRegSP(.x16) }
  public static var w17: Self { WRegSP(.x17) }
  public static var w18: Self { WRegSP(.x18) }
  public static var w19: Self { WRegSP(.x19) }
  public static var w20: Self { WRegSP(.x20) }
  public static var w21: Self { WRegSP(.x21) }
  public static var w22: Self { WRegSP(.x22) }
  public static var w23: Self { WRegSP(.x23) }
  public static var w24: Self { WRegSP(.x24) }
  public static var w25: Self { WRegSP(.x25) }
  public static var w26: Self { WRegSP(.x26) }
  public static var w27: Self { WRegSP(.x27) }
  public static var w28: Self { WRegSP(.x28) }
  public static var w29: Self { WRegSP(.x29) }
  public static var w30: Self { WRegSP(.x30) }
}
