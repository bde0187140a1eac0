// Loads and stores (single register).
//
//     16-bit, immediate       op5 imm5 Rn Rt          all low; imm5 scaled by the size
//       str 01100 ×4, ldr 01101 ×4, strb 01110 ×1, ldrb 01111 ×1, strh 10000 ×2, ldrh 10001 ×2
//     16-bit, sp-relative     1001 L Rt imm8          ldr/str Rt, [sp, #imm8×4], Rt low
//     16-bit, register        0101 opB Rm Rn Rt       all low, no shift
//       opB: str 000, strh 001, strb 010, ldrsb 011, ldr 100, ldrh 101, ldrb 110, ldrsh 111
//     32-bit, imm12 (T3)      1111100 S 1 sz L Rn | Rt imm12              0…4095
//     32-bit, imm8 (T4)       1111100 S 0 sz L Rn | Rt 1 P U W imm8       P=1 U=0 W=0: −255…−1
//     32-bit, register        1111100 S 0 sz L Rn | Rt 0 00000 imm2 Rm    lsl #0–3
//       (S: sign-extending load; sz: 00 byte, 01 halfword, 10 word)
//
// LLVM picks the 16-bit form whenever the operands fit it.

/// A single-register load or store.
enum MemoryOp: Sendable {
  case ldr, ldrb, ldrh, ldrsb, ldrsh, str, strb, strh

  /// The first halfword of the 32-bit imm12 form (Rn 0).
  var imm12Base: UInt32 {
    switch self {
    case .ldr: 0xF8D0
    case .ldrb: 0xF890
    case .ldrh: 0xF8B0
    case .ldrsb: 0xF990
    case .ldrsh: 0xF9B0
    case .str: 0xF8C0
    case .strb: 0xF880
    case .strh: 0xF8A0
    }
  }

  /// The first halfword of the 32-bit imm8 and register forms (Rn 0).
  var imm8Base: UInt32 { imm12Base - 0x80 }

  /// The 16-bit immediate form's opcode (bits 15–11 in place) and scale.
  var narrowImmediate: (base: UInt32, scale: UInt32)? {
    switch self {
    case .str: (0x6000, 4)
    case .ldr: (0x6800, 4)
    case .strb: (0x7000, 1)
    case .ldrb: (0x7800, 1)
    case .strh: (0x8000, 2)
    case .ldrh: (0x8800, 2)
    case .ldrsb, .ldrsh: nil
    }
  }

  /// The `opB` of the 16-bit register form.
  var narrowRegister: UInt32 {
    switch self {
    case .str: 0b000
    case .strh: 0b001
    case .strb: 0b010
    case .ldrsb: 0b011
    case .ldr: 0b100
    case .ldrh: 0b101
    case .ldrb: 0b110
    case .ldrsh: 0b111
    }
  }
}

extension Thumb2Assembler {
  /// True if `offset` fits the 32-bit immediate forms of the single-register
  /// loads and stores (imm12 0…4095 or imm8 −255…−1).
  public static func canEncodeLoadStoreOffset(_ offset: Int32) -> Bool {
    offset >= -255 && offset <= 4095
  }

  /// A load or store with an immediate offset, in the shortest form.
  mutating func loadStore(_ op: MemoryOp, _ t: Reg, _ base: Reg, _ offset: Int32) {
    precondition(t != .sp && t != .pc, "\(op) \(t): sp and pc are not data registers here")
    precondition(base != .pc, "\(op) [pc]: literal loads are not supported")
    precondition(Self.canEncodeLoadStoreOffset(offset), "\(op) offset \(offset) is not −255…4095")
    if let (narrow, scale) = op.narrowImmediate, t.isLow, offset >= 0 {
      let v = UInt32(offset)
      if base.isLow && v % scale == 0 && v / scale <= 31 {
        emit16(narrow | (v / scale) << 6 | base.field << 3 | t.field)
        return
      }
      if base == .sp && scale == 4 && v % 4 == 0 && v / 4 <= 255 {
        emit16((op == .ldr ? 0x9800 : 0x9000) | t.field << 8 | v / 4)
        return
      }
    }
    if offset >= 0 {
      emit32((op.imm12Base | base.field) << 16 | t.field << 12 | UInt32(offset))
    } else {
      emit32((op.imm8Base | base.field) << 16 | t.field << 12 | 0xC00 | UInt32(-offset))
    }
  }

  /// A load or store with a register offset shifted left by 0–3.
  mutating func loadStore(_ op: MemoryOp, _ t: Reg, _ base: Reg, index: Reg, shift: UInt8) {
    precondition(
      t != .sp && t != .pc && index != .sp && index != .pc, "\(op) \(t), [\(base), \(index)]")
    precondition(base != .pc, "\(op) [pc, …] is not supported")
    precondition(shift <= 3, "\(op) lsl #\(shift): the shift is 0–3")
    if shift == 0 && t.isLow && base.isLow && index.isLow {
      emit16(0x5000 | op.narrowRegister << 9 | index.field << 6 | base.field << 3 | t.field)
    } else {
      emit32((op.imm8Base | base.field) << 16 | t.field << 12 | UInt32(shift) << 4 | index.field)
    }
  }

