import KilnCore
import KilnIR

/// High products and divisions of ``FunctionIR``: the operations that need
/// x86's one-operand `mul`/`imul`/`div`/`idiv` on rdx:rax (r0 and r3 of the
/// IR, so their values are saved around them) or a widening `imul`.
/// Divisions check for 0 and −1 first, because `div` and `idiv` trap on
/// x/0 and `INT_MIN / -1` while the IR defines both.
extension FunctionLowering {
  /// 32-bit high product: both operands widened to 64 bits (sign- or
  /// zero-extended), one `imul r64, r64` (its low 64 bits are the exact
  /// product for every signedness), then the high half shifted down.
  mutating func lowerMultiplyHigh32(
    _ dst: GPR, _ src: FunctionIR.Operand, signedL: Bool, signedR: Bool
  ) {
    let t = FunctionABI.scratch.address
    switch src {
    case .register(let r):
      if signedR { a.movsxd(t, host(r)) } else { a.mov(.dword, t, host(r)) }
    case .immediate(let i):
      if signedR { a.mov(t, simm32: i) } else { a.mov(t, imm32: UInt32(bitPattern: i)) }
    }
    if signedL { a.movsxd(dst, dst) } else { a.mov(.dword, dst, dst) }
    a.imul(.qword, dst, t)
    a.shift(.shr, .qword, dst, imm: 32)
  }

  /// 64-bit high product: one-operand `imul` (signed × signed) or `mul`
  /// into rdx:rax. A mixed product is the unsigned one less the unsigned
  /// operand where the signed one is negative (read as unsigned, it is
  /// 2^64 too large):
  ///
  ///     mov r11, src ; (rax, rdx saved) rax = dst ; mul r11
  ///     test dst, dst ; jns 1f ; sub rdx, r11 ; 1:     (signed dst × unsigned src)
  ///     r11 = rdx ; (rax, rdx restored) dst = r11
  mutating func lowerMultiplyHigh64(
    _ dst: GPR, _ src: FunctionIR.Operand, signedL: Bool, signedR: Bool
  ) throws(CodeGenError) {
    let t = FunctionABI.scratch.address
    switch src {
    case .register(let r): a.mov(.qword, t, host(r))
    case .immediate(let i): a.mov(t, simm32: i)
    }
    // Where dst's value is once rax holds it and the product overwrites
    // rax and rdx: `wide` saved rax in r9 and rdx in r10.
    let original =
      dst == .rax ? FunctionABI.scratch.a : dst == .rdx ? FunctionABI.scratch.b : dst
    try wide(dst, t) { (a) throws(CodeGenError) in
      if signedL && signedR {
        a.imulWide(.qword, t)
      } else {
        a.mul(.qword, t)
        if signedL != signedR {
          let (signedOne, unsignedOne) = signedL ? (original, t) : (t, original)
          let positive = a.newLabel()
          a.test(.qword, signedOne, signedOne)
          a.jccShort(.ns, positive)
          a.alu(.sub, .qword, .rdx, unsignedOne)
          try a.bind(positive)
        }
      }
      a.mov(.qword, t, .rdx)
    }
    a.mov(.qword, dst, t)
  }

  /// `dst = dst op src` for the four divisions, never trapping:
  ///
  ///     mov r11, src ; test r11, r11 ; jz zero      x/0 by the rule, x%0 = x
  ///     cmp r11, -1 ; je minusOne                   (signed) −x, 0
  ///     r9, r10 = rax, rdx ; rax = dst ; cqo|xor edx ; idiv|div r11
  ///     r11 = rax|rdx ; restore rax, rdx ; dst = r11
  ///
  /// `quotient` is the rule of a quotient; nil asks for the remainder.
  mutating func lowerDivision(
    signed: Bool, quotient: DivisionRule?, _ w: FunctionIR.Width, _ dst: GPR,
    _ src: FunctionIR.Operand
  ) throws(CodeGenError) {
    let sz = size(w)
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
        divideByMinusOne(quotient: quotient != nil, w, dst)
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
    try wide(dst, t) { a in
      if signed {
        if w == .w64 { a.cqo() } else { a.cdq() }
        a.idiv(sz, t)
      } else {
        a.alu(.xor, .dword, .rdx, .rdx)
        a.div(sz, t)
      }
      a.mov(.qword, t, quotient != nil ? .rax : .rdx)
    }
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
        divideByMinusOne(quotient: quotient != nil, w, dst)
      }
    }
    try a.bind(done)
  }

  /// Runs `body` with rax = dst and rdx free (the operands of the one-operand
  /// `mul`/`div` family), r11 untouched: saves rax and rdx in r9 and r10,
  /// and restores whichever of them is not `dst` afterwards. `body` leaves
  /// its result in r11; `dst` itself is not written.
  mutating func wide(
    _ dst: GPR, _ t: GPR, _ body: (inout X86Assembler) throws(CodeGenError) -> Void
  ) throws(CodeGenError) {
    let (r9, r10) = (FunctionABI.scratch.a, FunctionABI.scratch.b)
    a.mov(.qword, r9, .rax)
    a.mov(.qword, r10, .rdx)
    if dst != .rax { a.mov(.qword, .rax, dst) }
    try body(&a)
    if dst != .rax { a.mov(.qword, .rax, r9) }
    if dst != .rdx { a.mov(.qword, .rdx, r10) }
  }

  /// x / 0 by the rule (0 or all ones); x % 0 = x (zero-extended for 32 bits).
  mutating func divideByZero(quotient: DivisionRule?, _ w: FunctionIR.Width, _ dst: GPR) {
    if let rule = quotient {
      loadConstant(dst, rule.quotientOfDivisionByZero(w))
    } else if w == .w32 {
      a.mov(.dword, dst, dst)
    }
  }

  /// x / −1 = −x (INT_MIN stays INT_MIN); x % −1 = 0.
  mutating func divideByMinusOne(quotient: Bool, _ w: FunctionIR.Width, _ dst: GPR) {
    if quotient { a.neg(size(w), dst) } else { a.alu(.xor, .dword, dst, dst) }
  }
}
