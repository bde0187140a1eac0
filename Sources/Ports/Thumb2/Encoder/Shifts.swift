// Shifts and rotates.
//
//     by immediate:
//       16-bit   000 op(2) imm5 Rm Rd                         op: lsl 00, lsr 01, asr 10; low
//       32-bit   11101010010 S 1111 | 0 imm3 Rd imm2 type Rm  (MOV, shifted register)
//     by register:
//       16-bit   010000 opc(4) Rm Rdn                         opc: lsl 0010, lsr 0011, asr 0100,
//                                                             ror 0111; low, Rd = Rn
//       32-bit   11111010 0 type S Rn | 1111 Rd 0000 Rm
//
// The 16-bit forms set the flags outside an IT block only (see DataProcessing.swift).
// Amounts: lsl 0–31 (`lsl #0` is LLVM's `mov.w`, `lsls #0` its `movs`),
// lsr/asr 1–32, ror 1–31. `ror` has no 16-bit immediate form.

extension Thumb2Assembler {
  /// A shift by immediate: 16-bit if LLVM would pick it, else 32-bit.
  mutating func shiftImmediate(_ shift: Shift, s: Bool, _ d: Reg, _ m: Reg) {
    precondition(d != .pc && d != .sp && m != .pc && m != .sp, "shift with sp or pc")
    let (type, imm5) = shift.fields
    // The 16-bit `lsls #0` is MOVS T2, UNPREDICTABLE inside an IT block.
    let movsT2 = type == 0 && imm5 == 0
    if type != 3 && d.isLow && m.isLow && narrowFlagsMatch(setsFlags: s) && !(movsT2 && isInITBlock)
    {
      emit16(type << 11 | imm5 << 6 | m.field << 3 | d.field)
    } else {
      emit32(Self.dataRegister(.orr, s: s, d: d.field, n: 15, m: m.field, shift))
    }
  }

  /// A shift by register: 16-bit if LLVM would pick it, else 32-bit.
  mutating func shiftRegister(type: UInt32, s: Bool, _ d: Reg, _ n: Reg, _ m: Reg) {
    precondition(
      d != .pc && d != .sp && n != .pc && n != .sp && m != .pc && m != .sp,
      "shift with sp or pc")
    let opc: UInt32 = type == 3 ? 0b0111 : 0b0010 + type
    if d == n && d.isLow && m.isLow && narrowFlagsMatch(setsFlags: s) {
      emit16(0x4000 | opc << 6 | m.field << 3 | d.field)
    } else {
      emit32(0xFA00_F000 | type << 21 | (s ? 1 << 20 : 0) | n.field << 16 | d.field << 8 | m.field)
    }
  }

  /// `lsl d, m, #imm` (0–31), flags untouched.
  public mutating func lsl(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.lsl(imm), s: false, d, m)
  }
  /// `lsls d, m, #imm` (0–31).
  public mutating func lsls(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.lsl(imm), s: true, d, m)
  }
  /// `lsr d, m, #imm` (1–32).
  public mutating func lsr(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.lsr(imm), s: false, d, m)
  }
  /// `lsrs d, m, #imm` (1–32).
  public mutating func lsrs(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.lsr(imm), s: true, d, m)
  }
  /// `asr d, m, #imm` (1–32).
  public mutating func asr(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.asr(imm), s: false, d, m)
  }
  /// `asrs d, m, #imm` (1–32).
  public mutating func asrs(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.asr(imm), s: true, d, m)
  }
  /// `ror d, m, #imm` (1–31), always 32-bit.
  public mutating func ror(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.ror(imm), s: false, d, m)
  }
  /// `rors d, m, #imm` (1–31), always 32-bit.
  public mutating func rors(_ d: Reg, _ m: Reg, imm: UInt8) {
    shiftImmediate(.ror(imm), s: true, d, m)
  }

  /// `lsl d, n, m`: d = n << (m & 0xFF) (0 for 32 and more).
  public mutating func lsl(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 0, s: false, d, n, m)
  }
  /// `lsls d, n, m`.
  public mutating func lsls(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 0, s: true, d, n, m)
  }
  /// `lsr d, n, m`: logical right shift by the bottom byte of m.
  public mutating func lsr(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 1, s: false, d, n, m)
  }
  /// `lsrs d, n, m`.
  public mutating func lsrs(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 1, s: true, d, n, m)
  }
  /// `asr d, n, m`: arithmetic right shift by the bottom byte of m.
  public mutating func asr(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 2, s: false, d, n, m)
  }
  /// `asrs d, n, m`.
  public mutating func asrs(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 2, s: true, d, n, m)
  }
  /// `ror d, n, m`: rotate right by the bottom byte of m.
  public mutating func ror(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 3, s: false, d, n, m)
  }
  /// `rors d, n, m`.
  public mutating func rors(_ d: Reg, _ n: Reg, _ m: Reg) {
    shiftRegister(type: 3, s: true, d, n, m)
  }
}
