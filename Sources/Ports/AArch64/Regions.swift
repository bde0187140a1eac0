import KilnCore
import KilnIR
import KilnPort

/// Regions of several blocks, with a budget only (`AArch64Blocks.regionLimits`):
/// one check at the region's entry covering the longest path round its
/// loop (or through it), as `BudgetPlan` says, instead of one per block.
/// Jumps between the region's blocks are local branches; every edge gives
/// back what its path did not run (`BudgetPlan.refund`), so the count is
/// exact wherever the code leaves; an edge from the loop into the code
/// after it that gives back less than that code is charged checks the
/// difference there. A small loop through the entry is laid out
/// `BudgetPlan.copies` times (copy `c`'s back edge to copy `c + 1`, the
/// last one's to the checked entry; the code after the loop once), edges
/// out of copy `c` also giving back the passes charged ahead
/// (`BudgetPlan.ahead`). Without a register cache, a block's code is the
/// same as on its own: pinned registers stay in place across the local
/// branches.
extension BlockLowering {
  /// `region`'s code; a single block (or a region whose plan checks more
  /// than its entry) is lowered as its entry block on its own.
  mutating func lower(_ region: Region) throws(CodeGenError) -> CompiledCode {
    guard let budget = abi.layout.budget, region.blocks.count > 1 else {
      return try lower(region.entry)
    }
    let plan = BudgetPlan(region)
    guard plan.checks[0], !plan.checks.dropFirst().contains(true) else {
      return try lower(region.entry)
    }
    self.region = region
    self.plan = plan
    copies = plan.copies
    let n = region.blocks.count
    regionLabels = (0..<copies).map { _ in (0..<n).map { _ in a.newLabel() } }
    var order = (0..<n).map { (0, $0) }
    for c in 1..<max(copies, 1) { order += (0..<n).filter { plan.inLoop[$0] }.map { (c, $0) } }
    for (k, (c, i)) in order.enumerated() {
      nextLabel = k + 1 < order.count ? regionLabels[order[k + 1].0][order[k + 1].1] : nil
      copy = c
      current = i
      block = region.blocks[i]
      try a.bind(regionLabels[c][i])
      if c == 0 && i == 0 {
        emitBudgetCheck(pc: region.entry.startPC, cost: plan.covered[0] * copies, budget)
      }
      for operation in region.blocks[i].operations { try lower(operation) }
      try lowerInRegion(region.blocks[i].terminator)
      coldCopies += repeatElement(c, count: cold.count - coldCopies.count)
      coldBlocks += repeatElement(i, count: cold.count - coldBlocks.count)
    }
    return try finish()
  }

  /// The block of the region starting at `target`, if any.
  func internalBlock(_ target: Target) -> Int? {
    guard case .pc(let pc) = target else { return nil }
    return region?.index(of: pc)
  }

  /// Where a local jump to block `index` goes: in copy `c`, the block of
  /// the same copy, or copy `c + 1`'s entry for a back edge (the checked
  /// entry from the last copy); blocks after the loop have one copy.
  func localLabel(_ index: Int) -> Label {
    guard copies > 1, let plan, plan.inLoop[index] else { return regionLabels[0][index] }
    return index == 0 ? regionLabels[(copy + 1) % copies][0] : regionLabels[copy][index]
  }

  /// What the current block gives back on its way to `target` (nil: a
  /// terminator that leaves the region).
  func regionRefund(toward target: Target?) -> Int {
    guard let plan else { return 0 }
    let to = target.flatMap(internalBlock)
    return plan.refund(from: current, to: to)
      + plan.ahead(from: current, to: to, copy: copy, of: copies)
  }

  /// `add x15, x15, #amount` (nothing for 0).
  mutating func giveBack(_ amount: Int) {
    guard amount > 0 else { return }
    a.addOffset(BlockABI.budgetRegister, BlockABI.budgetRegister, amount)
  }

  mutating func lowerInRegion(_ terminator: Terminator) throws(CodeGenError) {
    switch terminator {
    case .jump(let target):
      try edge(to: target)
    case .branch(let condition, let lhs, let rhs, let taken, let notTaken):
      let test = branchTest(condition, lhs, rhs)
      if let index = internalBlock(taken), localLabel(index) == nextLabel,
        regionRefund(toward: taken) == 0, let inverse = test.inverted
      {
        // The taken side is the next block: branch on the inverse to the other side.
        try edge(if: inverse, to: notTaken)
        return
      }
      try edge(if: test, to: taken)
      try edge(to: notTaken)
    default:  // leaves the region
      giveBack(regionRefund(toward: nil))
      try lower(terminator)
    }
  }

  /// An unconditional edge: gives back what it gives back (or checks
  /// what it charges, leaving at the target's start if that fails), then
  /// a local branch or a jump out.
  mutating func edge(to target: Target) throws(CodeGenError) {
    let amount = regionRefund(toward: target)
    guard let index = internalBlock(target), let plan, let region else {
      giveBack(amount)
      try jump(to: target)
      return
    }
    if amount < 0 {
      // Failing, give back all the check charged for the code from the
      // target's start on: the count is exact there.
      charge(
        -amount, exitingAt: region.blocks[index].startPC,
        covered: plan.covered[index] - plan.depth[index])
    } else {
      giveBack(amount)
    }
    if localLabel(index) != nextLabel { a.b(localLabel(index)) }
  }

  /// A conditional edge (flags or register set by `branchTest`): a local
  /// branch when it gives nothing back, else the inverse test over the
  /// edge's own code.
  mutating func edge(if test: BranchTest, to target: Target) throws(CodeGenError) {
    let amount = regionRefund(toward: target)
    if amount == 0 {
      if let index = internalBlock(target) {
        branch(test, localLabel(index))
      } else {
        try jump(if: test, to: target)
      }
      return
    }
    let skip = a.newLabel()
    if let inverse = test.inverted {
      branch(inverse, skip)
    } else {
      let take = a.newLabel()
      branch(test, take)
      a.b(skip)
      try a.bind(take)
    }
    // The edge's code is followed by `skip`: its branch is never elided.
    let next = nextLabel
    nextLabel = nil
    try edge(to: target)
    nextLabel = next
    try a.bind(skip)
  }
}
