import KilnCore
import KilnIR

/// Two-operand operations. Guest values are 32-bit and live zero-extended
/// in W registers, so most operations are one W instruction:
///
///     add/sub/and/orr/eor    immediate form when the constant encodes
///     lslv/lsrv/asrv         W forms use the low five bits of the count
///     cmp ; cset lt|lo       set-less-than
///     mul                    low half
///     smull/umull ; lsr #32  high half, signed×signed and unsigned×unsigned
///     sxtw ; mul x ; lsr #32 high half, signed×unsigned (64-bit product)
///
/// Division follows the IR's rules (``DivisionRule``) without branches:
/// AArch64 `udiv`/`sdiv` give 0 for a zero divisor and INT_MIN for
/// INT_MIN / -1 (never trap), so
///
///     quotient:   d = div(n, m)                                      eBPF: m == 0 → 0
///                 q = div(n, m) ; tst m, m ; csinv d, q, wzr, ne     RISC-V: m == 0 → 0xFFFFFFFF
///     remainder:  q = div(n, m) ; msub d, q, m, n                    m == 0 → n; INT_MIN % -1 → 0
extension BlockLowering {
  mutating func lowerBinary(
    _ op: BinaryOperation, _ dst: GuestRegister, _ lhs: Value, _ rhs: Value
  ) {
    let d = target(dst)
    switch op {
    case .add, .sub:
      arithmetic(op == .sub, d, lhs, rhs)
    case .and, .or, .xor:
      logical(op, d, lhs, rhs)
    case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
      let n = read(lhs, into: BlockABI.scratch0)
      if case .immediate(let count) = rhs {
        let amount = count & 31
        switch op {
        case .shiftLeft: a.lsl(d, n, amount)
        case .shiftRightLogical: a.lsr(d, n, amount)
        default: a.asr(d, n, amount)
        }
      } else {
        let m = read(rhs, into: BlockABI.scratch1)
        switch op {
        case .shiftLeft: a.lslv(d, n, m)
        case .shiftRightLogical: a.lsrv(d, n, m)
        default: a.asrv(d, n, m)
        }
      }
    case .setLessThan, .setLessThanUnsigned:
      compare(lhs, rhs)
      a.cset(d, op == .setLessThan ? .lt : .lo)
    case .multiply:
      let n = read(lhs, into: BlockABI.scratch0)
      let m = read(rhs, into: BlockABI.scratch1)
      a.mul(d, n, m)
    case .multiplyHighSigned, .multiplyHighUnsigned:
      let n = read(lhs, into: BlockABI.scratch0)
      let m = read(rhs, into: BlockABI.scratch1)
      if op == .multiplyHighSigned { a.smull(d.x, n, m) } else { a.umull(d.x, n, m) }
      a.lsr(d.x, d.x, 32)
    case .multiplyHighSignedUnsigned:
      // The 64-bit product of sign-extended lhs and zero-extended rhs (W
      // registers are zero-extended): its low 64 bits are exact.
      let n = read(lhs, into: BlockABI.scratch0)
      let m = read(rhs, into: BlockABI.scratch1)
      a.sxtw(.x16, n)
      a.mul(XReg.x16, .x16, m.x)
      a.lsr(d.x, .x16, 32)
    case .divide(let rule), .divideUnsigned(let rule):
      let n = read(lhs, into: BlockABI.scratch0)
      let m = read(rhs, into: BlockABI.scratch1)
      // The host's x / 0 is 0, eBPF's too; RISC-V's is all ones. (The
      // quotient goes to w0 first: d may be m, which tst still reads.)
      let q = rule == .riscv ? BlockABI.result : d
      if case .divide = op { a.sdiv(q, n, m) } else { a.udiv(q, n, m) }
      if rule == .riscv {
        a.tst(m, m)
        a.csinv(d, q, .wzr, .ne)
      }
    case .remainder, .remainderUnsigned:
      let n = read(lhs, into: BlockABI.scratch0)
      let m = read(rhs, into: BlockABI.scratch1)
      let q = BlockABI.result
      if op == .remainder { a.sdiv(q, n, m) } else { a.udiv(q, n, m) }
      a.msub(d, q, m, n)
    case .move:
      lower(move: dst, rhs)
      return
    }
    store(dst, from: d)
  }

  /// add/sub, with the immediate forms when the constant (or its negation) encodes.
  mutating func arithmetic(_ subtract: Bool, _ d: WReg, _ lhs: Value, _ rhs: Value) {
    if case .immediate(let i) = rhs, case .register = lhs {
      let n = read(lhs, into: BlockABI.scratch0)
      let value = Int(Int32(bitPattern: i)) * (subtract ? -1 : 1)
      if value == 0 {
        if d != n { a.mov(d, n) }
        return
      }
      if let dsp = d.orSP, let nsp = n.orSP {
        if let imm = AddSubImmediate(exactly: value) {
          a.add(dsp, nsp, imm)
          return
        }
        if let imm = AddSubImmediate(exactly: -value) {
          a.sub(dsp, nsp, imm)
          return
        }
      }
      let m = read(rhs, into: BlockABI.scratch1)
      if subtract { a.sub(d, n, m) } else { a.add(d, n, m) }
      return
    }
    let n = read(lhs, into: BlockABI.scratch0)
    let m = read(rhs, into: BlockABI.scratch1)
    if subtract { a.sub(d, n, m) } else { a.add(d, n, m) }
  }

  /// and/orr/eor, with the bitmask-immediate form when the constant encodes.
  mutating func logical(_ op: BinaryOperation, _ d: WReg, _ lhs: Value, _ rhs: Value) {
    let n = read(lhs, into: BlockABI.scratch0)
    if case .immediate(let i) = rhs, n != .wzr, let dsp = d.orSP,
      let mask = LogicalImmediate32(i)
    {
      switch op {
      case .and: a.and(dsp, n, mask)
      case .or: a.orr(dsp, n, mask)
      default: a.eor(dsp, n, mask)
      }
      return
    }
    let m = read(rhs, into: BlockABI.scratch1)
    switch op {
    case .and: a.and(d, n, m)
    case .or: a.orr(d, n, m)
    default: a.eor(d, n, m)
    }
  }

  /// Sets the flags for `lhs - rhs` (32-bit).
  mutating func compare(_ lhs: Value, _ rhs: Value) {
    let n = read(lhs, into: BlockABI.scratch0)
    if case .immediate(let i) = rhs, let nsp = n.orSP {
      if let imm = AddSubImmediate(exactly: Int(i)) {
        a.cmp(nsp, imm)
        return
      }
      if let imm = AddSubImmediate(exactly: -Int(Int32(bitPattern: i))) {
        a.cmn(nsp, imm)
        return
      }
    }
    let m = read(rhs, into: BlockABI.scratch1)
    a.cmp(n, m)
  }
}
