/// Push, pop and single-byte/trap instructions.
extension X86Assembler {
  /// `push r64` — `[REX.B] 50+rd`.
  public mutating func push(_ r: GPR) {
    emitREX(w: false, r: 0, x: 0, b: r.high1)
    emit8(0x50 | r.low3)
  }

  /// `pop r64` — `[REX.B] 58+rd`.
  public mutating func pop(_ r: GPR) {
    emitREX(w: false, r: 0, x: 0, b: r.high1)
    emit8(0x58 | r.low3)
  }

  /// `ud2` — `0F 0B` (raises #UD).
  public mutating func ud2() {
    emit8(0x0F)
    emit8(0x0B)
  }

  /// `int3` — `CC` (breakpoint trap).
  public mutating func int3() { emit8(0xCC) }

  /// `nop` — `90`.
  public mutating func nop() { emit8(0x90) }
}
