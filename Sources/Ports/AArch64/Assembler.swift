import KilnCore

/// A typed AArch64 assembler: one method per instruction form (see the files
/// in `Encoder/`), labels with typed fixups (`AArch64Fixup`), branch
/// relaxation, and branches to absolute host addresses computed from
/// `buffer.baseAddress`.
///
///     var asm = AArch64Assembler(baseAddress: codeAddress)
///     let done = asm.newLabel()
///     asm.cmp(.w1, 0)
///     asm.b(.eq, done)
///     …
///     try asm.bind(done)
///     let bytes = try asm.finish()
///
/// Code is emitted in one pass and never moves. Conditional branches reach
/// only ±1 MiB (`b.cond`, `cbz`) or ±32 KiB (`tbz`), so the assembler makes
/// sure every one of them reaches its label (see Islands.swift):
/// * to a bound label (backwards) that is too far, it emits the inverted
///   branch over a `b` (±128 MiB);
/// * to a label not bound yet (forwards), it emits the short branch and, if
///   the code grows so far that the label might end up out of its reach,
///   places a *branch island* before the branch's reach runs out: a `b` over
///   the island, then one `b label` veneer per pending label, and retargets
///   the short branch to its veneer.
/// An island can therefore appear between any two instructions; a sequence
/// whose layout matters (a patchable call, hand-counted offsets) must be
/// emitted after `keepTogether(words:)`.
///
/// Encodings follow LLVM's (`clang --target=aarch64-linux-gnu`), and the
/// tests compare against bytes produced by LLVM's assembler.
public struct AArch64Assembler: Sendable {
  public internal(set) var buffer: CodeBuffer
  var labels = LabelTable<AArch64Fixup>()
  /// Forward short branches whose label is not bound yet, by label (Islands.swift).
  var pending: [Label: [PendingBranch]] = [:]
  /// The number of branches in `pending`.
  var pendingCount = 0
  /// The smallest offset any pending branch can reach (`.max` if none).
  var deadline = Int.max
  /// No island may be placed before this offset (see `keepTogether`).
  var noIslandBefore = 0
  /// True right after `b`, `br` or `ret`: an island here needs no `b` over it.
  var afterUnconditional = false
  /// An error found while placing an island, reported by `finish`.
  var deferredError: CodeGenError?
  /// The number of branch islands placed so far.
  public internal(set) var islandCount = 0

  /// `baseAddress` is the host address that byte 0 will have once installed.
  public init(baseAddress: UInt = 0) {
    buffer = CodeBuffer(baseAddress: baseAddress)
  }

  /// The offset of the next instruction (`buffer.offset`). An island may
  /// still be placed before the next instruction unless `keepTogether` was
  /// called; methods that need the real position of what they emit return it.
  public var offset: Int { buffer.offset }

  // MARK: Labels

  /// A new, unbound label.
  public mutating func newLabel() -> Label { labels.make() }

  /// Binds `label` to the current offset. Binding a label twice throws.
  public mutating func bind(_ label: Label) throws(CodeGenError) {
    try labels.bind(label, at: buffer.offset)
    // Code may now jump here: an island at this offset needs its `b` over it.
    afterUnconditional = false
    resolvePending(to: label)
  }

  /// True if `label` has been bound.
  public func isBound(_ label: Label) -> Bool { labels.position(of: label) != nil }

  /// Resolves every label use and returns the code. Throws if a used label
  /// is unbound or a `b`, `adr` or literal load cannot reach its target.
  public mutating func finish() throws(CodeGenError) -> [UInt8] {
    for branch in takePending() {
      labels.use(branch.label, site: branch.site, kind: branch.kind)
    }
    if let deferredError { throw deferredError }
    try labels.resolve(in: &buffer)
    return buffer.takeBytes()
  }

  // MARK: Word sinks for the encoder files

  /// Appends one instruction word, after placing a branch island here if
  /// one is due. Returns the offset of the word.
  @discardableResult
  mutating func emit(_ word: UInt32) -> Int {
    placeIslandIfDue(before: 1)
    let site = buffer.offset
    buffer.emit32(word)
    afterUnconditional = false
    return site
  }

  /// `emit` for `b`, `br` and `ret`: execution never falls through them.
  @discardableResult
  mutating func emitUnconditional(_ word: UInt32) -> Int {
    let site = emit(word)
    afterUnconditional = true
    return site
  }

  /// Emits `word` (whose field is zero) as a use of `label` by `kind`. A
  /// relaxable branch to an unbound label waits in `pending` for its label
  /// or an island; everything else is resolved by `finish`.
  @discardableResult
  mutating func emit(_ word: UInt32, referring label: Label, _ kind: AArch64Fixup) -> Int {
    let site = emit(word)
    if labels.position(of: label) == nil && kind.isRelaxable {
      addPending(PendingBranch(label: label, site: site, kind: kind))
    } else {
      labels.use(label, site: site, kind: kind)
    }
    return site
  }

  /// The longest sequence `keepTogether` accepts.
  public static let maxKeptTogether = 64

  /// Promises that the next `words` instruction words (at most
  /// `maxKeptTogether`) are emitted without an island between them; an
  /// island that is due is placed first.
  public mutating func keepTogether(words: Int) {
    precondition(words <= Self.maxKeptTogether, "keepTogether: \(words) words is too many")
    placeIslandIfDue(before: words)
    noIslandBefore = max(noIslandBefore, buffer.offset + 4 * words)
  }

  /// Emits a 32-bit data word (a literal for `ldr (literal)`).
  public mutating func data32(_ value: UInt32) {
    emit(value)
  }

  /// Emits a 64-bit data doubleword, low word first, with no island between
  /// its halves (a literal for `ldr x (literal)`).
  public mutating func data64(_ value: UInt64) {
    keepTogether(words: 2)
    emit(UInt32(truncatingIfNeeded: value))
    emit(UInt32(truncatingIfNeeded: value >> 32))
  }
}
