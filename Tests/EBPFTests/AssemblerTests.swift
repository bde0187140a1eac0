import EBPF
import Testing

/// Encodings against RFC 9669 Appendix A (opcode values typed from the RFC's
/// table, fields placed by hand), aliases, labels and errors.
@Suite struct AssemblerTests {
  struct Golden: CustomTestStringConvertible, Sendable {
    var source: String
    var words: [UInt64]
    var testDescription: String { source }
  }

  // word = imm << 32 | offset << 16 | src << 12 | dst << 8 | opcode
  static let golden: [Golden] = [
    Golden(source: "add %r1, 2", words: [0x0000_0002_0000_0107]),
    Golden(source: "add32 %r1, %r2", words: [0x0000_0000_0000_210C]),
    Golden(source: "sub %r1, -1", words: [0xFFFF_FFFF_0000_0117]),
    Golden(source: "sdiv %r1, %r2", words: [0x0000_0000_0001_213F]),
    Golden(source: "smod32 %r1, 3", words: [0x0000_0003_0001_0194]),
    Golden(source: "neg32 %r4", words: [0x0000_0000_0000_0484]),
    Golden(source: "neg %r4", words: [0x0000_0000_0000_0487]),
    Golden(source: "arsh32 %r4, 3", words: [0x0000_0003_0000_04C4]),
    Golden(source: "movsx832 %r1, %r2", words: [0x0000_0000_0008_21BC]),
    Golden(source: "movsx1664 %r1, %r2", words: [0x0000_0000_0010_21BF]),
    Golden(source: "movsx3264 %r1, %r2", words: [0x0000_0000_0020_21BF]),
    Golden(source: "le16 %r3", words: [0x0000_0010_0000_03D4]),
    Golden(source: "be32 %r3", words: [0x0000_0020_0000_03DC]),
    Golden(source: "bswap64 %r3", words: [0x0000_0040_0000_03D7]),
    Golden(source: "ja +3", words: [0x0000_0000_0003_0005]),
    Golden(source: "ja32 -2", words: [0xFFFF_FFFE_0000_0006]),
    Golden(source: "jsle32 %r1, %r2, -1", words: [0x0000_0000_FFFF_21DE]),
    Golden(source: "jset %r1, 0x80, +1", words: [0x0000_0080_0001_0145]),
    Golden(source: "jlt %r1, 5, +0", words: [0x0000_0005_0000_01A5]),
    Golden(source: "call 5", words: [0x0000_0005_0000_0085]),
    Golden(source: "call local +4", words: [0x0000_0004_0000_1085]),
    Golden(source: "call %r3", words: [0x0000_0000_0000_038D]),
    Golden(source: "exit", words: [0x0000_0000_0000_0095]),
    Golden(source: "ldxsh %r1, [%r2-2]", words: [0x0000_0000_FFFE_2189]),
    Golden(source: "ldxdw %r0, [%r1]", words: [0x0000_0000_0000_1079]),
    Golden(source: "stxdw [%r10-8], %r1", words: [0x0000_0000_FFF8_1A7B]),
    Golden(source: "sth [%r1+6], 0x1234", words: [0x0000_1234_0006_016A]),
    Golden(source: "lock add [%r1], %r2", words: [0x0000_0000_0000_21DB]),
    Golden(source: "lock fetch or32 [%r1+4], %r2", words: [0x0000_0041_0004_21C3]),
    Golden(source: "lock xchg [%r1], %r2", words: [0x0000_00E1_0000_21DB]),
    Golden(source: "lock cmpxchg32 [%r1], %r2", words: [0x0000_00F1_0000_21C3]),
    Golden(source: "ldabsh 12", words: [0x0000_000C_0000_0028]),
    Golden(source: "ldindb %r2, 3", words: [0x0000_0003_0000_2050]),
    Golden(
      source: "lddw %r0, 0x1122334455667788",
      words: [0x5566_7788_0000_0018, 0x1122_3344_0000_0000]),
    Golden(source: "lddw %r1, map_by_fd(3)", words: [0x0000_0003_0000_1118, 0]),
    Golden(
      source: "lddw %r1, map_val_by_idx(2)+16",
      words: [0x0000_0002_0000_6118, 0x0000_0010_0000_0000]),
  ]

  @Test(arguments: golden)
  func encoding(_ g: Golden) throws {
    let slots = try Assembler.assemble(g.source)
    #expect(slots.map(\.word) == g.words)
    // And back: the disassembler prints what the assembler reads.
    let program = try Program(slots: slots)
    #expect(try Assembler.assemble(Disassembler.text(program)) == slots)
  }

