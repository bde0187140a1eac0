import KilnCore

/// A typed x86-64 assembler: one method per instruction form (see the files
/// in `Encoder/`), labels with `rel32`/`rel8` fixups, and jumps to absolute
/// host addresses computed from `buffer.baseAddress`.
///
///     var asm = X86Assembler(baseAddress: codeAddress)
///     let done = asm.newLabel()
///     asm.alu(.cmp, .dword, .rax, imm: 0)
///     asm.jcc(.e, done)
///     …
///     try asm.bind(done)
///     let bytes = try asm.finish()
///
/// Encodings follow LLVM's choices (short forms, disp8 vs disp32), so the
/// tests compare against bytes produced by LLVM's assembler.
public struct X86Assembler: Sendable {
  public private(set) var buffer: CodeBuffer
  private var labels: LabelTable<X86Fixup>

  /// `baseAddress` is the host address that byte 0 will have once installed.
  public init(baseAddress: UInt = 0) {
    buffer = CodeBuffer(baseAddress: baseAddress)
    labels = LabelTable()
  }

  /// The offset of the next instruction (`buffer.offset`).
  public var offset: Int { buffer.offset }

  // MARK: Labels

  /// A new, unbound label.
  public mutating func newLabel() -> Label { labels.make() }

  /// Binds `label` to the current offset. Binding a label twice throws.
  public mutating func bind(_ label: Label) throws(CodeGenError) {
    try labels.bind(label, at: buffer.offset)
  }

  /// Resolves every label use and returns the code. Throws if a used label is
  /// unbound or a `rel8` branch cannot reach its target.
  public mutating func finish() throws(CodeGenError) -> [UInt8] {
    try labels.resolve(in: &buffer)
    return buffer.takeBytes()
  }

  /// An assembler that uses `labels` (emptied with `reset`, kept from an
  /// earlier assembly so that its storage is reused: `LoweringScratch`).
  init(baseAddress: UInt, labels: LabelTable<X86Fixup>) {
    buffer = CodeBuffer(baseAddress: baseAddress)
    self.labels = labels
  }

  /// Hands the label table over for reuse (emptied), leaving an empty one.
  mutating func takeLabels() -> LabelTable<X86Fixup> {
    var taken = LabelTable<X86Fixup>(capacity: 0)
    swap(&taken, &labels)
    taken.reset()
    return taken
  }

  // MARK: Byte sinks for the encoder files

  mutating func emit8(_ value: UInt8) { buffer.emit8(value) }
  /// One whole instruction, collected by the encoder (`InstructionBytes`).
  mutating func emit(_ bytes: InstructionBytes) {
    buffer.emit(bytes.lo, bytes.hi, count: bytes.count)
  }
  mutating func emit16(_ value: UInt16) { buffer.emit16(value) }
  mutating func emit32(_ value: UInt32) { buffer.emit32(value) }
  mutating func emit64(_ value: UInt64) { buffer.emit64(value) }

  /// Emits a zero placeholder of `kind`'s width and records it as a use of `label`.
  mutating func emitLabelField(_ label: Label, _ kind: X86Fixup) {
    labels.use(label, site: buffer.offset, kind: kind)
    switch kind {
    case .rel32: buffer.emit32(0)
    case .rel8: buffer.emit8(0)
    }
  }
}
