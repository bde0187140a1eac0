import KilnCore
import KilnIR

/// Arithmetic, shifts, divisions and sign extension of ``FunctionIR``.
///
/// x86 32-bit operations zero-extend their result, which is exactly the
/// IR's 32-bit rule; divisions check for 0 and −1 first, because `div`
/// and `idiv` trap on x/0 and `INT_MIN / -1` while the IR defines both.
extension FunctionLowering {
  mutating func lowerALU(
    _ op: FunctionIR.ALU, _ w: FunctionIR.Width, _ dst: GPR, _ src: FunctionIR.Operand
  )
    throws(CodeGenError)
  {
    let sz = size(w)
    switch op {
    case .add, .sub, .or, .and, .xor:
      let x86: ALUOp =
        switch op {
        case .add: .add
        case .sub: .sub
        case .or: .or
        case .and: .and
        default: .xor
        }
      switch src {
      case .register(let r): a.alu(x86, sz, dst, host(r))
      case .immediate(let i): a.alu(x86, sz, dst, imm: i)
      }
    case .mov:
      switch src {
      case .register(let r):
        if w == .w32 || host(r) != dst { a.mov(sz, dst, host(r)) }
      case .immediate(let i):
        loadConstant(dst, w == .w64 ? UInt64(bitPattern: Int64(i)) : UInt64(UInt32(bitPattern: i)))
      }
    case .mul:
      switch src {
      case .register(let r): a.imul(sz, dst, host(r))
      case .immediate(let i):
        let t = FunctionABI.scratch.address
        loadOperand(t, i, w)
        a.imul(sz, dst, t)
      }
    case .lsh, .rsh, .arsh:
      let shift: ShiftOp = op == .lsh ? .shl : op == .rsh ? .shr : .sar
      lowerShift(shift, w, dst, src)
    case .div, .mod, .sdiv, .smod:
      try lowerDivision(op, w, dst, src)
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

  /// `dst = dst op src` for the four divisions, never trapping:
  ///
  ///     mov r11, src ; test r11, r11 ; jz zero      x/0 = 0, x%0 = x
  ///     cmp r11, -1 ; je minusOne                   (signed) −x, 0
  ///     r9, r10 = rax, rdx ; rax = dst ; cqo|xor edx ; idiv|div r11
  ///     r11 = rax|rdx ; restore rax, rdx ; dst = r11
  mutating func lowerDivision(
    _ op: FunctionIR.ALU, _ w: FunctionIR.Width, _ dst: GPR, _ src: FunctionIR.Operand
  ) throws(CodeGenError) {
    let sz = size(w)
    let signed = op == .sdiv || op == .smod
    let quotient = op == .div || op == .sdiv
    let t = FunctionABI.scratch.address
    let done = a.newLabel()
    let zero = a.newLabel()
    let minusOne = a.newLabel()
    var checkZero = true
    var checkMinusOne = signed
    switch src {
    case .immediate(let i):
      let value: Int64 = w == .w64 ? Int64(i) : Int64(UInt32(bitPattern: i))
      if value == 0 {
        divideByZero(quotient: quotient, w, dst)
        return
      }
      if signed && i == -1 {
        divideByMinusOne(quotient: quotient, w, dst)
        return
      }
      loadOperand(t, i, w)
      checkZero = false
      checkMinusOne = false
    case .register(let r):
      a.mov(sz, t, host(r))
    }
    if checkZero {
      a.test(sz, t, t)
      a.jcc(.e, zero)
    }
    if checkMinusOne {
      a.alu(.cmp, sz, t, imm: -1)
      a.jcc(.e, minusOne)
    }
    let (r9, r10) = (FunctionABI.scratch.a, FunctionABI.scratch.b)
    a.mov(.qword, r9, .rax)
    a.mov(.qword, r10, .rdx)
    if dst != .rax { a.mov(.qword, .rax, dst) }
    if signed {
      if w == .w64 { a.cqo() } else { a.cdq() }
      a.idiv(sz, t)
    } else {
      a.alu(.xor, .dword, .rdx, .rdx)
      a.div(sz, t)
    }
    a.mov(.qword, t, quotient ? .rax : .rdx)
    if dst != .rax { a.mov(.qword, .rax, r9) }
    if dst != .rdx { a.mov(.qword, .rdx, r10) }
    a.mov(sz, dst, t)
    if checkZero || checkMinusOne {
      a.jmp(done)
      if checkZero {
        try a.bind(zero)
        divideByZero(quotient: quotient, w, dst)
        if checkMinusOne { a.jmp(done) }
      }
      if checkMinusOne {
        try a.bind(minusOne)
        divideByMinusOne(quotient: quotient, w, dst)
      }
    }
    try a.bind(done)
  }

  /// x / 0 = 0; x % 0 = x (zero-extended for 32 bits).
  mutating func divideByZero(quotient: Bool, _ w: FunctionIR.Width, _ dst: GPR) {
    if quotient {
      a.alu(.xor, .dword, dst, dst)
    } else if w == .w32 {
      a.mov(.dword, dst, dst)
    }
  }

  /// x / −1 = −x (INT_MIN stays INT_MIN); x % −1 = 0.
  mutating func divideByMinusOne(quotient: Bool, _ w: FunctionIR.Width, _ dst: GPR) {
    if quotient { a.neg(size(w), dst) } else { a.alu(.xor, .dword, dst, dst) }
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
