import KilnCore

// Branch relaxation to a fixed point.
//
// While assembling, a branch to a label is a `BranchItem` between two runs
// of fixed bytes, and a label is bound to a `LabelMark` (an offset into the
// fixed bytes and the number of branches before it), so nothing depends on
// the size of a branch until `finish`. There, every branch starts in its
// shortest form; each pass computes the addresses from the current sizes
// and grows every branch whose form does not reach. Sizes only grow and are
// bounded, so the passes stop; the result is the shortest layout the growing
// order finds (the classic assembler relaxation).
//
//     kind            2 bytes          4 bytes                     6 bytes
//     b label         B T2 ±2 KiB      B T4 ±16 MiB                —
//     b<c> label      B<c> T1 ±256 B   B<c> T3 ±1 MiB              B<¬c> T1 +2 over B T4 ±16 MiB
//     cbz r, label    CBZ 0…126 B      CBNZ r +0 over B T2         CBNZ r +2 over B T4
//                     (a cbz/cbnz to the very next instruction, which CBZ cannot
//                     encode, is a `nop`, as LLVM assembles it)
//     bl label        —                BL ±16 MiB                  —
//
// CBZ/CBNZ relax to the opposite compare-and-branch over a `b` (flags stay
// untouched, unlike `cmp` + `b<c>`), which also makes backward targets legal.
// Branches are not allowed inside IT blocks (a precondition).

/// Where a label is bound: before the fixed byte `at`, after `branchesBefore` branches.
struct LabelMark: Sendable {
  let at: Int
  let branchesBefore: Int
}

/// What a branch item is.
enum BranchKind: Sendable {
  case b
  case bcond(Condition)
  case cbz(LowReg, nonzero: Bool)
  case bl

  /// The size of the shortest form.
  var minimumSize: Int {
    switch self {
    case .bl: 4
    default: 2
    }
  }

  /// The size needed for a branch at `address` to reach `target`: the
  /// smallest form whose last instruction reaches (sizes as in the table above).
  func size(at address: Int, to target: Int) -> Int {
    switch self {
    case .b:
      return Thumb2Fixup.t16B.reaches(target - (address + 4)) ? 2 : 4
    case .bcond:
      if Thumb2Fixup.t16Bcond.reaches(target - (address + 4)) { return 2 }
      return Thumb2Fixup.t32Bcond.reaches(target - (address + 4)) ? 4 : 6
    case .cbz:
      if target == address + 2 || Thumb2Fixup.t16Cbz.reaches(target - (address + 4)) { return 2 }
      return Thumb2Fixup.t16B.reaches(target - (address + 6)) ? 4 : 6
    case .bl:
      return 4
    }
  }
}

/// A branch to `label`, placed before the fixed byte `at`.
struct BranchItem: Sendable {
  let at: Int
  let label: Label
  let kind: BranchKind
}

extension Thumb2Assembler {
  /// Records a branch to `label` at the current position.
  mutating func emitBranch(_ kind: BranchKind, to label: Label) {
    precondition(!isInITBlock, "branches inside an IT block are not supported")
    precondition(
      label.id >= 0 && label.id < marks.count, "label \(label.id) is not this assembler's")
    branches.append(BranchItem(at: code.count, label: label, kind: kind))
  }

  /// Lays out the code, choosing the shortest branch form that reaches
  /// (relaxation to a fixed point), resolves every label, returns the bytes.
  /// Throws `.labelUnbound` for a used label that was never bound and
  /// `.branchOutOfRange` for a branch beyond ±16 MiB.
  public mutating func finish() throws(CodeGenError) -> [UInt8] {
    precondition(!isInITBlock, "finish with \(itRemaining) instructions of an IT block missing")
    for branch in branches where marks[branch.label.id] == nil {
      throw .labelUnbound(branch.label.id)
    }
    var sizes = branches.map { $0.kind.minimumSize }
    var before = [Int](repeating: 0, count: branches.count + 1)  // bytes of branches 0..<i
    while true {
      for i in sizes.indices { before[i + 1] = before[i] + sizes[i] }
      var changed = false
      for (i, branch) in branches.enumerated() {
        let site = branch.at + before[i]
        let target = address(of: branch.label.id, before)
        let needed = branch.kind.size(at: site, to: target)
        if needed > sizes[i] {
          sizes[i] = needed
          changed = true
        }
      }
      if !changed { break }
    }
    var out: [UInt8] = []
    out.reserveCapacity(code.count + before[branches.count])
    var uses: [(site: Int, target: Int, kind: Thumb2Fixup)] = []
    var copied = 0
    for (i, branch) in branches.enumerated() {
      out.append(contentsOf: code[copied..<branch.at])
      copied = branch.at
      let target = address(of: branch.label.id, before)
      layOut(branch.kind, size: sizes[i], target: target, &out, &uses)
    }
    out.append(contentsOf: code[copied...])
    for use in uses { try use.kind.apply(to: &out, site: use.site, target: use.target) }
    return out
  }

  /// The final address of label `id` given the branch sizes' prefix sums.
  private func address(of id: Int, _ before: [Int]) -> Int {
    guard let mark = marks[id] else { return 0 }
    return mark.at + before[mark.branchesBefore]
  }

  /// Emits one branch in the form of `size` bytes, its label use recorded.
  private func layOut(
    _ kind: BranchKind, size: Int, target: Int, _ out: inout [UInt8],
    _ uses: inout [(site: Int, target: Int, kind: Thumb2Fixup)]
  ) {
    func half(_ h: UInt32) {
      out.append(UInt8(truncatingIfNeeded: h))
      out.append(UInt8(truncatingIfNeeded: h >> 8))
    }
    func word(_ w: UInt32) {
      half(w >> 16)
      half(w & 0xFFFF)
    }
    func use(_ fixup: Thumb2Fixup) { uses.append((out.count, target, fixup)) }
    switch (kind, size) {
    case (.b, 2):
      use(.t16B)
      half(Self.bT2)
    case (.b, _):
      use(.t32B)
      word(Self.bT4)
    case (.bcond(let c), 2):
      use(.t16Bcond)
      half(Self.bcondT1(c))
    case (.bcond(let c), 4):
      use(.t32Bcond)
      word(Self.bcondT3(c))
    case (.bcond(let c), _):
      // b<¬c> over the b.w: its target is 6 bytes on, PC + 2.
      half(Thumb2Fixup.t16Bcond.insert(2, into: Self.bcondT1(c.inverted)))
      use(.t32B)
      word(Self.bT4)
    case (.cbz(let r, let nonzero), 2):
      if target == out.count + 2 {
        half(0xBF00)  // to the next instruction: a no-op, as LLVM assembles it (a nop)
      } else {
        use(.t16Cbz)
        half(Self.cbz(r, nonzero: nonzero))
      }
    case (.cbz(let r, let nonzero), 4):
      // cb(n)z with the opposite sense over a b (PC + 0).
      half(Self.cbz(r, nonzero: !nonzero))
      use(.t16B)
      half(Self.bT2)
    case (.cbz(let r, let nonzero), _):
      half(Thumb2Fixup.t16Cbz.insert(2, into: Self.cbz(r, nonzero: !nonzero)))
      use(.t32B)
      word(Self.bT4)
    case (.bl, _):
      use(.t32Bl)
      word(Self.blT1)
    }
  }
}
