import KilnCore
import KilnIR

/// Arithmetic of blocks: 32-bit ``BinaryOperation``s on guest registers in
/// host registers or in the register file, and immediates.
extension BlockLowering {
  mutating func lowerBinary(
    _ op: BinaryOperation, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value
  ) throws(CodeGenError) {
    switch ALUForm(op) {
    case .alu(let alu): lowerALU(alu, dst, lhs, rhs, commutative: alu != .sub)
    case .shift(let shift): lowerShift(shift, dst, lhs, rhs)
    case .set(let cc): lowerSet(cc, dst, lhs, rhs)
    case .multiply:
      // Multiply in the destination when it is a host register the right
      // operand does not live in (commuting when only the left one does).
      var work = GPR.rax
      var (l, r) = (lhs, rhs)
      if case .register(let d) = location(dst) {
        if location(r) != .register(d) {
          work = d
        } else if location(l) != .register(d) {
          (l, r) = (rhs, lhs)
          work = d
        }
      }
      load(work, l)
      switch location(r) {
      case .register(let x): a.imul(.dword, work, x)
      case .memory(let m): a.imul(.dword, work, m)
      case .immediate(let i):
        a.mov(.rcx, imm32: i)
        a.imul(.dword, work, .rcx)
      }
      store(dst, from: work)
    case .multiplyHigh(let signedL, let signedR):
      lowerMultiplyHigh(dst, lhs, rhs, signedL: signedL, signedR: signedR)
    case .division(let signed, let quotient):
      try lowerDivision(signed: signed, quotient: quotient, dst, lhs, rhs)
    case .move: lower(move: dst, rhs)
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
    // rd = rs1 + rs2, all three in host registers, rd neither source: one
    // `lea` instead of `mov` and `add`.
    if op == .add, case .register(let r) = d, case .register(let s) = location(lhs),
      case .register(let t) = location(rhs), r != s, r != t
    {
      a.lea(.dword, r, Memory(base: s, index: t))
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
    // Shift in the destination when it is a host register (the count is
    // loaded into ecx before the destination is written).
    var work = GPR.rax
    if case .register(let r) = location(dst) { work = r }
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
    var l = GPR.rcx
    if case .register(let r) = location(lhs) { l = r } else { load(.rcx, lhs) }
    a.alu(.xor, .dword, .rax, .rax)
    alu(.cmp, l, rhs)
    a.setcc(cc, .rax)
    store(dst, from: .rax)
  }

  /// High 32 bits of the 64-bit product: both operands are widened to 64
  /// bits (sign- or zero-extended) and multiplied with one `imul r64, r64`,
  /// whose low 64 bits are exact for every signedness combination.
  ///
  /// With both operands of one signedness (`mulh`, `mulhu`) the one-operand
  /// 32-bit `imul`/`mul` leaves the high half in edx, with no widening and
  /// no shift.
  mutating func lowerMultiplyHigh(
    _ dst: GuestRegister, _ lhs: Value, _ rhs: Value, signedL: Bool, signedR: Bool
  ) {
    if signedL == signedR {
      var src = GPR.rcx
      if case .register(let r) = location(rhs) { src = r } else { load(.rcx, rhs) }
      load(.rax, lhs)
      if signedL { a.imulWide(.dword, src) } else { a.mul(.dword, src) }
      store(dst, from: .rdx)
      return
    }
    load(.rax, lhs)
    if signedL { a.movsxd(.rax, .rax) }
    load(.rcx, rhs)
    if signedR { a.movsxd(.rcx, .rcx) }
    a.imul(.qword, .rax, .rcx)
    a.shift(.shr, .qword, .rax, imm: 32)
    store(dst, from: .rax)
  }

  /// Divisions by the IR's rules in generated code (x86 `div`/`idiv` trap
  /// on a zero divisor and on INT_MIN / -1, the IR never does):
  ///
  ///     divisor == 0   →  quotient by the rule (RISC-V 0xFFFFFFFF, eBPF 0), remainder = dividend
  ///     divisor == -1  →  quotient = -dividend (INT_MIN stays INT_MIN), remainder 0   (signed only)
  ///
  /// `quotient` is the rule of a quotient; nil asks for the remainder.
  mutating func lowerDivision(
    signed: Bool, quotient: DivisionRule?, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value
  ) throws(CodeGenError) {
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
      if quotient != nil { a.neg(.dword, .rax) } else { a.alu(.xor, .dword, .rax, .rax) }
      a.jmpShort(done)
      try a.bind(normal)
      a.cdq()
      a.idiv(.dword, .rcx)
    } else {
      a.alu(.xor, .dword, .rdx, .rdx)
      a.div(.dword, .rcx)
    }
    if quotient == nil { a.mov(.dword, .rax, .rdx) }
    a.jmpShort(done)
    try a.bind(byZero)
    // A remainder is the dividend, already in eax.
    if let rule = quotient {
      a.mov(.rax, imm32: UInt32(truncatingIfNeeded: rule.quotientOfDivisionByZero(.w32)))
    }
    try a.bind(done)
    store(dst, from: .rax)
  }
}
