/// Disassembles one instruction word in the style of
/// `llvm-objdump -d --no-show-raw-insn -M no-aliases` (LLVM 21), with a
/// single space after the mnemonic instead of a tab: `addi a0, a0, 0x1`,
/// `lw a0, 0x8(sp)`, `beq a0, a1, 0x1010` (absolute target), `lui a0, 0x12345`.
/// Illegal words print as `.word 0x…` (or `unimp` for the canonical UNIMP,
/// `csrrw zero, cycle, zero`, which LLVM prints so).
///
/// Unlike LLVM, FENCE and FENCE.I with non-zero reserved fields print as
/// ordinary fences, because the ISA says to execute them as such.
public func disassemble(_ word: UInt32, pc: UInt32) -> String {
  guard let entry = InstructionTable.entry(of: word) else {
    if word == 0xC000_1073 { return "unimp" }
    return ".word 0x" + hex(word, digits: 8)
  }
  let f = InstructionFields(word)
  let m = entry.mnemonic + " "
  switch entry.format {
  case .register:
    return m + "\(f.rd.name), \(f.rs1.name), \(f.rs2.name)"
  case .immediate:
    return m + "\(f.rd.name), \(f.rs1.name), \(signedHex(f.iImmediate))"
  case .shiftImmediate:
    return m + "\(f.rd.name), \(f.rs1.name), \(signedHex(f.shiftAmount))"
  case .load, .jumpRegister:
    return m + "\(f.rd.name), \(signedHex(f.iImmediate))(\(f.rs1.name))"
  case .store:
    return m + "\(f.rs2.name), \(signedHex(f.sImmediate))(\(f.rs1.name))"
  case .branch:
    return m + "\(f.rs1.name), \(f.rs2.name), 0x\(hex(pc &+ UInt32(bitPattern: f.bImmediate)))"
  case .jump:
    return m + "\(f.rd.name), 0x\(hex(pc &+ UInt32(bitPattern: f.jImmediate)))"
  case .upper:
    return m + "\(f.rd.name), 0x\(hex(word >> 12))"
  case .fence:
    if f.fenceMode == 0b1000 && f.predecessor == 0b0011 && f.successor == 0b0011 {
      return "fence.tso"
    }
    return m + "\(fenceSet(f.predecessor)), \(fenceSet(f.successor))"
  case .system:
    return entry.mnemonic
  }
}

/// A FENCE predecessor or successor set: letters of `iorw`, or `0` if empty.
private func fenceSet(_ bits: UInt8) -> String {
  if bits == 0 { return "0" }
  var text = ""
  for (bit, letter) in [(UInt8(8), "i"), (4, "o"), (2, "r"), (1, "w")] where bits & bit != 0 {
    text += letter
  }
  return text
}

/// Lower-case hexadecimal, zero-padded to `digits`.
private func hex(_ value: UInt32, digits: Int = 0) -> String {
  let text = String(value, radix: 16)
  return String(repeating: "0", count: max(0, digits - text.count)) + text
}

/// `0x1f` or `-0x800`, as LLVM prints signed immediates.
private func signedHex(_ value: Int32) -> String {
  value < 0 ? "-0x" + hex(value.magnitude) : "0x" + hex(UInt32(value))
}
