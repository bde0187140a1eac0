import KilnCore

/// A typed Thumb-2 (ARMv7E-M) assembler: one method per instruction form
/// (see the files in `Encoder/`), labels with typed fixups (`Thumb2Fixup`)
/// and branch relaxation to a fixed point (Relaxation.swift).
///
///     var asm = Thumb2Assembler()
///     let done = asm.newLabel()
///     asm.cmp(.r0, imm: ModifiedImmediate(exactly: 0)!)
///     asm.b(.eq, done)
///     …
///     try asm.bind(done)
///     let bytes = try asm.finish()
///
/// Code is recorded as fragments: runs of fixed bytes with branch items
/// between them. Forward branches are unknown at emission time, so `finish`
/// lays the code out, starting every branch at its shortest form and
/// growing the ones that do not reach until nothing changes, then resolves
/// every label. Nothing is ever padded with NOPs.
///
/// Encodings follow LLVM's (`clang --target=thumbv7em-none-eabi
/// -mcpu=cortex-m4`): the narrow 16-bit form where it exists with the
/// requested flag behaviour and operands, else the wide 32-bit form. A
/// 32-bit instruction is written as two little-endian halfwords, first
/// halfword first.
public struct Thumb2Assembler: Sendable {
  /// The fixed bytes, without the branches (which `finish` lays out).
  var code: [UInt8] = []
  /// Branches to labels, in emission order (Relaxation.swift).
  var branches: [BranchItem] = []
  /// Where each label is bound (by label id), nil while unbound.
  var marks: [LabelMark?] = []
  /// Instructions left in the current IT block (0 outside one).
  var itRemaining = 0
  /// Makes the labels (KilnCore's `Label` ids are its to hand out).
  var labelMaker = LabelTable<Thumb2Fixup>()

  public init() {}

  // MARK: Labels

  /// A new, unbound label.
  public mutating func newLabel() -> Label {
    let label = labelMaker.make()
    marks.append(nil)
    precondition(label.id == marks.count - 1, "label ids out of step")
    return label
  }

  /// Binds `label` to the position of the next instruction. Binding a label
  /// twice throws `.labelBoundTwice`.
  public mutating func bind(_ label: Label) throws(CodeGenError) {
    precondition(
      label.id >= 0 && label.id < marks.count, "label \(label.id) is not this assembler's")
    guard marks[label.id] == nil else { throw .labelBoundTwice(label.id) }
    precondition(!isInITBlock, "label \(label.id) bound inside an IT block")
    marks[label.id] = LabelMark(at: code.count, branchesBefore: branches.count)
  }

  /// True if `label` has been bound.
  public func isBound(_ label: Label) -> Bool { marks[label.id] != nil }

  /// True while the instructions emitted are inside an IT block.
  public var isInITBlock: Bool { itRemaining > 0 }

  /// The size in bytes of the code so far with every branch in its shortest
  /// form (a lower bound of the final size).
  public var minimumSize: Int {
    code.count + branches.reduce(0) { $0 + $1.kind.minimumSize }
  }

  // MARK: Halfword sinks for the encoder files

  /// Appends a 16-bit instruction.
  mutating func emit16(_ halfword: UInt32) {
    precondition(halfword <= 0xFFFF, "16-bit instruction 0x\(String(halfword, radix: 16))")
    code.append(UInt8(truncatingIfNeeded: halfword))
    code.append(UInt8(truncatingIfNeeded: halfword >> 8))
    advanceITBlock()
  }

  /// Appends a 32-bit instruction given as `first << 16 | second` (the Arm
  /// ARM's order): the first halfword is written first, each little-endian.
  mutating func emit32(_ word: UInt32) {
    let first = word >> 16
    let second = word & 0xFFFF
    code.append(UInt8(truncatingIfNeeded: first))
    code.append(UInt8(truncatingIfNeeded: first >> 8))
    code.append(UInt8(truncatingIfNeeded: second))
    code.append(UInt8(truncatingIfNeeded: second >> 8))
    advanceITBlock()
  }

  /// Counts one instruction of the current IT block.
  mutating func advanceITBlock() {
    if itRemaining > 0 { itRemaining -= 1 }
  }

  /// True if a 16-bit form whose flag behaviour is "sets flags outside an
  /// IT block, leaves them alone inside one" (ADDS T1, MOVS, the 010000
  /// data-processing group, …) means what the caller asked for.
  func narrowFlagsMatch(setsFlags: Bool) -> Bool { setsFlags != isInITBlock }
}
