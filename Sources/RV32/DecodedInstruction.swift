import KilnIR

/// The interpreter's dispatch code: a one-byte number for each kind of
/// instruction in `InstructionTable`, so that the interpreter dispatches
/// with one jump table per instruction. It adds no meaning of its own:
/// `dispatch` maps each code to the table's `InstructionKind`, and the
/// interpreter executes that kind (`Interpreter.execute`). Which code an
/// entry gets is looked up in the same mapping (`Handler.ofEntry`), and
/// `Tests/RV32Tests` checks that every entry has exactly one code.
@usableFromInline
enum Handler: UInt8, CaseIterable, Sendable {
  // Markers of the instruction cache, not instructions.
  /// The slot has not been decoded yet (or its bytes were written since).
  case undecoded = 0
  /// One past the last slot of a page: execution continues on the next page.
  case pageEnd
  /// The word is no RV32IM instruction (`immediate` holds it).
  case illegal

  // Instructions, in the order of `InstructionTable.entries`.
  case lui, auipc, jal, jalr
  case beq, bne, blt, bge, bltu, bgeu
  case lb, lh, lw, lbu, lhu
  case sb, sh, sw
  case addi, slti, sltiu, xori, ori, andi, slli, srli, srai
  case add, sub, sll, slt, sltu, xor, srl, sra, or, and
  case fence, fenceI, ecall, ebreak
  case mul, mulh, mulhsu, mulhu, div, divu, rem, remu

  /// `body` applied to this code's instruction kind, or `marker` to this
  /// code if it is a marker. Each case passes a constant, so where this is
  /// inlined `body` is specialized per case and the interpreter's switch
  /// over the kind folds away (as eBPF's `ALUOperation.withMeaning` does):
  /// the interpreter dispatches once per instruction, markers included.
  @inlinable @inline(always)
  func dispatch<R, E: Error>(
    marker: (Handler) throws(E) -> R, instruction body: (InstructionKind) throws(E) -> R
  ) throws(E) -> R {
    switch self {
    case .undecoded: try marker(.undecoded)
    case .pageEnd: try marker(.pageEnd)
    case .illegal: try marker(.illegal)
    case .lui: try body(.lui)
    case .auipc: try body(.auipc)
    case .jal: try body(.jal)
    case .jalr: try body(.jalr)
    case .beq: try body(.branch(.equal))
    case .bne: try body(.branch(.notEqual))
    case .blt: try body(.branch(.lessThan))
    case .bge: try body(.branch(.greaterOrEqual))
    case .bltu: try body(.branch(.lessThanUnsigned))
    case .bgeu: try body(.branch(.greaterOrEqualUnsigned))
    case .lb: try body(.load(.byte, signed: true))
    case .lh: try body(.load(.half, signed: true))
    case .lw: try body(.load(.word, signed: true))
    case .lbu: try body(.load(.byte, signed: false))
    case .lhu: try body(.load(.half, signed: false))
    case .sb: try body(.store(.byte))
    case .sh: try body(.store(.half))
    case .sw: try body(.store(.word))
    case .addi: try body(.operationImmediate(.add))
    case .slti: try body(.operationImmediate(.setLessThan))
    case .sltiu: try body(.operationImmediate(.setLessThanUnsigned))
    case .xori: try body(.operationImmediate(.xor))
    case .ori: try body(.operationImmediate(.or))
    case .andi: try body(.operationImmediate(.and))
    case .slli: try body(.operationImmediate(.shiftLeft))
    case .srli: try body(.operationImmediate(.shiftRightLogical))
    case .srai: try body(.operationImmediate(.shiftRightArithmetic))
    case .add: try body(.operation(.add))
    case .sub: try body(.operation(.sub))
    case .sll: try body(.operation(.shiftLeft))
    case .slt: try body(.operation(.setLessThan))
    case .sltu: try body(.operation(.setLessThanUnsigned))
    case .xor: try body(.operation(.xor))
    case .srl: try body(.operation(.shiftRightLogical))
    case .sra: try body(.operation(.shiftRightArithmetic))
    case .or: try body(.operation(.or))
    case .and: try body(.operation(.and))
    case .fence: try body(.fence)
    case .fenceI: try body(.fenceI)
    case .ecall: try body(.ecall)
    case .ebreak: try body(.ebreak)
    case .mul: try body(.operation(.multiply))
    case .mulh: try body(.operation(.multiplyHighSigned))
    case .mulhsu: try body(.operation(.multiplyHighSignedUnsigned))
    case .mulhu: try body(.operation(.multiplyHighUnsigned))
    case .div: try body(.operation(.divide(.riscv)))
    case .divu: try body(.operation(.divideUnsigned(.riscv)))
    case .rem: try body(.operation(.remainder))
    case .remu: try body(.operation(.remainderUnsigned))
    }
  }

