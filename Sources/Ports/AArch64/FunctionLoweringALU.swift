import KilnCore
import KilnIR

/// Arithmetic, shifts, divisions and sign extension of ``FunctionIR``.
///
/// 32-bit operations use the W views, whose writes zero bits 32–63: exactly
/// the IR's 32-bit rule. The register shifts (`lslv`, `lsrv`, `asrv`) take
/// the count modulo the width, as the IR does. `udiv`/`sdiv` never trap:
/// they give 0 for x/0 and INT_MIN for INT_MIN/−1, and the remainder
/// `msub r, q, divisor, dividend` then gives x%0 = x and INT_MIN%−1 = 0,
/// eBPF's four rules with no checks; RISC-V's x/0 = all ones takes one
/// `csinv` more.
extension FunctionLowering {
  mutating func lowerALU(
    _ op: BinaryOperation, _ width: FunctionIR.Width, _ dst: FunctionIR.Register,
    _ src: FunctionIR.Operand
  ) throws(CodeGenError) {
    if width == .w64 {
      lowerALU(op, x(dst), src, immediate: { UInt64(bitPattern: Int64($0)) }, view: x)
    } else {
      lowerALU(op, w(dst), src, immediate: { UInt32(bitPattern: $0) }, view: w)
    }
  }

  /// `dst = dst op src` at the width of `R`; `immediate` widens an IR
  /// immediate to that width, `view` gives an IR register at that width.
  mutating func lowerALU<R: RegisterOrZR, V: FixedWidthInteger & UnsignedInteger>(
    _ op: BinaryOperation, _ d: R, _ src: FunctionIR.Operand, immediate: (Int32) -> V,
    view: (FunctionIR.Register) -> R
  ) {
    switch op {
    case .move:
      switch src {
      case .register(let r):
        // A 32-bit move to itself still clears the high half.
        if R.sf == 0 || view(r) != d { a.mov(d, view(r)) }
      case .immediate(let i): constant(d, immediate(i))
      }
      return
    case .add, .sub:
      if case .immediate(let i) = src {
        let value = Int64(i)
        let isAdd = op == .add
        if let imm = AddSubImmediate(exactly: Int(value)), let dSP = d.orSP {
          if isAdd { a.add(dSP, dSP, imm) } else { a.sub(dSP, dSP, imm) }
          return
        }
        if let imm = AddSubImmediate(exactly: Int(-value)), let dSP = d.orSP {
          if isAdd { a.sub(dSP, dSP, imm) } else { a.add(dSP, dSP, imm) }
          return
        }
      }
    case .and, .or, .xor:
      if case .immediate(let i) = src, let imm = bitmask(R.self, immediate(i)),
        let dSP = d.orSP
      {
        switch op {
        case .and: a.and(dSP, d, imm)
        case .or: a.orr(dSP, d, imm)
        default: a.eor(dSP, d, imm)
        }
        return
      }
    case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
      if case .immediate(let i) = src {
        let count = UInt32(truncatingIfNeeded: i) & (R.bits - 1)
        if count == 0 {
          if R.sf == 0 { a.mov(d, d) }
        } else {
          switch op {
          case .shiftLeft: a.lsl(d, d, count)
          case .shiftRightLogical: a.lsr(d, d, count)
          default: a.asr(d, d, count)
          }
        }
        return
      }
    default: break
    }
    // The register form; an immediate goes to x16 first.
    let s: R
    switch src {
    case .register(let r): s = view(r)
    case .immediate(let i):
      s = R(Self.scratch.operand)
      constant(s, immediate(i))
    }
    switch op {
    case .add: a.add(d, d, s)
    case .sub: a.sub(d, d, s)
    case .multiply: a.mul(d, d, s)
    case .and: a.and(d, d, s)
    case .or: a.orr(d, d, s)
    case .xor: a.eor(d, d, s)
    case .move: a.mov(d, s)
    case .shiftLeft: a.lslv(d, d, s)
    case .shiftRightLogical: a.lsrv(d, d, s)
    case .shiftRightArithmetic: a.asrv(d, d, s)
    case .setLessThan, .setLessThanUnsigned:
      a.cmp(d, s)
      a.cset(d, op == .setLessThan ? .lt : .lo)
    case .multiplyHighSigned, .multiplyHighSignedUnsigned, .multiplyHighUnsigned:
      multiplyHigh(op, d, s)
    case .divide(let rule), .divideUnsigned(let rule):
      if case .divide = op { a.sdiv(d, d, s) } else { a.udiv(d, d, s) }
      if rule.quotientOfDivisionByZero(.w64) != 0 {
        // x / 0 = all ones: d = s != 0 ? d : ~0.
        a.cmp(s, R.zr)
        a.csinv(d, d, R.zr, .ne)
      }
    case .remainder, .remainderUnsigned:
      let q = R(Self.scratch.quotient)
      if op == .remainderUnsigned { a.udiv(q, d, s) } else { a.sdiv(q, d, s) }
      a.msub(d, q, s, d)
    }
  }