  @Test(arguments: [
    ("swap16 %r0", "bswap16 %r0"),
    ("add64 %r0, 1", "add %r0, 1"),
    ("callx %r2", "call %r2"),
    ("call helper 5", "call 5"),
    ("gotol +1\nexit", "ja32 +1\nexit"),
    ("ldxw %r0, [%r1 + 4]", "ldxw %r0, [%r1+4]"),
    ("stw [%r1+0], 5", "stw [%r1], 5"),
    ("mov %r0, 0xFFFFFFFF", "mov %r0, -1"),
    ("lddw %r0, -1", "lddw %r0, 0xffffffffffffffff"),
    ("mov %r0, 1 # comment", "mov %r0, 1"),
    ("l: jeq %r0, 1, l\nexit", "jeq %r0, 1, -1\nexit"),
    ("ja exit\nmov %r0, 1\nexit", "ja +1\nmov %r0, 1\nexit"),
    ("call local f\nexit\nf:\nexit", "call local +1\nexit\nexit"),
  ])
  func aliases(_ pair: (String, String)) throws {
    #expect(try Assembler.assemble(pair.0) == Assembler.assemble(pair.1))
  }

  @Test func disassemblyText() throws {
    let program = try Program(
      assembly: """
        mov32 %r0, 0x12345678
        ldxb %r1, [%r10-1]
        jne %r1, -3, -1
        lock fetch add32 [%r1+2], %r3
        exit
        """)
    #expect(
      Disassembler.lines(program) == [
        "mov32 %r0, 0x12345678", "ldxb %r1, [%r10-1]", "jne %r1, -3, -1",
        "lock fetch add32 [%r1+2], %r3", "exit",
      ])
    #expect(Disassembler.listing(program).hasPrefix("   0: mov32 %r0, 0x12345678\n   1: ldxb"))
  }

  @Test(arguments: [
    ("mov %r0, 1\nfoo %r0", 2),
    ("mov %r0", 1),
    ("mov %r0, 0x100000000", 1),
    ("mov %r0, -2147483649", 1),
    ("ldxw %r0, [%r1+32768]", 1),
    ("ldxw %r0, %r1", 1),
    ("\n\nja nowhere", 3),
    ("a:\na:\nexit", 2),
    ("lddw %r0, 0x10000000000000000", 1),
    ("lock fetch xchg [%r1], %r2", 1),
  ])
  func syntaxErrorsNameTheLine(_ c: (String, Int)) {
    guard
      case .syntax(let line, _)? = error({ () throws(EBPFError) in try Assembler.assemble(c.0) })
    else {
      Issue.record("expected a syntax error for \(c.0)")
      return
    }
    #expect(line == c.1)
  }

  /// Every row of the table survives encode → decode → disassemble → assemble.
  @Test func everyTableRowRoundTrips() throws {
    var tested = 0
    for spec in InstructionTable.all {
      // Fields the form does not use stay zero (the disassembler does not print them).
      var raw = RawInstruction(
        opcode: spec.opcode, dst: spec.form.usesDst ? 3 : 0, src: spec.form.usesSrc ? 7 : 0,
        offset: spec.form.usesOffset ? -5 : 0, imm: spec.form.usesImm ? 0x1234_5678 : 0)
      if spec.form == .jumpImm || spec.form == .callLocal { raw.imm = 1 }
      if let o = spec.requiredOffset { raw.offset = o }
      if let v = spec.requiredImm { raw.imm = v }
      if let s = spec.requiredSrc { raw.src = s }
      var slots = [raw]
      if spec.form == .loadImm64 { slots.append(RawInstruction(opcode: 0, imm: 0x9ABC)) }
      if spec.form == .loadImm64, case .loadImm64(let k) = spec.operation, !k.hasValueOffset,
        k != .immediate
      {
        slots[1].imm = 0
      }
      let program = try Program(slots: slots)
      #expect(program.instructions[0].operation == spec.operation, "\(spec.mnemonic)")
      let text = Disassembler.text(program)
      #expect(try Assembler.assemble(text) == slots, "\(spec.mnemonic): \(text)")
      #expect(Encoder.encode(program.instructions) == slots, "\(spec.mnemonic)")
      tested += 1
    }
    #expect(tested == InstructionTable.all.count)
    // Each encoding appears once.
    for (i, a) in InstructionTable.all.enumerated() {
      for b in InstructionTable.all[(i + 1)...] where a.opcode == b.opcode {
        #expect(
          a.requiredOffset != b.requiredOffset || a.requiredImm != b.requiredImm
            || a.requiredSrc != b.requiredSrc, "\(a.mnemonic) / \(b.mnemonic)")
      }
    }
  }
}
