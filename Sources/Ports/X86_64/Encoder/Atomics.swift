/// Locked read-modify-write forms and byte swaps, for eBPF atomics and
/// `be`/`bswap`. Each `lock` form emits the `F0` prefix first (before any
/// REX prefix, as LLVM does).
extension X86Assembler {
  /// `lock add|or|and|xor m32|64, r32|64` — `F0 [REX.W] 01|09|21|31 /r`.
  public mutating func lockALU(_ op: ALUOp, _ size: OperandSize, _ dst: Memory, _ src: GPR) {
    emit8(0xF0)
    alu(op, size, dst, src)
  }

  /// `lock xadd m32|64, r32|64` — `F0 [REX.W] 0F C1 /r`: m += r, r = old m.
  public mutating func lockXadd(_ size: OperandSize, _ dst: Memory, _ src: GPR) {
    emit8(0xF0)
    emitModRM(w: size.rexW, map: .escape0F, opcode: 0xC1, reg: src.rawValue, rm: .mem(dst))
  }

  /// `lock cmpxchg m32|64, r32|64` — `F0 [REX.W] 0F B1 /r`: if eax|rax == m
  /// then m = r, else eax|rax = m (ZF tells which).
  public mutating func lockCmpxchg(_ size: OperandSize, _ dst: Memory, _ src: GPR) {
    emit8(0xF0)
    emitModRM(w: size.rexW, map: .escape0F, opcode: 0xB1, reg: src.rawValue, rm: .mem(dst))
  }

  /// `xchg m32|64, r32|64` — `[REX.W] 87 /r` (locked by the hardware).
  public mutating func xchg(_ size: OperandSize, _ dst: Memory, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: 0x87, reg: src.rawValue, rm: .mem(dst))
  }

  /// `bswap r32|64` — `[REX.W|B] 0F C8+rd`; the 32-bit form zero-extends.
  public mutating func bswap(_ size: OperandSize, _ r: GPR) {
    emitREX(w: size.rexW, r: 0, x: 0, b: r.high1)
    emit8(0x0F)
    emit8(0xC8 | r.low3)
  }
}