  /// The high half of the double-width product `d × s` (signed × signed,
  /// signed × unsigned, unsigned × unsigned). 64 bits: `smulh`/`umulh`,
  /// with `umulh(a, b) − (a < 0 ? b : 0)` for the mixed form; 32 bits: the
  /// 64-bit product of the extended halves, shifted down.
  mutating func multiplyHigh<R: RegisterOrZR>(_ op: BinaryOperation, _ d: R, _ s: R) {
    let (t, u) = (XReg(Self.scratch.quotient), XReg(Self.scratch.c))
    let (dx, sx) = (XReg(field: d.field), XReg(field: s.field))
    if R.sf == 1 {
      switch op {
      case .multiplyHighSigned: a.smulh(dx, dx, sx)
      case .multiplyHighUnsigned: a.umulh(dx, dx, sx)
      default:
        a.and(u, sx, dx, .asr(63))
        a.umulh(dx, dx, sx)
        a.sub(dx, dx, u)
      }
      return
    }
    let (dw, sw) = (WReg(field: d.field), WReg(field: s.field))
    if op == .multiplyHighUnsigned { a.mov(t.w, dw) } else { a.sxtw(t, dw) }
    if op == .multiplyHighSigned { a.sxtw(u, sw) } else { a.mov(u.w, sw) }
    a.mul(t, t, u)
    a.lsr(dx, t, 32)
  }

  /// `d = value` at the width of `R`.
  mutating func constant<R: RegisterOrZR, V: FixedWidthInteger & UnsignedInteger>(
    _ d: R, _ value: V
  ) {
    if R.sf == 1 {
      a.mov(XReg(field: d.field), imm: UInt64(value))
    } else {
      a.mov(WReg(field: d.field), imm: UInt32(truncatingIfNeeded: value))
    }
  }

  /// `value` as a logical immediate of `R`'s width, if it is one.
  func bitmask<R: RegisterOrZR, V: FixedWidthInteger & UnsignedInteger>(
    _: R.Type, _ value: V
  ) -> R.Bitmask? {
    if R.sf == 1 {
      return LogicalImmediate64(UInt64(value)) as? R.Bitmask
    }
    return LogicalImmediate32(UInt32(truncatingIfNeeded: value)) as? R.Bitmask
  }

  /// `dst = sign-extend(low bits of src)`, at `width` (zero-extended for w32).
  mutating func lowerSignExtend(
    _ width: FunctionIR.Width, _ dst: FunctionIR.Register, _ src: FunctionIR.Register,
    bits: UInt8
  ) {
    switch (bits, width) {
    case (8, .w64): a.sxtb(x(dst), w(src))
    case (8, .w32): a.sxtb(w(dst), w(src))
    case (16, .w64): a.sxth(x(dst), w(src))
    case (16, .w32): a.sxth(w(dst), w(src))
    case (_, .w64): a.sxtw(x(dst), w(src))
    case (_, .w32): a.mov(w(dst), w(src))
    }
  }
}
