import KilnCore

// Branch relaxation, in one pass and without moving code.
//
// Backward branch (label bound) out of reach of the short form:
//
//         b.<inverse> 1f         cbnz/cbz, tbnz/tbz likewise
//         b label                ±128 MiB
//     1:
//
// Forward branch (label not bound): the short form is emitted and kept in
// `pending` with its deadline, the farthest offset it can reach. Before every
// instruction the assembler checks whether, after it, an island could still
// be placed in reach of every pending branch; if not, it places one now:
//
//         b 2f                   omitted right after b/br/ret
//     v1: b label1               a veneer per pending label (b26)
//     v2: b label2
//     2:
//
// and patches each pending short branch to its label's veneer. A branch
// whose label is bound before its deadline is resolved directly. Islands are
// rare: a `b.cond` or `cbz` would have to jump over 1 MiB of code, a `tbz`
// over 32 KiB.

/// A forward `b.cond`, `cbz`/`cbnz` or `tbz`/`tbnz` whose label is unbound.
struct PendingBranch: Sendable {
  let label: Label
  let site: Int
  let kind: AArch64Fixup

  /// The largest offset this branch can reach.
  var deadline: Int { site + kind.reach.upperBound }
}

extension AArch64Fixup {
  /// True for the conditional branches, which the assembler relaxes.
  var isRelaxable: Bool { self == .bcond19 || self == .cbz19 || self == .tbz14 }
}

extension AArch64Assembler {
  mutating func addPending(_ branch: PendingBranch) {
    pending[branch.label, default: []].append(branch)
    pendingCount += 1
    deadline = min(deadline, branch.deadline)
  }

  /// Moves the pending branches to `label` (just bound) into the label table.
  mutating func resolvePending(to label: Label) {
    guard let branches = pending.removeValue(forKey: label) else { return }
    for branch in branches { labels.use(label, site: branch.site, kind: branch.kind) }
    pendingCount -= branches.count
    if branches.contains(where: { $0.deadline == deadline }) {
      deadline = pending.values.lazy.flatMap { $0 }.map(\.deadline).min() ?? .max
    }
  }

  /// Removes and returns every pending branch, in the order they were emitted.
  mutating func takePending() -> [PendingBranch] {
    let branches = pending.values.flatMap { $0 }.sorted { $0.site < $1.site }
    pending.removeAll()
    pendingCount = 0
    deadline = .max
    return branches
  }

  /// Places an island now if, after the next `words` words, one might no
  /// longer fit in reach of every pending branch. After those words there
  /// are at most `pendingCount + words` pending branches, and an island
  /// then needs a `b` plus one veneer each. `islandSlack` covers a
  /// `keepTogether` nested in another (its check is skipped).
  mutating func placeIslandIfDue(before words: Int) {
    guard pendingCount > 0, buffer.offset >= noIslandBefore else { return }
    let islandAfterwards = 4 * (1 + pendingCount + words)
    if buffer.offset + 4 * words + islandAfterwards + Self.islandSlack > deadline {
      placeIsland()
    }
  }

  /// Bytes kept in hand below every deadline.
  static var islandSlack: Int { 4 * AArch64Assembler.maxKeptTogether }

  /// Emits an island for every pending branch (see the comment above).
  mutating func placeIsland() {
    let branches = takePending()
    islandCount += 1
    var skipSite: Int?
    if !afterUnconditional {
      skipSite = buffer.offset
      buffer.emit32(0x1400_0000)  // b over the island; patched below
    }
    var veneers: [Label: Int] = [:]
    for branch in branches {
      let veneer: Int
      if let existing = veneers[branch.label] {
        veneer = existing
      } else {
        veneer = buffer.offset
        buffer.emit32(0x1400_0000)  // b label
        labels.use(branch.label, site: veneer, kind: .b26)
        veneers[branch.label] = veneer
      }
      patch(branch.kind, site: branch.site, target: veneer)
    }
    if let skipSite { patch(.b26, site: skipSite, target: buffer.offset) }
    afterUnconditional = false
  }

  /// Patches a field now; an error (impossible if the deadlines are right)
  /// is kept for `finish`.
  private mutating func patch(_ kind: AArch64Fixup, site: Int, target: Int) {
    do throws(CodeGenError) {
      try kind.apply(to: &buffer, site: site, target: target)
    } catch {
      if deferredError == nil { deferredError = error }
    }
  }

  /// A conditional branch to `label`: `word` (field zero) with fixup `kind`,
  /// or, if `label` is bound and out of its reach, `inverse` over a `b`
  /// (`inverse` nil means the branch is unconditional: just the `b`).
  mutating func emitConditional(
    _ word: UInt32, inverse: UInt32?, to label: Label, _ kind: AArch64Fixup
  ) {
    keepTogether(words: 2)
    guard let target = labels.position(of: label), !kind.reaches(target - buffer.offset) else {
      emit(word, referring: label, kind)
      return
    }
    if let inverse { emit(kind.insert(8, into: inverse)) }  // skips the `b` below
    emit(0x1400_0000, referring: label, .b26)
    afterUnconditional = inverse == nil
  }
}
