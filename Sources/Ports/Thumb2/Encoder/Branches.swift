import KilnCore

// Branches. Branches to labels are recorded as items and laid out by
// `finish` (Relaxation.swift); the bit layouts of their forms:
//
//     B<c> T1      1101 cond imm8                                   (16)
//     B T2         11100 imm11                                      (16)
//     B<c> T3      11110 S cond imm6 | 10 J1 0 J2 imm11             (32)
//     B T4         11110 S imm10     | 10 J1 1 J2 imm11             (32)
//     BL T1        11110 S imm10     | 11 J1 1 J2 imm11             (32)
//     CBZ/CBNZ     1011 op 0 i 1 imm5 Rn   (op 1 = cbnz)           (16)
//     BX           010001110 Rm 000                                 (16)
//     BLX (reg)    010001111 Rm 000                                 (16)

extension Thumb2Assembler {
  static let bT2: UInt32 = 0xE000
  static let bT4: UInt32 = 0xF000_9000
  static let blT1: UInt32 = 0xF000_D000
  static func bcondT1(_ c: Condition) -> UInt32 { 0xD000 | c.field << 8 }
  static func bcondT3(_ c: Condition) -> UInt32 { 0xF000_8000 | c.field << 22 }
  static func cbz(_ r: LowReg, nonzero: Bool) -> UInt32 {
    0xB100 | (nonzero ? 0x800 : 0) | r.reg.field
  }

  /// `b label`: B T2, or B T4 if the label is more than 2 KiB away.
  public mutating func b(_ label: Label) { emitBranch(.b, to: label) }

  /// `b<c> label`: B<c> T1, B<c> T3 beyond ±256 B, or `b<¬c>` over a `b.w`
  /// beyond ±1 MiB. `b(.al, l)` is `b(l)`.
  public mutating func b(_ cond: Condition, _ label: Label) {
    emitBranch(cond == .al ? .b : .bcond(cond), to: label)
  }

  /// `cbz r, label`: branches if `r` is zero, flags untouched. Beyond its
  /// reach (forward 0…126 B) it becomes `cbnz r, 1f; b label; 1:`.
  public mutating func cbz(_ r: LowReg, _ label: Label) {
    emitBranch(.cbz(r, nonzero: false), to: label)
  }

  /// `cbnz r, label`: branches if `r` is not zero; relaxed like `cbz`.
  public mutating func cbnz(_ r: LowReg, _ label: Label) {
    emitBranch(.cbz(r, nonzero: true), to: label)
  }

  /// `bl label` (±16 MiB).
  public mutating func bl(_ label: Label) { emitBranch(.bl, to: label) }

  /// `blx m`: calls the address in `m` (bit 0 must be set: Thumb state).
  public mutating func blx(_ m: Reg) {
    precondition(m != .pc, "blx pc is UNPREDICTABLE")
    emit16(0x4780 | m.field << 3)
  }

  /// `bx m`: jumps to the address in `m` (`bx lr` returns).
  public mutating func bx(_ m: Reg) {
    precondition(m != .pc, "bx pc is not used")
    emit16(0x4700 | m.field << 3)
  }
}
