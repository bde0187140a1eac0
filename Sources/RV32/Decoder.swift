/// Decodes one 32-bit instruction word; nil if it is not a legal RV32IM
/// instruction. Which words are legal is decided by `InstructionTable`
/// alone; the entry's kind and format say how to read the fields.
@inline(__always)
public func decode(_ word: UInt32) -> Instruction? {
  guard let index = InstructionTable.entryIndex(of: word) else { return nil }
  return decode(word, entry: InstructionTable.entries[index])
}

/// Builds the instruction for a word already known to match `entry`.
@inline(__always)
func decode(_ word: UInt32, entry: InstructionEntry) -> Instruction {
  let f = InstructionFields(word)
  switch entry.kind {
  case .lui: return .lui(rd: f.rd, immediate: f.uImmediate)
  case .auipc: return .auipc(rd: f.rd, immediate: f.uImmediate)
  case .jal: return .jal(rd: f.rd, offset: f.jImmediate)
  case .jalr: return .jalr(rd: f.rd, rs1: f.rs1, offset: f.iImmediate)
  case .branch(let condition):
    return .branch(condition, rs1: f.rs1, rs2: f.rs2, offset: f.bImmediate)
  case .load(let size, let signed):
    return .load(size, signed: signed, rd: f.rd, rs1: f.rs1, offset: f.iImmediate)
  case .store(let size):
    return .store(size, rs1: f.rs1, rs2: f.rs2, offset: f.sImmediate)
  case .operationImmediate(let operation):
    let immediate = entry.format == .shiftImmediate ? f.shiftAmount : f.iImmediate
    return .operationImmediate(operation, rd: f.rd, rs1: f.rs1, immediate: immediate)
  case .operation(let operation):
    return .operation(operation, rd: f.rd, rs1: f.rs1, rs2: f.rs2)
  case .fence:
    return .fence(mode: f.fenceMode, predecessor: f.predecessor, successor: f.successor)
  case .fenceI: return .fenceI
  case .ecall: return .ecall
  case .ebreak: return .ebreak
  }
}
