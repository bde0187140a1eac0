/// The eight classic two-operand ALU operations. The raw value is both the
/// `/digit` of the immediate group (`81 /op`, `83 /op`) and bits 3–5 of the
/// register forms' opcode (`op*8 + 1`: r/m ← r, `op*8 + 3`: r ← r/m,
/// `op*8 + 5`: eAX ← imm32).
public enum ALUOp: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  case add = 0
  case or, adc, sbb, and, sub, xor, cmp

  public var description: String {
    switch self {
    case .add: "add"
    case .or: "or"
    case .adc: "adc"
    case .sbb: "sbb"
    case .and: "and"
    case .sub: "sub"
    case .xor: "xor"
    case .cmp: "cmp"
    }
  }
}

extension X86Assembler {
  /// `op r/m, r` — `[REX.W] (op*8+1) /r` (LLVM's choice for register–register).
  public mutating func alu(_ op: ALUOp, _ size: OperandSize, _ dst: GPR, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: op.rawValue << 3 | 0x01, reg: src.rawValue, rm: .reg(dst))
  }

  /// `op r, m` — `[REX.W] (op*8+3) /r`.
  public mutating func alu(_ op: ALUOp, _ size: OperandSize, _ dst: GPR, _ src: Memory) {
    emitModRM(w: size.rexW, opcode: op.rawValue << 3 | 0x03, reg: dst.rawValue, rm: .mem(src))
  }

  /// `op m, r` — `[REX.W] (op*8+1) /r`.
  public mutating func alu(_ op: ALUOp, _ size: OperandSize, _ dst: Memory, _ src: GPR) {
    emitModRM(w: size.rexW, opcode: op.rawValue << 3 | 0x01, reg: src.rawValue, rm: .mem(dst))
  }

  /// `op r, imm` in the form LLVM chooses: `[REX.W] 83 /op ib` if the
  /// immediate fits a sign-extended byte, else `[REX.W] (op*8+5) id` for
  /// eAX/rAX, else `[REX.W] 81 /op id`. For `qword` the immediate is sign-extended.
  public mutating func alu(_ op: ALUOp, _ size: OperandSize, _ dst: GPR, imm: Int32) {
    if Self.fitsImm8(imm) {
      emitModRM(
        w: size.rexW, opcode: 0x83, reg: op.rawValue, rm: .reg(dst),
        immediate: UInt32(bitPattern: imm), immediateBytes: 1)
    } else if dst == .rax {
      emitREX(w: size.rexW, r: 0, x: 0, b: 0)
      emit8(op.rawValue << 3 | 0x05)
      emit32(UInt32(bitPattern: imm))
    } else {
      emitModRM(
        w: size.rexW, opcode: 0x81, reg: op.rawValue, rm: .reg(dst),
        immediate: UInt32(bitPattern: imm), immediateBytes: 4)
    }
  }

  /// `op m, imm` — `[REX.W] 83 /op ib` if the immediate fits a sign-extended
  /// byte, else `[REX.W] 81 /op id`.
  public mutating func alu(_ op: ALUOp, _ size: OperandSize, _ dst: Memory, imm: Int32) {
    if Self.fitsImm8(imm) {
      emitModRM(
        w: size.rexW, opcode: 0x83, reg: op.rawValue, rm: .mem(dst),
        immediate: UInt32(bitPattern: imm), immediateBytes: 1)
    } else {
      emitModRM(
        w: size.rexW, opcode: 0x81, reg: op.rawValue, rm: .mem(dst),
        immediate: UInt32(bitPattern: imm), immediateBytes: 4)
    }
  }

  /// `test r/m, r` — `[REX.W] 85 /r`.
  public mutating func test(_ size: OperandSize, _ a: GPR, _ b: GPR) {
    emitModRM(w: size.rexW, opcode: 0x85, reg: b.rawValue, rm: .reg(a))
  }

  /// `test r, imm32` — `[REX.W] A9 id` for eAX/rAX, else `[REX.W] F7 /0 id`.
  /// For `qword` the immediate is sign-extended (bit 31 is copied upwards).
  public mutating func test(_ size: OperandSize, _ a: GPR, imm: UInt32) {
    if a == .rax {
      emitREX(w: size.rexW, r: 0, x: 0, b: 0)
      emit8(0xA9)
    } else {
      emitModRM(w: size.rexW, opcode: 0xF7, reg: 0, rm: .reg(a))
    }
    emit32(imm)
  }

  /// `test al, imm8` — `A8 ib`: flags of the low byte of rax and `imm`
  /// (the same ZF as `test eax, imm` for an `imm` below 256, in 2 bytes
  /// instead of 5).
  public mutating func testAL(imm: UInt8) {
    var bytes = InstructionBytes()
    bytes.add8(0xA8)
    bytes.add8(imm)
    emit(bytes)
  }
}
