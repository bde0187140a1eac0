/// Multiplication, division, negation and sign extension of rAX into rDX.
/// The one-operand forms are the `F7 /digit` group.
extension X86Assembler {
  /// `imul r, r/m` — `[REX.W] 0F AF /r` (truncated signed product).
  public mutating func imul(_ size: OperandSize, _ dst: GPR, _ src: GPR) {
    emitModRM(w: size.rexW, map: .escape0F, opcode: 0xAF, reg: dst.rawValue, rm: .reg(src))
  }

  /// `imul r, m` — `[REX.W] 0F AF /r`.
  public mutating func imul(_ size: OperandSize, _ dst: GPR, _ src: Memory) {
    emitModRM(w: size.rexW, map: .escape0F, opcode: 0xAF, reg: dst.rawValue, rm: .mem(src))
  }

  /// `imul r, r/m, imm` — `[REX.W] 6B /r ib` if the immediate fits a
  /// sign-extended byte, else `[REX.W] 69 /r id` (truncated signed product
  /// of `src` and the immediate, sign-extended to 64 bits for `qword`).
  public mutating func imul(_ size: OperandSize, _ dst: GPR, _ src: GPR, imm: Int32) {
    if Self.fitsImm8(imm) {
      emitModRM(w: size.rexW, opcode: 0x6B, reg: dst.rawValue, rm: .reg(src))
      emit8(UInt8(truncatingIfNeeded: imm))
    } else {
      emitModRM(w: size.rexW, opcode: 0x69, reg: dst.rawValue, rm: .reg(src))
      emit32(UInt32(bitPattern: imm))
    }
  }

  /// `mul r` — `[REX.W] F7 /4`: rDX:rAX ← rAX × src, unsigned.
  public mutating func mul(_ size: OperandSize, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: 0xF7, reg: 4, rm: .reg(src))
  }

  /// `imul r` — `[REX.W] F7 /5`: rDX:rAX ← rAX × src, signed.
  public mutating func imulWide(_ size: OperandSize, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: 0xF7, reg: 5, rm: .reg(src))
  }

  /// `div r` — `[REX.W] F7 /6`: rAX ← rDX:rAX ÷ src, rDX ← remainder, unsigned.
  /// Raises #DE on a zero divisor or an overflowing quotient.
  public mutating func div(_ size: OperandSize, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: 0xF7, reg: 6, rm: .reg(src))
  }

  /// `idiv r` — `[REX.W] F7 /7`: signed rDX:rAX ÷ src. Raises #DE on a zero
  /// divisor and on `INT_MIN ÷ -1`.
  public mutating func idiv(_ size: OperandSize, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: 0xF7, reg: 7, rm: .reg(src))
  }

  /// `neg r` — `[REX.W] F7 /3`.
  public mutating func neg(_ size: OperandSize, _ r: GPR) {
    emitModRM(w: size.rexW, opcode: 0xF7, reg: 3, rm: .reg(r))
  }

  /// `not r` — `[REX.W] F7 /2`.
  public mutating func not(_ size: OperandSize, _ r: GPR) {
    emitModRM(w: size.rexW, opcode: 0xF7, reg: 2, rm: .reg(r))
  }

  /// `cdq` — `99`: edx ← sign of eax.
  public mutating func cdq() { emit8(0x99) }

  /// `cqo` — `REX.W 99`: rdx ← sign of rax.
  public mutating func cqo() {
    emitREX(w: true, r: 0, x: 0, b: 0)
    emit8(0x99)
  }
}
