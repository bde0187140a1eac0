/// Bytes or slots → ``Instruction``s, by the ``InstructionTable``.
///
/// The decoder rejects what cannot be an instruction at all: unknown opcodes
/// (or unknown `offset`/`imm`/`src` variants of a known one), register fields
/// above 10 where a register is expected, and an `lddw` missing its second
/// slot. Everything about control flow is the ``Checker``'s job.
public enum Decoder {
  public static func decode(_ slots: [RawInstruction]) throws(EBPFError) -> [Instruction] {
    var out: [Instruction] = []
    out.reserveCapacity(slots.count)
    var i = 0
    while i < slots.count {
      let raw = slots[i]
      guard let spec = InstructionTable.spec(for: raw) else {
        throw .unknownOpcode(index: i, opcode: raw.opcode)
      }
      var dst = Register.r0
      var src = Register.r0
      if spec.form.usesDst {
        guard let r = Register(rawValue: raw.dst) else {
          throw .invalidRegister(index: i, register: raw.dst)
        }
        dst = r
      }
      if spec.form.usesSrc {
        guard let r = Register(rawValue: raw.src) else {
          throw .invalidRegister(index: i, register: raw.src)
        }
        src = r
      }
      if case .loadImm64 = spec.operation {
        guard i + 1 < slots.count else { throw .incompleteLoadImm64(index: i) }
        let next = slots[i + 1]
        guard next.opcode == 0, next.dst == 0, next.src == 0, next.offset == 0 else {
          throw .incompleteLoadImm64(index: i)
        }
        let value = UInt64(UInt32(bitPattern: raw.imm)) | UInt64(UInt32(bitPattern: next.imm)) << 32
        out.append(
          Instruction(
            operation: spec.operation, dst: dst, src: src, offset: raw.offset, imm: raw.imm,
            imm64: value))
        out.append(Instruction(operation: .loadImm64Tail, imm: next.imm))
        i += 2
        continue
      }
      out.append(
        Instruction(operation: spec.operation, dst: dst, src: src, offset: raw.offset, imm: raw.imm)
      )
      i += 1
    }
    return out
  }
}