  /// `ldr t, [base, #offset]` (−255…4095).
  public mutating func ldr(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.ldr, t, base, offset)
  }
  /// `ldrb t, [base, #offset]`: zero-extended byte.
  public mutating func ldrb(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.ldrb, t, base, offset)
  }
  /// `ldrh t, [base, #offset]`: zero-extended halfword.
  public mutating func ldrh(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.ldrh, t, base, offset)
  }
  /// `ldrsb t, [base, #offset]`: sign-extended byte.
  public mutating func ldrsb(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.ldrsb, t, base, offset)
  }
  /// `ldrsh t, [base, #offset]`: sign-extended halfword.
  public mutating func ldrsh(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.ldrsh, t, base, offset)
  }
  /// `str t, [base, #offset]`.
  public mutating func str(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.str, t, base, offset)
  }
  /// `strb t, [base, #offset]`.
  public mutating func strb(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.strb, t, base, offset)
  }
  /// `strh t, [base, #offset]`.
  public mutating func strh(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    loadStore(.strh, t, base, offset)
  }

  /// `ldr t, [base, index, lsl #shift]`.
  public mutating func ldr(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.ldr, t, base, index: index, shift: shift)
  }
  /// `ldrb t, [base, index, lsl #shift]`.
  public mutating func ldrb(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.ldrb, t, base, index: index, shift: shift)
  }
  /// `ldrh t, [base, index, lsl #shift]`.
  public mutating func ldrh(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.ldrh, t, base, index: index, shift: shift)
  }
  /// `ldrsb t, [base, index, lsl #shift]`.
  public mutating func ldrsb(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.ldrsb, t, base, index: index, shift: shift)
  }
  /// `ldrsh t, [base, index, lsl #shift]`.
  public mutating func ldrsh(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.ldrsh, t, base, index: index, shift: shift)
  }
  /// `str t, [base, index, lsl #shift]`.
  public mutating func str(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.str, t, base, index: index, shift: shift)
  }
  /// `strb t, [base, index, lsl #shift]`.
  public mutating func strb(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.strb, t, base, index: index, shift: shift)
  }
  /// `strh t, [base, index, lsl #shift]`.
  public mutating func strh(_ t: Reg, _ base: Reg, index: Reg, shift: UInt8 = 0) {
    loadStore(.strh, t, base, index: index, shift: shift)
  }

  /// True if `offset` fits `ldrd`/`strd`: a multiple of 4 in −1020…1020.
  public static func canEncodeDoublewordOffset(_ offset: Int32) -> Bool {
    offset % 4 == 0 && offset >= -1020 && offset <= 1020
  }

  /// LDRD/STRD (immediate, offset): 1110100 1 U 1 0 L Rn | Rt Rt2 imm8 (×4).
  private mutating func doubleword(load: Bool, _ t: Reg, _ t2: Reg, _ base: Reg, _ offset: Int32) {
    let what = load ? "ldrd" : "strd"
    precondition(Self.canEncodeDoublewordOffset(offset), "\(what) offset \(offset)")
    precondition(
      t != .sp && t != .pc && t2 != .sp && t2 != .pc && base != .pc,
      "\(what) \(t), \(t2), [\(base)]")
    precondition(!load || t != t2, "ldrd with the same register twice")
    let u: UInt32 = offset >= 0 ? 1 : 0
    let imm8 = UInt32(offset.magnitude) / 4
    emit32(
      (0xE940 | u << 7 | (load ? 0x10 : 0) | base.field) << 16 | t.field << 12 | t2.field << 8
        | imm8)
  }

  /// `ldrd t, t2, [base, #offset]`: t = [base + offset], t2 = [base + offset + 4].
  public mutating func ldrd(_ t: Reg, _ t2: Reg, _ base: Reg, _ offset: Int32 = 0) {
    doubleword(load: true, t, t2, base, offset)
  }

  /// `strd t, t2, [base, #offset]`.
  public mutating func strd(_ t: Reg, _ t2: Reg, _ base: Reg, _ offset: Int32 = 0) {
    doubleword(load: false, t, t2, base, offset)
  }

  /// `push list`: 16-bit for r0–r7 and lr; `str r, [sp, #-4]!` for one other
  /// register; else `push.w` (STMDB sp!). No sp or pc.
  public mutating func push(_ list: RegisterList) {
    precondition(list.count > 0, "push {}")
    precondition(!list.contains(.sp) && !list.contains(.pc), "push \(list): sp or pc")
    let raw = UInt32(list.rawValue)
    if raw & ~0x40FF == 0 {
      emit16(0xB400 | (raw >> 14 & 1) << 8 | raw & 0xFF)
    } else if list.count == 1, let r = list.registers.first {
      emit32(0xF84D_0D04 | r.field << 12)
    } else {
      emit32(0xE92D_0000 | raw)
    }
  }

  /// `pop list`: 16-bit for r0–r7 and pc; `ldr r, [sp], #4` for one other
  /// register; else `pop.w` (LDMIA sp!). No sp, not both lr and pc.
  public mutating func pop(_ list: RegisterList) {
    precondition(list.count > 0, "pop {}")
    precondition(!list.contains(.sp), "pop \(list): sp")
    precondition(!(list.contains(.lr) && list.contains(.pc)), "pop \(list): both lr and pc")
    let raw = UInt32(list.rawValue)
    if raw & ~0x80FF == 0 {
      emit16(0xBC00 | (raw >> 15) << 8 | raw & 0xFF)
    } else if list.count == 1, let r = list.registers.first {
      emit32(0xF85D_0B04 | r.field << 12)
    } else {
      emit32(0xE8BD_0000 | raw)
    }
  }
}
