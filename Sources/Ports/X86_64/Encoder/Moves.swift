/// Moves, loads, stores, extensions and `lea`.
extension X86Assembler {
  /// `mov r/m32|64, r32|64` — `[REX.W] 89 /r` (register to register).
  public mutating func mov(_ size: OperandSize, _ dst: GPR, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: 0x89, reg: src.rawValue, rm: .reg(dst))
  }

  /// `mov r32|64, m` — `[REX.W] 8B /r` (load).
  public mutating func mov(_ size: OperandSize, _ dst: GPR, _ src: Memory) {
    emitModRM(w: size.rexW, opcode: 0x8B, reg: dst.rawValue, rm: .mem(src))
  }

  /// `mov m, r32|64` — `[REX.W] 89 /r` (store).
  public mutating func mov(_ size: OperandSize, _ dst: Memory, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: 0x89, reg: src.rawValue, rm: .mem(dst))
  }

  /// `mov r32, imm32` — `[REX.B] B8+rd id`; zero-extends into the 64-bit register.
  public mutating func mov(_ dst: GPR, imm32: UInt32) {
    var bytes = InstructionBytes()
    if dst.high1 != 0 { bytes.add8(0b0100_0001) }  // REX.B
    bytes.add8(0xB8 | dst.low3)
    bytes.add32(imm32)
    emit(bytes)
  }

  /// `movabs r64, imm64` — `REX.W B8+rd io`.
  public mutating func mov(_ dst: GPR, imm64: UInt64) {
    emitREX(w: true, r: 0, x: 0, b: dst.high1)
    emit8(0xB8 | dst.low3)
    emit64(imm64)
  }

  /// `mov m32|64, imm32` — `[REX.W] C7 /0 id`; for `qword` the immediate is sign-extended.
  public mutating func mov(_ size: OperandSize, _ dst: Memory, imm32: Int32) {
    emitModRM(
      w: size.rexW, opcode: 0xC7, reg: 0, rm: .mem(dst), immediate: UInt32(bitPattern: imm32),
      immediateBytes: 4)
  }

  /// `movzx r32, byte ptr m` — `0F B6 /r`; the result zero-extends to 64 bits.
  public mutating func movzx8(_ dst: GPR, _ src: Memory) {
    emitModRM(w: false, map: .escape0F, opcode: 0xB6, reg: dst.rawValue, rm: .mem(src))
  }

  /// `movzx r32, word ptr m` — `0F B7 /r`; the result zero-extends to 64 bits.
  public mutating func movzx16(_ dst: GPR, _ src: Memory) {
    emitModRM(w: false, map: .escape0F, opcode: 0xB7, reg: dst.rawValue, rm: .mem(src))
  }

  /// `movsx r32, byte ptr m` — `0F BE /r`; sign-extends to 32 bits, then the
  /// upper 32 bits of the register are zeroed.
  public mutating func movsx8(_ dst: GPR, _ src: Memory) {
    emitModRM(w: false, map: .escape0F, opcode: 0xBE, reg: dst.rawValue, rm: .mem(src))
  }

  /// `movsx r32, word ptr m` — `0F BF /r`; sign-extends to 32 bits, then the
  /// upper 32 bits of the register are zeroed.
  public mutating func movsx16(_ dst: GPR, _ src: Memory) {
    emitModRM(w: false, map: .escape0F, opcode: 0xBF, reg: dst.rawValue, rm: .mem(src))
  }

  /// `movzx r32, r8` — `[REX] 0F B6 /r` from the low byte of `src`; an empty
  /// REX selects spl/bpl/sil/dil.
  public mutating func movzx8(_ dst: GPR, _ src: GPR) {
    emitModRM(
      w: false, map: .escape0F, opcode: 0xB6, reg: dst.rawValue, rm: .reg(src),
      forceREX: src.byteNeedsREX)
  }

  /// `movsxd r64, r32` — `REX.W 63 /r`.
  public mutating func movsxd(_ dst: GPR, _ src: GPR) {
    emitModRM(w: true, opcode: 0x63, reg: dst.rawValue, rm: .reg(src))
  }

  /// `mov byte ptr m, r8` — `[REX] 88 /r` (low byte of `src`; an empty REX
  /// selects spl/bpl/sil/dil).
  public mutating func store8(_ dst: Memory, _ src: GPR) {
    emitModRM(w: false, opcode: 0x88, reg: src.rawValue, rm: .mem(dst), forceREX: src.byteNeedsREX)
  }

  /// `mov word ptr m, r16` — `66 [REX] 89 /r` (low 16 bits of `src`).
  public mutating func store16(_ dst: Memory, _ src: GPR) {
    emitModRM(w: false, operandSize16: true, opcode: 0x89, reg: src.rawValue, rm: .mem(dst))
  }

  /// `lea r64, [rip + disp32]` — `REX.W 8D /r` with ModRM mod = 00, rm = 101
  /// (RIP-relative: the displacement counts from the end of this 7-byte
  /// instruction). `target` is a buffer offset; the host address of that
  /// byte lands in `dst` wherever the code is installed.
  ///
  ///     0100 1 R 0 0   10001101   00 reg 101   disp32
  public mutating func leaRIP(_ dst: GPR, target: Int) {
    emitREX(w: true, r: dst.high1, x: 0, b: 0)
    emit8(0x8D)
    emit8(0b00 << 6 | dst.low3 << 3 | 0b101)
    emit32(UInt32(truncatingIfNeeded: Int32(truncatingIfNeeded: target - (offset + 4))))
  }

  /// `lea r32|64, m` — `[REX.W] 8D /r`.
  public mutating func lea(_ size: OperandSize, _ dst: GPR, _ src: Memory) {
    emitModRM(w: size.rexW, opcode: 0x8D, reg: dst.rawValue, rm: .mem(src))
  }
}

