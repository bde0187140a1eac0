// Data processing, immediate operands.
//
//     32-bit, modified immediate (T1/T3 of each instruction):
//       11110 i 0 op(4) S Rn | 0 imm3 Rd imm8            i:imm3:imm8 = ModifiedImmediate
//       (op as in DataProcessing.swift; mov/mvn = orr/orn with Rn 1111)
//     32-bit, plain 12/16-bit immediate:
//       ADDW T4   11110 i 1 0000 0 Rn   | 0 imm3 Rd imm8   imm12 = i:imm3:imm8
//       SUBW T4   11110 i 1 0101 0 Rn   | 0 imm3 Rd imm8
//       MOVW T3   11110 i 1 0010 0 imm4 | 0 imm3 Rd imm8   imm16 = imm4:i:imm3:imm8
//       MOVT T1   11110 i 1 0110 0 imm4 | 0 imm3 Rd imm8
//
//     16-bit:
//       ADDS T1   0001110 imm3 Rn Rd       SUBS T1   0001111 imm3 Rn Rd      low, 0–7
//       ADDS T2   00110 Rdn imm8           SUBS T2   00111 Rdn imm8          low, Rd = Rn, 0–255
//       MOVS T1   00100 Rd imm8                                             low, 0–255
//       RSBS T1   0100001001 Rn Rd         (negs: rsbs Rd, Rn, #0)           low
//       ADD T1    10101 Rd imm8            add Rd, sp, #imm8×4               low Rd, no flags
//       ADD T2    101100000 imm7           add sp, sp, #imm7×4               no flags
//       SUB T1    101100001 imm7           sub sp, sp, #imm7×4               no flags
//
// LLVM picks T1 (imm3) over T2 (imm8) when both fit.

extension Thumb2Assembler {
  /// The 32-bit modified-immediate form: 11110 i 0 op S Rn | 0 imm3 Rd imm8.
  static func dataImmediate(
    _ op: DataOp, s: Bool, d: UInt32, n: UInt32, _ imm: ModifiedImmediate
  ) -> UInt32 {
    0xF000_0000 | op.rawValue << 21 | (s ? 1 << 20 : 0) | n << 16 | d << 8 | imm.bits
  }

  /// Any data-processing immediate form: 16-bit if LLVM would pick it, else 32-bit.
  mutating func dataImmediate(
    _ op: DataOp, s: Bool, _ d: Reg, _ n: Reg, _ imm: ModifiedImmediate
  ) {
    precondition(d != .pc && n != .pc, "\(op) with pc")
    precondition(
      d != .sp || (n == .sp && (op == .add || op == .sub)), "\(op) \(d), \(n): sp")
    var op = op
    var imm = imm
    // Like LLVM, `add #−k` becomes `sub #k` (and the reverse) when k is
    // encodable: same result, same flags (C and V of x + (2³² − k) and x − k agree).
    if op == .add || op == .sub, Int32(bitPattern: imm.value) < 0,
      let negated = ModifiedImmediate(exactly: 0 &- imm.value), negated != imm
    {
      op = op == .add ? .sub : .add
      imm = negated
    }
    let v = imm.value
    switch op {
    case .add, .sub:
      if !s && d == .sp && n == .sp && v & 3 == 0 && v <= 508 {
        emit16((op == .add ? 0xB000 : 0xB080) | v >> 2)
        return
      }
      if op == .add && !s && d.isLow && n == .sp && v & 3 == 0 && v <= 1020 {
        emit16(0xA800 | d.field << 8 | v >> 2)
        return
      }
      if d.isLow && n.isLow && narrowFlagsMatch(setsFlags: s) {
        if v <= 7 {
          emit16((op == .add ? 0x1C00 : 0x1E00) | v << 6 | n.field << 3 | d.field)
          return
        }
        if d == n && v <= 255 {
          emit16((op == .add ? 0x3000 : 0x3800) | d.field << 8 | v)
          return
        }
      }
    case .rsb:
      if v == 0 && d.isLow && n.isLow && narrowFlagsMatch(setsFlags: s) {
        emit16(0x4240 | n.field << 3 | d.field)
        return
      }
    default:
      precondition(n != .sp, "\(op) with sp")
    }
    emit32(Self.dataImmediate(op, s: s, d: d.field, n: n.field, imm))
  }

