import KilnCore
import KilnIR

extension BlockLowering {
  static func aluOp(_ op: BinaryOperation) -> ALUOp? {
    switch op {
    case .add: .add
    case .sub: .sub
    case .and: .and
    case .or: .or
    case .xor: .xor
    default: nil
    }
  }

  static func shiftOp(_ op: BinaryOperation) -> ShiftOp? {
    switch op {
    case .shiftLeft: .shl
    case .shiftRightLogical: .shr
    case .shiftRightArithmetic: .sar
    default: nil
    }
  }

  mutating func lowerBinary(
    _ op: BinaryOperation, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value
  ) throws(CodeGenError) {
    if let alu = Self.aluOp(op) {
      lowerALU(alu, dst, lhs, rhs, commutative: op != .sub)
    } else if let shift = Self.shiftOp(op) {
      lowerShift(shift, dst, lhs, rhs)
    } else {
      switch op {
      case .setLessThan: lowerSet(.l, dst, lhs, rhs)
      case .setLessThanUnsigned: lowerSet(.b, dst, lhs, rhs)
      case .multiply:
        load(.rax, lhs)
        switch location(rhs) {
        case .register(let r): a.imul(.dword, .rax, r)
        case .memory(let m): a.imul(.dword, .rax, m)
        case .immediate(let i):
          a.mov(.rcx, imm32: i)
          a.imul(.dword, .rax, .rcx)
        }
        store(dst, from: .rax)
      case .multiplyHighSigned: lowerMultiplyHigh(dst, lhs, rhs, signedL: true, signedR: true)
      case .multiplyHighSignedUnsigned:
        lowerMultiplyHigh(dst, lhs, rhs, signedL: true, signedR: false)
      case .multiplyHighUnsigned:
        lowerMultiplyHigh(dst, lhs, rhs, signedL: false, signedR: false)
      case .divide, .divideUnsigned, .remainder, .remainderUnsigned:
        try lowerDivision(op, dst, lhs, rhs)
      default:
        preconditionFailure("unhandled binary operation \(op)")
      }
    }
  }

  /// add/sub/and/or/xor, operating in place when the destination is pinned.
  mutating func lowerALU(
    _ op: ALUOp, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value, commutative: Bool
  ) {
    let d = location(dst)
    // x + 0, x - 0, x | 0, x ^ 0: a move (RISC-V `mv` is `addi rd, rs, 0`).
    if rhs == .immediate(0), op != .and {
      lower(move: dst, lhs)
      return
    }
    // rd = rs + imm with both pinned: one `lea`.
    if op == .add, case .register(let r) = d, case .register(let s) = location(lhs),
      case .immediate(let i) = rhs, r != s
    {
      a.lea(.dword, r, Memory(base: s, displacement: Int32(bitPattern: i)))
      return
    }
    switch d {
    case .register(let r):
      if location(lhs) == d {
        alu(op, r, rhs)
        return
      }
      if location(rhs) != d {
        load(r, lhs)
        alu(op, r, rhs)
        return
      }
      if commutative {  // dst == rhs
        alu(op, r, lhs)
        return
      }
    case .memory(let m):
      // In place on the register-file slot: `add dword [r15 + n], imm/reg`.
      if location(lhs) == d {
        switch location(rhs) {
        case .immediate(let i):
          a.alu(op, .dword, m, imm: Int32(bitPattern: i))
          return
        case .register(let r):
          a.alu(op, .dword, m, r)
          return
        default: break
        }
      }
    case .immediate: break
    }
    load(.rax, lhs)
    alu(op, .rax, rhs)
    store(dst, from: .rax)
  }

  /// dst = v, whatever the locations.
  mutating func lower(move dst: GuestRegister, _ v: Value) {
    switch (location(dst), location(v)) {
    case (.register(let d), _): load(d, v)
    case (.memory(let m), .register(let r)): a.mov(.dword, m, r)
    case (.memory(let m), .immediate(let i)): a.mov(.dword, m, imm32: Int32(bitPattern: i))
    case (.memory(let m), .memory(let n)):
      if m != n {
        a.mov(.dword, .rax, n)
        a.mov(.dword, m, .rax)
      }
    case (.immediate, _): preconditionFailure("a register location is never an immediate")
    }
  }

  /// Shifts; x86 masks 32-bit shift counts to five bits, as RISC-V does.
  mutating func lowerShift(_ op: ShiftOp, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value) {
    var work = GPR.rax
    if case .register(let r) = location(dst), location(lhs) == .register(r) { work = r }
    if case .immediate(let count) = rhs {
      load(work, lhs)
      a.shift(op, .dword, work, imm: UInt8(count & 31))
    } else {
      load(.rcx, rhs)
      load(work, lhs)
      a.shiftByCL(op, .dword, work)
    }
    store(dst, from: work)
  }

  /// dst = (lhs cc rhs) ? 1 : 0
  mutating func lowerSet(_ cc: ConditionCode, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value) {
    load(.rcx, lhs)
    a.alu(.xor, .dword, .rax, .rax)
    alu(.cmp, .rcx, rhs)
    a.setcc(cc, .rax)
    store(dst, from: .rax)
  }

  /// High 32 bits of the 64-bit product: both operands are widened to 64
  /// bits (sign- or zero-extended) and multiplied with one `imul r64, r64`,
  /// whose low 64 bits are exact for every signedness combination.
  mutating func lowerMultiplyHigh(
    _ dst: GuestRegister, _ lhs: Value, _ rhs: Value, signedL: Bool, signedR: Bool
  ) {
    load(.rax, lhs)
    if signedL { a.movsxd(.rax, .rax) }
    load(.rcx, rhs)
    if signedR { a.movsxd(.rcx, .rcx) }
    a.imul(.qword, .rax, .rcx)
    a.shift(.shr, .qword, .rax, imm: 32)
    store(dst, from: .rax)
  }

  /// RISC-V division rules in generated code (x86 `div`/`idiv` trap on a
  /// zero divisor and on INT_MIN / -1, RISC-V never does):
  ///
  ///     divisor == 0   →  quotient 0xFFFFFFFF, remainder = dividend
  ///     divisor == -1  →  quotient = -dividend (INT_MIN stays INT_MIN), remainder 0   (signed only)
  mutating func lowerDivision(
    _ op: BinaryOperation, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value
  ) throws(CodeGenError) {
    let signed = op == .divide || op == .remainder
    let quotient = op == .divide || op == .divideUnsigned
    let done = a.newLabel()
    let byZero = a.newLabel()
    load(.rax, lhs)
    load(.rcx, rhs)
    a.test(.dword, .rcx, .rcx)
    a.jccShort(.e, byZero)
    if signed {
      let normal = a.newLabel()
      a.alu(.cmp, .dword, .rcx, imm: -1)
      a.jccShort(.ne, normal)
      if quotient { a.neg(.dword, .rax) } else { a.alu(.xor, .dword, .rax, .rax) }
      a.jmpShort(done)
      try a.bind(normal)
      a.cdq()
      a.idiv(.dword, .rcx)
    } else {
      a.alu(.xor, .dword, .rdx, .rdx)
      a.div(.dword, .rcx)
    }
    if !quotient { a.mov(.dword, .rax, .rdx) }
    a.jmpShort(done)
    try a.bind(byZero)
    if quotient { a.mov(.rax, imm32: 0xFFFF_FFFF) }  // remainder: rax already holds the dividend
    try a.bind(done)
    store(dst, from: .rax)
  }
}
