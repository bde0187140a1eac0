import KilnCore

/// Jumps, calls and returns.
extension X86Assembler {
  /// `jmp rel32` — `E9 cd` to `label` (fixup `rel32`).
  public mutating func jmp(_ label: Label) {
    emit8(0xE9)
    emitLabelField(label, .rel32)
  }

  /// `call rel32` — `E8 cd` to `label` (fixup `rel32`).
  public mutating func call(_ label: Label) {
    emit8(0xE8)
    emitLabelField(label, .rel32)
  }

  /// `jmp rel8` — `EB cb` to `label` (fixup `rel8`; `finish` throws if out of range).
  public mutating func jmpShort(_ label: Label) {
    emit8(0xEB)
    emitLabelField(label, .rel8)
  }

  /// `jcc rel32` — `0F 80+cc cd` to `label` (fixup `rel32`).
  public mutating func jcc(_ cc: ConditionCode, _ label: Label) {
    emit8(0x0F)
    emit8(0x80 | cc.rawValue)
    emitLabelField(label, .rel32)
  }

  /// `jcc rel8` — `70+cc cb` to `label` (fixup `rel8`; `finish` throws if out of range).
  public mutating func jccShort(_ cc: ConditionCode, _ label: Label) {
    emit8(0x70 | cc.rawValue)
    emitLabelField(label, .rel8)
  }

  /// `jmp rel32` — `E9 cd` to the absolute host address `target`, computed
  /// from `buffer.baseAddress`. Returns the buffer offset of the rel32 field
  /// so it can be re-patched later. Throws `.branchOutOfRange` (emitting
  /// nothing) if `target` is not within ±2 GiB.
  @discardableResult
  public mutating func jmp(absolute target: UInt) throws(CodeGenError) -> Int {
    let site = offset + 1
    let field = try rel32Field(site: buffer.baseAddress &+ UInt(site), target: target)
    emit8(0xE9)
    emit32(field)
    return site
  }

  /// `jcc rel32` — `0F 80+cc cd` to the absolute host address `target`.
  /// Returns the buffer offset of the rel32 field. Throws
  /// `.branchOutOfRange` (emitting nothing) if `target` is not within ±2 GiB.
  @discardableResult
  public mutating func jcc(_ cc: ConditionCode, absolute target: UInt) throws(CodeGenError) -> Int {
    let site = offset + 2
    let field = try rel32Field(site: buffer.baseAddress &+ UInt(site), target: target)
    emit8(0x0F)
    emit8(0x80 | cc.rawValue)
    emit32(field)
    return site
  }

  /// `call rel32` — `E8 cd` to the absolute host address `target` (the
  /// shared slow-path stubs). Throws `.branchOutOfRange` (emitting nothing)
  /// if `target` is not within ±2 GiB.
  public mutating func call(absolute target: UInt) throws(CodeGenError) {
    let field = try rel32Field(site: buffer.baseAddress &+ UInt(offset + 1), target: target)
    emit8(0xE8)
    emit32(field)
  }

  /// `jmp r64` — `[REX.B] FF /4`.
  public mutating func jmp(_ target: GPR) {
    emitModRM(w: false, opcode: 0xFF, reg: 4, rm: .reg(target))
  }

  /// `jmp qword ptr m` — `[REX] FF /4`.
  public mutating func jmp(_ target: Memory) {
    emitModRM(w: false, opcode: 0xFF, reg: 4, rm: .mem(target))
  }

  /// `call r64` — `[REX.B] FF /2`.
  public mutating func call(_ target: GPR) {
    emitModRM(w: false, opcode: 0xFF, reg: 2, rm: .reg(target))
  }

  /// `call qword ptr m` — `[REX] FF /2`.
  public mutating func call(_ target: Memory) {
    emitModRM(w: false, opcode: 0xFF, reg: 2, rm: .mem(target))
  }

  /// `ret` — `C3`.
  public mutating func ret() { emit8(0xC3) }
}