/// Extensions to 64 bits and from registers (eBPF `movsx`, `ldsx`, `le16`).
extension X86Assembler {
  /// `movzx r32, r16` — `[REX] 0F B7 /r`; the result zero-extends to 64 bits.
  public mutating func movzx16(_ dst: GPR, _ src: GPR) {
    emitModRM(w: false, map: .escape0F, opcode: 0xB7, reg: dst.rawValue, rm: .reg(src))
  }

  /// `movsx r32|64, r8` — `[REX.W] 0F BE /r` from the low byte of `src`.
  public mutating func movsx8(_ size: OperandSize, _ dst: GPR, _ src: GPR) {
    emitModRM(
      w: size.rexW, map: .escape0F, opcode: 0xBE, reg: dst.rawValue, rm: .reg(src),
      forceREX: src.byteNeedsREX)
  }

  /// `movsx r32|64, r16` — `[REX.W] 0F BF /r` from the low 16 bits of `src`.
  public mutating func movsx16(_ size: OperandSize, _ dst: GPR, _ src: GPR) {
    emitModRM(w: size.rexW, map: .escape0F, opcode: 0xBF, reg: dst.rawValue, rm: .reg(src))
  }

  /// `movsx r64, byte ptr m` — `REX.W 0F BE /r`.
  public mutating func movsx8To64(_ dst: GPR, _ src: Memory) {
    emitModRM(w: true, map: .escape0F, opcode: 0xBE, reg: dst.rawValue, rm: .mem(src))
  }

  /// `movsx r64, word ptr m` — `REX.W 0F BF /r`.
  public mutating func movsx16To64(_ dst: GPR, _ src: Memory) {
    emitModRM(w: true, map: .escape0F, opcode: 0xBF, reg: dst.rawValue, rm: .mem(src))
  }

  /// `movsxd r64, dword ptr m` — `REX.W 63 /r`.
  public mutating func movsxd(_ dst: GPR, _ src: Memory) {
    emitModRM(w: true, opcode: 0x63, reg: dst.rawValue, rm: .mem(src))
  }

  /// `mov r64, simm32` — `REX.W C7 /0 id`: the immediate sign-extended to 64 bits.
  public mutating func mov(_ dst: GPR, simm32: Int32) {
    emitModRM(w: true, opcode: 0xC7, reg: 0, rm: .reg(dst))
    emit32(UInt32(bitPattern: simm32))
  }
}
