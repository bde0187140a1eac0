/// ``Instruction`` → slots: the inverse of the ``Decoder``, by the same table.
public enum Encoder {
  /// The opcode byte of an operation.
  public static func spec(for operation: Operation) -> InstructionSpec? {
    for s in InstructionTable.all where s.operation == operation { return s }
    return nil
  }

  /// Encodes decoded instructions back into slots. The `.loadImm64Tail`
  /// markers are skipped: `lddw` writes both of its slots.
  public static func encode(_ instructions: [Instruction]) -> [RawInstruction] {
    var out: [RawInstruction] = []
    out.reserveCapacity(instructions.count)
    for inst in instructions {
      if inst.operation == .loadImm64Tail { continue }
      guard let spec = spec(for: inst.operation) else { continue }
      var raw = RawInstruction(
        opcode: spec.opcode, dst: inst.dst.rawValue, src: inst.src.rawValue, offset: inst.offset,
        imm: inst.imm)
      if let o = spec.requiredOffset { raw.offset = o }
      if let v = spec.requiredImm { raw.imm = v }
      if let s = spec.requiredSrc { raw.src = s }
      if case .loadImm64 = inst.operation {
        raw.imm = Int32(truncatingIfNeeded: inst.imm64)
        out.append(raw)
        out.append(RawInstruction(opcode: 0, imm: Int32(truncatingIfNeeded: inst.imm64 >> 32)))
        continue
      }
      out.append(raw)
    }
    return out
  }
}
