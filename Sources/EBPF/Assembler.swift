/// Text in the bpf_conformance syntax → slots, by the ``InstructionTable``.
///
/// ```
/// mov %r0, 1            mov32 %r0, -3          movsx832 %r0, %r1
/// ldxw %r0, [%r1+4]     stxdw [%r10-8], %r1    stw [%r1], 5
/// lddw %r0, 0x1122334455667788                 lddw %r1, map_by_fd(3)
/// ja +2    ja label     ja32 label             jeq %r1, 5, +3    jne32 %r1, %r2, fail
/// call 5   call helper 5   call %r2   call local func1   exit
/// lock add [%r10-8], %r1    lock fetch xor32 [%r1], %r2    lock cmpxchg [%r1+8], %r3
/// le16 %r0   be64 %r0   bswap32 %r0 (alias swap32)   neg %r0   ldabsb 3   ldindw %r1, 4
/// label:
/// ```
///
/// Numbers are decimal or `0x` hex, optionally signed; 32-bit immediates accept
/// −2³¹ … 2³²−1. Jump targets are `+n`/`-n` (slots, relative to the next
/// instruction) or labels; the label `exit` means the first `exit` unless
/// defined. Mnemonics also accept the suite's aliases: `swapN`, a `64` suffix
/// on ALU64 names, `gotol` for `ja32`, `callx %rN`, `call helper N`.
public enum Assembler {
  public static func assemble(_ source: String) throws(EBPFError) -> [RawInstruction] {
    var state = State()
    var number = 0
    // Lines end in "\n" or "\r\n" (one Character in Swift, so it needs its own case).
    for text in source.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    {
      number += 1
      var line = SourceLine(text, number: number)
      // Labels, possibly followed by an instruction on the same line.
      while let first = line.tokens.first, first.last == ":" {
        let name = String(first.dropLast())
        guard !name.isEmpty, state.labels[name] == nil else {
          throw line.error("duplicate or empty label: " + SourceLine.quote(name))
        }
        state.labels[name] = state.slots.count
        line.tokens.removeFirst()
      }
      if line.tokens.isEmpty { continue }
      try state.assemble(line)
    }
    try state.resolve()
    return state.slots
  }

  private struct Fixup {
    var slot: Int
    var label: String
    var line: Int
    /// Target goes into `imm` (`ja32`, `call local`) instead of `offset`.
    var inImm: Bool
  }

  private struct State {
    var slots: [RawInstruction] = []
    var labels: [String: Int] = [:]
    var fixups: [Fixup] = []
    var firstExit: Int? = nil

    mutating func assemble(_ line: SourceLine) throws(EBPFError) {
      var (mnemonic, operands) = try split(line)
      var specs = InstructionTable.specs(named: mnemonic[...])
      if specs.isEmpty, mnemonic.hasSuffix("64") {
        // `add64` … : ALU64 names written with an explicit width.
        let short = String(mnemonic.dropLast(2))
        let alt = InstructionTable.specs(named: short[...])
        if alt.contains(where: { if case .alu(_, .w64, _) = $0.operation { true } else { false } })
        {
          mnemonic = short
          specs = alt
        }
      }
      guard !specs.isEmpty else {
        throw line.error("unknown mnemonic: " + SourceLine.quote(mnemonic))
      }

      let spec = try choose(specs, operands, line)
      var raw = RawInstruction(opcode: spec.opcode)
      if let o = spec.requiredOffset { raw.offset = o }
      if let v = spec.requiredImm { raw.imm = v }
      if let s = spec.requiredSrc { raw.src = s }

      func count(_ n: Int) throws(EBPFError) {
        guard operands.count == n else {
          throw line.error(
            "\(mnemonic) takes \(n) operand\(n == 1 ? "" : "s"), got \(operands.count)")
        }
      }
      let slot = slots.count
      switch spec.form {
      case .dstSrc:
        try count(2)
        raw.dst = try line.register(operands[0])
        raw.src = try line.register(operands[1])
      case .dstImm:
        try count(2)
        raw.dst = try line.register(operands[0])
        raw.imm = try line.imm32(operands[1])
      case .dst:
        try count(1)
        raw.dst = try line.register(operands[0])
      case .jumpOffset:
        try count(1)
        raw.offset = try target(operands[0], line, slot: slot, inImm: false)
      case .jumpImm:
        try count(1)
        raw.imm = try targetImm(operands[0], line, slot: slot)
      case .branchReg, .branchImm:
        try count(3)
        raw.dst = try line.register(operands[0])
        if spec.form == .branchReg {
          raw.src = try line.register(operands[1])
        } else {
          raw.imm = try line.imm32(operands[1])
        }
        raw.offset = try target(operands[2], line, slot: slot, inImm: false)
      case .callImm:
        try count(1)
        raw.imm = try line.imm32(operands[0])
      case .callLocal:
        try count(1)
        raw.imm = try targetImm(operands[0], line, slot: slot)
      case .callReg:
        try count(1)
        raw.dst = try line.register(operands[0])
      case .none:
        try count(0)
        if spec.operation == .exit, firstExit == nil { firstExit = slot }
      case .loadImm64:
        try count(2)
        raw.dst = try line.register(operands[0])
        let (low, high) = try loadImm64Operand(operands[1], spec, line)
        raw.imm = low
        slots.append(raw)
        slots.append(RawInstruction(opcode: 0, imm: high))
        return
      case .load:
        try count(2)
        raw.dst = try line.register(operands[0])
        (raw.src, raw.offset) = try line.memory(operands[1])
      case .storeImm:
        try count(2)
        (raw.dst, raw.offset) = try line.memory(operands[0])
        raw.imm = try line.imm32(operands[1])
      case .storeReg:
        try count(2)
        (raw.dst, raw.offset) = try line.memory(operands[0])
        raw.src = try line.register(operands[1])
      case .packetAbsolute:
        try count(1)
        raw.imm = try line.imm32(operands[0])
      case .packetIndirect:
        try count(2)
        raw.src = try line.register(operands[0])
        raw.imm = try line.imm32(operands[1])
      }
      slots.append(raw)
    }

