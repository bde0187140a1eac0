// Data processing, register operands.
//
//     32-bit (shifted register), T2/T3 of each instruction:
//       1110101 op(4) S Rn | 0 imm3 Rd imm2 type Rm        shift = type, imm3:imm2
//       op: and 0000, bic 0001, orr 0010, orn 0011, eor 0100,
//           add 1000, adc 1010, sbc 1011, sub 1101, rsb 1110
//       (mov = orr with Rn 1111, mvn = orn with Rn 1111;
//        tst/teq/cmn/cmp = and/eor/add/sub with S 1 and Rd 1111)
//
//     16-bit:
//       ADDS T1        0001100 Rm Rn Rd                     all low
//       SUBS T1        0001101 Rm Rn Rd                     all low
//       ADD T2         01000100 DN Rm Rdn                   any registers, Rd = Rn
//       010000 group   010000 opc(4) Rm Rdn                 low, Rd = Rn
//         opc: and 0000, eor 0001, adc 0101, sbc 0110, orr 1100, bic 1110, mvn 1111
//       MOV T1         01000110 D Rm Rd                     any registers, no flags
//       MOVS T2        0000000000 Rm Rd                     (lsls #0) low
//
// The 16-bit ADDS/SUBS and the 010000 group set the flags outside an IT
// block and leave them alone inside one; `narrowFlagsMatch` picks them only
// when that is what the method promises (`add` no, `adds` yes, outside IT).

/// The `op` field of the 32-bit data-processing forms (register and immediate).
enum DataOp: UInt32, Sendable {
  case and = 0b0000
  case bic = 0b0001
  case orr = 0b0010
  case orn = 0b0011
  case eor = 0b0100
  case add = 0b1000
  case adc = 0b1010
  case sbc = 0b1011
  case sub = 0b1101
  case rsb = 0b1110

  /// The `opc` of the 16-bit `010000` two-register form, if it has one.
  var narrowOpcode: UInt32? {
    switch self {
    case .and: 0b0000
    case .eor: 0b0001
    case .adc: 0b0101
    case .sbc: 0b0110
    case .orr: 0b1100
    case .bic: 0b1110
    default: nil
    }
  }

  /// True if the operands may be swapped (`and r0, r1, r0` = `and r0, r0, r1`).
  var isCommutative: Bool { self == .and || self == .eor || self == .adc || self == .orr }
}

extension Thumb2Assembler {
  /// The 32-bit shifted-register form: 1110101 op S Rn | 0 imm3 Rd imm2 type Rm.
  static func dataRegister(
    _ op: DataOp, s: Bool, d: UInt32, n: UInt32, m: UInt32, _ shift: Shift
  ) -> UInt32 {
    let (type, imm5) = shift.fields
    return 0xEA00_0000 | op.rawValue << 21 | (s ? 1 << 20 : 0) | n << 16 | (imm5 >> 2) << 12
      | d << 8 | (imm5 & 3) << 6 | type << 4 | m
  }

  /// Any data-processing register form: the 16-bit one if LLVM would pick it, else 32-bit.
  mutating func dataRegister(_ op: DataOp, s: Bool, _ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift) {
    precondition(d != .pc && n != .pc && m != .pc, "\(op) with pc")
    precondition(
      m != .sp && (op == .add || op == .sub || (d != .sp && n != .sp)),
      "\(op) \(d), \(n), \(m): sp")
    if d == .sp, case .lsl(let amount) = shift {
      precondition(amount <= 3, "\(op) sp, …, lsl #\(amount): at most lsl #3")
    } else if d == .sp {
      preconditionFailure("\(op) sp, …, \(shift): only lsl #0–3")
    }
    let allLow = d.isLow && n.isLow && m.isLow
    if shift.isNone {
      switch op {
      case .add, .sub:
        // ADDS/SUBS T1 (3 low registers), inside an IT block also for the
        // non-flag-setting add when Rd = Rn (LLVM prefers it to ADD T2 there).
        if allLow && narrowFlagsMatch(setsFlags: s) {
          emit16((op == .add ? 0x1800 : 0x1A00) | m.field << 6 | n.field << 3 | d.field)
          return
        }
        if op == .add && !s && (d == n || d == m) {
          // ADD T2: Rdn += Rm (any registers; sp as Rdn or Rm is ADD (SP plus register)).
          let other = d == n ? m : n
          emit16(0x4400 | (d.field >> 3) << 7 | other.field << 3 | d.field & 7)
          return
        }
      default:
        if allLow, let opc = op.narrowOpcode, narrowFlagsMatch(setsFlags: s),
          d == n || (op.isCommutative && d == m)
        {
          let other = d == n ? m : n
          emit16(0x4000 | opc << 6 | other.field << 3 | d.field)
          return
        }
      }
    }
    emit32(Self.dataRegister(op, s: s, d: d.field, n: n.field, m: m.field, shift))
  }