  /// `add d, n, #imm`, flags untouched (`add sp, sp, #imm` and `add r, sp, #imm` included).
  public mutating func add(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.add, s: false, d, n, imm)
  }
  /// `adds d, n, #imm`.
  public mutating func adds(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.add, s: true, d, n, imm)
  }
  /// `adc d, n, #imm`.
  public mutating func adc(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.adc, s: false, d, n, imm)
  }
  /// `adcs d, n, #imm`.
  public mutating func adcs(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.adc, s: true, d, n, imm)
  }
  /// `sub d, n, #imm`, flags untouched.
  public mutating func sub(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.sub, s: false, d, n, imm)
  }
  /// `subs d, n, #imm`.
  public mutating func subs(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.sub, s: true, d, n, imm)
  }
  /// `sbc d, n, #imm`.
  public mutating func sbc(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.sbc, s: false, d, n, imm)
  }
  /// `sbcs d, n, #imm`.
  public mutating func sbcs(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.sbc, s: true, d, n, imm)
  }
  /// `rsb d, n, #imm`: d = imm − n.
  public mutating func rsb(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.rsb, s: false, d, n, imm)
  }
  /// `rsbs d, n, #imm` (`rsbs d, n, #0` is the 16-bit `negs`).
  public mutating func rsbs(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.rsb, s: true, d, n, imm)
  }
  /// `and d, n, #imm`.
  public mutating func and(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.and, s: false, d, n, imm)
  }
  /// `ands d, n, #imm`.
  public mutating func ands(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.and, s: true, d, n, imm)
  }
  /// `orr d, n, #imm`.
  public mutating func orr(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.orr, s: false, d, n, imm)
  }
  /// `orrs d, n, #imm`.
  public mutating func orrs(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.orr, s: true, d, n, imm)
  }
  /// `eor d, n, #imm`.
  public mutating func eor(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.eor, s: false, d, n, imm)
  }
  /// `eors d, n, #imm`.
  public mutating func eors(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.eor, s: true, d, n, imm)
  }
  /// `bic d, n, #imm`.
  public mutating func bic(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.bic, s: false, d, n, imm)
  }
  /// `bics d, n, #imm`.
  public mutating func bics(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.bic, s: true, d, n, imm)
  }
  /// `orn d, n, #imm`.
  public mutating func orn(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.orn, s: false, d, n, imm)
  }
  /// `orns d, n, #imm`.
  public mutating func orns(_ d: Reg, _ n: Reg, imm: ModifiedImmediate) {
    dataImmediate(.orn, s: true, d, n, imm)
  }

  /// `addw d, n, #imm12` (0…4095): ADDW T4, always 32-bit.
  public mutating func addw(_ d: Reg, _ n: Reg, imm12: UInt16) {
    emit32(Self.plainImmediate12(0xF200_0000, d, n, imm12))
  }

  /// `subw d, n, #imm12` (0…4095): SUBW T4, always 32-bit.
  public mutating func subw(_ d: Reg, _ n: Reg, imm12: UInt16) {
    emit32(Self.plainImmediate12(0xF2A0_0000, d, n, imm12))
  }

  /// ADDW/SUBW: 11110 i 1 0x0x 0 Rn | 0 imm3 Rd imm8.
  private static func plainImmediate12(_ base: UInt32, _ d: Reg, _ n: Reg, _ imm12: UInt16)
    -> UInt32
  {
    precondition(imm12 < 4096, "addw/subw #\(imm12): the immediate is 0–4095")
    precondition(d != .pc && n != .pc && (d != .sp || n == .sp), "addw/subw \(d), \(n)")
    let v = UInt32(imm12)
    return base | (v >> 11) << 26 | n.field << 16 | (v >> 8 & 7) << 12 | d.field << 8 | v & 0xFF
  }

  /// MOVW/MOVT: 11110 i 1 0x10 0 imm4 | 0 imm3 Rd imm8.
  private static func wide16(_ base: UInt32, _ d: Reg, _ imm16: UInt16) -> UInt32 {
    precondition(d != .pc && d != .sp, "movw/movt \(d)")
    let v = UInt32(imm16)
    return base | (v >> 11 & 1) << 26 | (v >> 12) << 16 | (v >> 8 & 7) << 12 | d.field << 8
      | v & 0xFF
  }

  /// `movw d, #imm16`: d = imm16 (upper half cleared).
  public mutating func movw(_ d: Reg, _ imm16: UInt16) {
    emit32(Self.wide16(0xF240_0000, d, imm16))
  }

  /// `movt d, #imm16`: sets the upper half of d, keeps the lower.
  public mutating func movt(_ d: Reg, _ imm16: UInt16) {
    emit32(Self.wide16(0xF2C0_0000, d, imm16))
  }

  /// `mov d, #imm`, flags untouched: `mov.w`, or `movw` for 256…65535 as
  /// LLVM picks (MOVS T1 only inside an IT block).
  public mutating func mov(_ d: Reg, imm: ModifiedImmediate) { moveImmediate(d, imm, s: false) }

  /// `movs d, #imm`: MOVS T1 for a low register and 0–255 outside an IT block.
  public mutating func movs(_ d: Reg, imm: ModifiedImmediate) { moveImmediate(d, imm, s: true) }

  private mutating func moveImmediate(_ d: Reg, _ imm: ModifiedImmediate, s: Bool) {
    precondition(d != .pc && d != .sp, "mov \(d), #imm")
    if d.isLow && imm.value <= 255 && narrowFlagsMatch(setsFlags: s) {
      emit16(0x2000 | d.field << 8 | imm.value)
    } else if !s && imm.value > 255 && imm.value <= 0xFFFF {
      movw(d, UInt16(imm.value))  // LLVM's choice for `mov` of 256…65535
    } else {
      emit32(Self.dataImmediate(.orr, s: s, d: d.field, n: 15, imm))
    }
  }

  /// `mvn d, #imm`: d = ~imm, flags untouched.
  public mutating func mvn(_ d: Reg, imm: ModifiedImmediate) {
    precondition(d != .pc && d != .sp, "mvn \(d), #imm")
    emit32(Self.dataImmediate(.orn, s: false, d: d.field, n: 15, imm))
  }

  /// `mvns d, #imm`.
  public mutating func mvns(_ d: Reg, imm: ModifiedImmediate) {
    precondition(d != .pc && d != .sp, "mvns \(d), #imm")
    emit32(Self.dataImmediate(.orn, s: true, d: d.field, n: 15, imm))
  }

  /// Loads `value` into `d` without touching the flags, in the fewest bytes:
  /// `mov` of a modified immediate (`mov.w`, or `movw` for 256…65535, as
  /// LLVM), else `mvn` of one (4 B), else `movw` (4 B) if it fits in 16
  /// bits, else `movw` + `movt` (8 B).
  public mutating func mov32(_ d: Reg, _ value: UInt32) {
    if let imm = ModifiedImmediate(exactly: value) {
      mov(d, imm: imm)
    } else if let imm = ModifiedImmediate(exactly: ~value) {
      mvn(d, imm: imm)
    } else {
      movw(d, UInt16(truncatingIfNeeded: value))
      if value > 0xFFFF { movt(d, UInt16(truncatingIfNeeded: value >> 16)) }
    }
  }

  /// The number of bytes `mov32(_:_:)` emits for `value` outside an IT block.
  public static func mov32Size(_ value: UInt32) -> Int {
    if ModifiedImmediate(exactly: value) != nil || ModifiedImmediate(exactly: ~value) != nil
      || value <= 0xFFFF
    {
      return 4
    }
    return 8
  }
}