  /// The instruction kind of this code; nil for markers.
  var kind: InstructionKind? { dispatch(marker: { _ in nil }, instruction: { $0 }) }

  /// The code of each entry of `InstructionTable.entries`, by index.
  static let ofEntry: [Handler] = InstructionTable.entries.map { entry in
    let matching = Handler.allCases.filter { $0.kind == entry.kind }
    precondition(matching.count == 1, "\(entry.mnemonic): \(matching.count) interpreter codes")
    return matching[0]
  }
}

/// One instruction as the interpreter keeps it in its cache: eight bytes,
/// operands ready to use.
///
///     byte 0     1     2      3      4…7
///         code   rd    rs1    rs2    immediate (sign-extended bit pattern)
///
/// `rd` is `Translator.scratchSlot` (32) when the instruction names `x0`,
/// so an instruction writes its destination unconditionally and `x0` stays
/// 0 (a load into `x0` still performs its access). Immediates are those of
/// `Instruction` (branch and jump offsets in bytes, shift amounts, upper
/// immediates with their low 12 bits zero); an illegal word is kept in
/// `immediate` for the error.
@usableFromInline
struct DecodedInstruction: Sendable {
  @usableFromInline var handler: Handler
  @usableFromInline var rd: UInt8
  @usableFromInline var rs1: UInt8
  @usableFromInline var rs2: UInt8
  @usableFromInline var immediate: UInt32

  @inlinable
  init(handler: Handler, rd: UInt8 = 0, rs1: UInt8 = 0, rs2: UInt8 = 0, immediate: UInt32 = 0) {
    self.handler = handler
    self.rd = rd
    self.rs1 = rs1
    self.rs2 = rs2
    self.immediate = immediate
  }

  /// An empty slot (all zero bytes).
  @inlinable static var undecoded: DecodedInstruction { DecodedInstruction(handler: .undecoded) }

  /// Decodes `word` by `InstructionTable` (through `decode(_:entry:)`, the
  /// decoder every other client uses).
  @usableFromInline
  init(word: UInt32) {
    guard let index = InstructionTable.entryIndex(of: word) else {
      self.init(handler: .illegal, immediate: word)
      return
    }
    let handler = Handler.ofEntry[index]
    func destination(_ r: Register) -> UInt8 {
      r.isZero ? Translator.scratchSlot.index : r.index
    }
    switch decode(word, entry: InstructionTable.entries[index]) {
    case .lui(let rd, let immediate), .auipc(let rd, let immediate), .jal(let rd, let immediate):
      self.init(handler: handler, rd: destination(rd), immediate: UInt32(bitPattern: immediate))
    case .jalr(let rd, let rs1, let immediate), .load(_, _, let rd, let rs1, let immediate),
      .operationImmediate(_, let rd, let rs1, let immediate):
      self.init(
        handler: handler, rd: destination(rd), rs1: rs1.index,
        immediate: UInt32(bitPattern: immediate))
    case .branch(_, let rs1, let rs2, let offset), .store(_, let rs1, let rs2, let offset):
      self.init(
        handler: handler, rs1: rs1.index, rs2: rs2.index, immediate: UInt32(bitPattern: offset))
    case .operation(_, let rd, let rs1, let rs2):
      self.init(handler: handler, rd: destination(rd), rs1: rs1.index, rs2: rs2.index)
    case .fence, .fenceI, .ecall, .ebreak:
      self.init(handler: handler)
    }
  }
}