    /// The mnemonic (with `lock …` and `call local` folded in) and its operands.
    func split(_ line: SourceLine) throws(EBPFError) -> (String, [Substring]) {
      var tokens = line.tokens[...]
      var mnemonic = String(tokens.removeFirst())
      switch mnemonic {
      case "lock":
        // lock [fetch] op [dst+off], src
        while let t = tokens.first, t.first != "[" {
          mnemonic += " " + String(t)
          tokens.removeFirst()
        }
      case "call":
        if let t = tokens.first {
          if t == "helper" {
            tokens.removeFirst()
          } else if t == "local" || t == "runtime" {
            mnemonic += " " + String(t)
            tokens.removeFirst()
          }
        }
      case "callx": mnemonic = "call"
      case "gotol": mnemonic = "ja32"
      case "swap16", "swap32", "swap64": mnemonic = "b" + mnemonic
      default: break
      }
      return (mnemonic, Array(tokens))
    }

    /// Among rows with the same spelling, the one whose operand shape fits.
    func choose(_ specs: [InstructionSpec], _ operands: [Substring], _ line: SourceLine)
      throws(EBPFError) -> InstructionSpec
    {
      if specs.count == 1 { return specs[0] }
      for spec in specs {
        switch spec.form {
        case .dstSrc: if operands.count > 1 && SourceLine.isRegister(operands[1]) { return spec }
        case .dstImm: if operands.count > 1 && !SourceLine.isRegister(operands[1]) { return spec }
        case .branchReg:
          if operands.count > 1 && SourceLine.isRegister(operands[1]) { return spec }
        case .branchImm:
          if operands.count > 1 && !SourceLine.isRegister(operands[1]) { return spec }
        case .callReg: if let o = operands.first, SourceLine.isRegister(o) { return spec }
        case .callImm: if let o = operands.first, !SourceLine.isRegister(o) { return spec }
        case .loadImm64:
          guard case .loadImm64(let kind) = spec.operation else { continue }
          let operand = operands.count > 1 ? operands[1] : ""
          let name = operand.prefix(while: { $0 != "(" })
          if kind == .immediate ? !operand.contains("(") : name == kind.pseudoName[...] {
            return spec
          }
        default: return spec
        }
      }
      throw line.error("operands do not fit " + specs[0].mnemonic)
    }

    /// `imm` and next `imm` of `lddw`: `0x…`, or `map_by_fd(3)`, `map_val_by_fd(3)+16`.
    func loadImm64Operand(_ token: Substring, _ spec: InstructionSpec, _ line: SourceLine)
      throws(EBPFError) -> (Int32, Int32)
    {
      guard case .loadImm64(let kind) = spec.operation, kind != .immediate else {
        let v = try line.imm64(token)
        return (Int32(truncatingIfNeeded: v), Int32(truncatingIfNeeded: v >> 32))
      }
      guard let open = token.firstIndex(of: "("), let close = token.firstIndex(of: ")"),
        open < close
      else { throw line.error("invalid lddw operand: " + SourceLine.quote(token)) }
      let imm = try line.imm32(token[token.index(after: open)..<close])
      var next: Int32 = 0
      let rest = token[token.index(after: close)...]
      if kind.hasValueOffset, rest.first == "+" {
        next = try line.imm32(rest.dropFirst())
      } else if !rest.isEmpty {
        throw line.error("invalid lddw operand: " + SourceLine.quote(token))
      }
      return (imm, next)
    }

    /// A 16-bit jump target: `+n`, `-n`, or a label (fixed up later).
    mutating func target(_ token: Substring, _ line: SourceLine, slot: Int, inImm: Bool)
      throws(EBPFError) -> Int16
    {
      if let f = token.first, f == "+" || f == "-" || ("0"..."9").contains(f) {
        return try line.offset16(token)
      }
      fixups.append(Fixup(slot: slot, label: String(token), line: line.number, inImm: inImm))
      return 0
    }

    mutating func targetImm(_ token: Substring, _ line: SourceLine, slot: Int) throws(EBPFError)
      -> Int32
    {
      if let f = token.first, f == "+" || f == "-" || ("0"..."9").contains(f) {
        return try line.imm32(token)
      }
      fixups.append(Fixup(slot: slot, label: String(token), line: line.number, inImm: true))
      return 0
    }

    mutating func resolve() throws(EBPFError) {
      for f in fixups {
        var target = labels[f.label]
        if target == nil, f.label == "exit" { target = firstExit }
        guard let target else {
          throw .syntax(line: f.line, message: "undefined label: " + SourceLine.quote(f.label))
        }
        let delta = target - f.slot - 1
        if f.inImm {
          slots[f.slot].imm = Int32(truncatingIfNeeded: delta)
        } else {
          guard delta >= Int(Int16.min) && delta <= Int(Int16.max) else {
            throw .syntax(
              line: f.line, message: "jump to " + SourceLine.quote(f.label) + " out of 16-bit range"
            )
          }
          slots[f.slot].offset = Int16(delta)
        }
      }
    }
  }
}
