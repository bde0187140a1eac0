import KilnCore
import KilnIR

/// Arithmetic of ``FunctionIR`` (every ``BinaryOperation``, at 32 and 64
/// bits), shifts and sign extension; the high products and divisions are in
/// `FunctionLoweringMulDiv.swift`.
///
/// x86 32-bit operations zero-extend their result, which is exactly the
/// IR's 32-bit rule.
extension FunctionLowering {
  mutating func lowerALU(
    _ op: BinaryOperation, _ w: FunctionIR.Width, _ dst: GPR, _ src: FunctionIR.Operand
  )
    throws(CodeGenError)
  {
    let sz = size(w)
    switch ALUForm(op) {
    case .alu(let x86):
      switch src {
      case .register(let r): a.alu(x86, sz, dst, host(r))
      case .immediate(let i): a.alu(x86, sz, dst, imm: i)
      }
    case .move:
      switch src {
      case .register(let r):
        if w == .w32 || host(r) != dst { a.mov(sz, dst, host(r)) }
      case .immediate(let i):
        loadConstant(dst, w == .w64 ? UInt64(bitPattern: Int64(i)) : UInt64(UInt32(bitPattern: i)))
      }
    case .multiply:
      switch src {
      case .register(let r): a.imul(sz, dst, host(r))
      case .immediate(let i):
        // `imul r, r, imm32` sign-extends the immediate, as a 64-bit IR
        // operand is; for 32 bits only the low half of the product is
        // kept, the same whichever way the immediate is extended.
        a.imul(sz, dst, dst, imm: i)
      }
    case .shift(let shift):
      lowerShift(shift, w, dst, src)
    case .set(let cc):
      lowerSet(cc, w, dst, src)
    case .multiplyHigh(let signedL, let signedR):
      if w == .w64 {
        try lowerMultiplyHigh64(dst, src, signedL: signedL, signedR: signedR)
      } else {
        lowerMultiplyHigh32(dst, src, signedL: signedL, signedR: signedR)
      }
    case .division(let signed, let quotient):
      try lowerDivision(signed: signed, quotient: quotient, w, dst, src)
    }
  }

  /// t = the immediate as a `w` operand (sign-extended for 64 bits).
  mutating func loadOperand(_ t: GPR, _ i: Int32, _ w: FunctionIR.Width) {
    if w == .w64 { a.mov(t, simm32: i) } else { a.mov(t, imm32: UInt32(bitPattern: i)) }
  }

  mutating func lowerShift(
    _ shift: ShiftOp, _ w: FunctionIR.Width, _ dst: GPR, _ src: FunctionIR.Operand
  ) {
    let sz = size(w)
    switch src {
    case .immediate(let i):
      let count = UInt8(truncatingIfNeeded: i) & (w == .w64 ? 63 : 31)
      if count != 0 {
        a.shift(shift, sz, dst, imm: count)
      } else if w == .w32 {
        a.mov(.dword, dst, dst)
      }
    case .register(let r):
      let count = host(r)
      let t = FunctionABI.scratch.address
      if count == .rcx {
        a.shiftByCL(shift, sz, dst)
      } else if dst == .rcx {
        // Shift a copy, since cl must hold the count.
        a.mov(.qword, t, .rcx)
        a.mov(.dword, .rcx, count)
        a.shiftByCL(shift, sz, t)
        a.mov(.qword, .rcx, t)
      } else {
        a.mov(.qword, t, .rcx)
        a.mov(.dword, .rcx, count)
        a.shiftByCL(shift, sz, dst)
        a.mov(.qword, .rcx, t)
      }
      // A count of 0 leaves the register as it was; the IR still wants the
      // 32-bit result zero-extended.
      if w == .w32 { a.mov(.dword, dst, dst) }
    }
  }

  /// `dst = (dst cc src) ? 1 : 0`: `cmp`, `setcc r11b`, `movzx`.
  mutating func lowerSet(
    _ cc: ConditionCode, _ w: FunctionIR.Width, _ dst: GPR, _ src: FunctionIR.Operand
  ) {
    let sz = size(w)
    let t = FunctionABI.scratch.address
    switch src {
    case .register(let r): a.alu(.cmp, sz, dst, host(r))
    case .immediate(let i): a.alu(.cmp, sz, dst, imm: i)
    }
    a.setcc(cc, t)
    a.movzx8(dst, t)
  }

  mutating func lowerSignExtend(_ sz: OperandSize, _ dst: GPR, _ src: GPR, bits: UInt8) {
    switch bits {
    case 8: a.movsx8(sz, dst, src)
    case 16: a.movsx16(sz, dst, src)
    default:
      if sz == .qword { a.movsxd(dst, src) } else { a.mov(.dword, dst, src) }
    }
  }
}