  /// `add d, n, m{, shift}`: d = n + m, flags untouched.
  public mutating func add(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.add, s: false, d, n, m, shift)
  }
  /// `adds d, n, m{, shift}`: d = n + m, sets NZCV.
  public mutating func adds(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.add, s: true, d, n, m, shift)
  }
  /// `adc d, n, m{, shift}`: d = n + m + C.
  public mutating func adc(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.adc, s: false, d, n, m, shift)
  }
  /// `adcs d, n, m{, shift}`: d = n + m + C, sets NZCV.
  public mutating func adcs(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.adc, s: true, d, n, m, shift)
  }
  /// `sub d, n, m{, shift}`: d = n − m.
  public mutating func sub(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.sub, s: false, d, n, m, shift)
  }
  /// `subs d, n, m{, shift}`: d = n − m, sets NZCV.
  public mutating func subs(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.sub, s: true, d, n, m, shift)
  }
  /// `sbc d, n, m{, shift}`: d = n − m − ¬C.
  public mutating func sbc(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.sbc, s: false, d, n, m, shift)
  }
  /// `sbcs d, n, m{, shift}`: d = n − m − ¬C, sets NZCV.
  public mutating func sbcs(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.sbc, s: true, d, n, m, shift)
  }
  /// `rsb d, n, m{, shift}`: d = m − n (always 32-bit).
  public mutating func rsb(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.rsb, s: false, d, n, m, shift)
  }
  /// `rsbs d, n, m{, shift}`: d = m − n, sets NZCV (always 32-bit).
  public mutating func rsbs(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.rsb, s: true, d, n, m, shift)
  }
  /// `and d, n, m{, shift}`.
  public mutating func and(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.and, s: false, d, n, m, shift)
  }
  /// `ands d, n, m{, shift}`: sets NZ (and C from the shift).
  public mutating func ands(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.and, s: true, d, n, m, shift)
  }
  /// `orr d, n, m{, shift}`.
  public mutating func orr(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.orr, s: false, d, n, m, shift)
  }
  /// `orrs d, n, m{, shift}`.
  public mutating func orrs(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.orr, s: true, d, n, m, shift)
  }
  /// `eor d, n, m{, shift}`.
  public mutating func eor(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.eor, s: false, d, n, m, shift)
  }
  /// `eors d, n, m{, shift}`.
  public mutating func eors(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.eor, s: true, d, n, m, shift)
  }
  /// `bic d, n, m{, shift}`: d = n & ~m.
  public mutating func bic(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.bic, s: false, d, n, m, shift)
  }
  /// `bics d, n, m{, shift}`.
  public mutating func bics(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.bic, s: true, d, n, m, shift)
  }
  /// `orn d, n, m{, shift}`: d = n | ~m (always 32-bit).
  public mutating func orn(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.orn, s: false, d, n, m, shift)
  }
  /// `orns d, n, m{, shift}` (always 32-bit).
  public mutating func orns(_ d: Reg, _ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    dataRegister(.orn, s: true, d, n, m, shift)
  }

  /// `mov d, m`: MOV T1 (16-bit, any registers, flags untouched).
  public mutating func mov(_ d: Reg, _ m: Reg) {
    precondition(d != .pc && m != .pc, "mov with pc")
    emit16(0x4600 | (d.field >> 3) << 7 | m.field << 3 | d.field & 7)
  }

  /// `movs d, m`: sets NZ. MOVS T2 (= `lsls d, m, #0`) for low registers
  /// outside an IT block, else `movs.w` (ORR with Rn 1111).
  public mutating func movs(_ d: Reg, _ m: Reg) {
    precondition(d != .pc && d != .sp && m != .pc && m != .sp, "movs with sp or pc")
    if d.isLow && m.isLow && narrowFlagsMatch(setsFlags: true) {
      emit16(m.field << 3 | d.field)
    } else {
      emit32(Self.dataRegister(.orr, s: true, d: d.field, n: 15, m: m.field, .lsl(0)))
    }
  }

  /// `mvn d, m`: d = ~m, flags untouched (MVNS T1 only inside an IT block).
  public mutating func mvn(_ d: Reg, _ m: Reg) { moveNot(d, m, s: false) }

  /// `mvns d, m`: d = ~m, sets NZ.
  public mutating func mvns(_ d: Reg, _ m: Reg) { moveNot(d, m, s: true) }

  /// MVN(S): 0100001111 Rm Rd (16-bit) or 11101010011S1111 | 0 000 Rd 00 00 Rm.
  private mutating func moveNot(_ d: Reg, _ m: Reg, s: Bool) {
    precondition(d != .pc && d != .sp && m != .pc && m != .sp, "mvn with sp or pc")
    if d.isLow && m.isLow && narrowFlagsMatch(setsFlags: s) {
      emit16(0x43C0 | m.field << 3 | d.field)
    } else {
      emit32(Self.dataRegister(.orn, s: s, d: d.field, n: 15, m: m.field, .lsl(0)))
    }
  }
}
