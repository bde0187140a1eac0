import KilnCore
import KilnIR

/// The instruction budget (`BudgetLayout`) in block code: the budget left
/// lives in x15 (`BlockABI.budgetRegister`) while generated code runs,
/// spilled to the state block with the pinned registers, so a block's check
/// is two register instructions and no memory access.
extension BlockLowering {
  /// The check at a block's entry (`BudgetLayout`), before anything of the
  /// block runs, so that leaving here finds the guest state as the block
  /// found it. `limit` is only read (another thread lowers it to
  /// interrupt), x15 only written by this thread, so the interrupt cannot
  /// be lost:
  ///
  ///     ldr  x17, [x28, #limit]      ; only if BudgetLayout.polls
  ///     cbz  x17, budgetExit(0)      ; cold: exitPC = start, exit(.budget)
  ///     subs x15, x15, #cost         ; Block.budgetCost (in x17 if no
  ///                                  ;   immediate fits)
  ///     b.lo budgetExit(cost)        ; cold: x15 += cost, then as above
  mutating func emitBudgetCheck(pc: UInt32, cost: Int, _ budget: BudgetLayout) {
    if budget.polls {
      let interrupted = a.newLabel()
      a.ldr(XReg.x17, abi.field(Int(budget.limit), size: .doubleword, temp: .x17, &a))
      a.cbz(XReg.x17, interrupted)
      cold.append(.budgetExit(label: interrupted, pc: pc, covered: 0))
    }
    charge(cost, exitingAt: pc, covered: cost)
  }

  /// `subs x15, x15, #cost; b.lo exit`, the exit giving `covered` back and
  /// leaving at `pc`.
  mutating func charge(_ cost: Int, exitingAt pc: UInt32, covered: Int) {
    let counter = BlockABI.budgetRegister
    if let imm = AddSubImmediate(exactly: cost), let n = counter.orSP {
      a.subs(counter, n, imm)
    } else {
      a.mov(XReg.x17, imm: UInt64(cost))
      a.subs(counter, counter, XReg.x17)
    }
    let exit = a.newLabel()
    a.b(.lo, exit)
    cold.append(.budgetExit(label: exit, pc: pc, covered: covered))
  }

  /// The cold side of `emitBudgetCheck`: give the charge back and leave
  /// with `ExitReason.budget`.
  mutating func emitBudgetExit(_ label: Label, pc: UInt32, covered: Int) throws(CodeGenError) {
    try a.bind(label)
    a.addOffset(BlockABI.budgetRegister, BlockABI.budgetRegister, covered)
    a.mov(BlockABI.scratch1, imm: pc)
    a.str(BlockABI.scratch1, stateWord(abi.layout.exitPC))
    try exit(.budget)
  }
}

extension BlockLowering {
  /// A store rewrote compiled code and the block ends before `next` (the
  /// cold path of `exitOnStatus`, after the host call reloaded x15): gives
  /// back what the check charged for the instructions from `next` on, so
  /// the count stays exact:
  ///
  ///     add x15, x15, #rest
  mutating func refundBudget(resumingAt next: UInt32) {
    guard abi.layout.budget != nil else { return }
    if let plan, let region {  // a region (`Regions.swift`)
      let ran = Int((next &- region.blocks[current].startPC) / 4)
      let ahead = plan.ahead(from: current, to: nil, copy: copy, of: copies)
      giveBack(plan.covered[current] - plan.depth[current] - ran + ahead)
      return
    }
    guard let block else { return }
    let ahead = (copies - 1 - copy) * block.budgetCost  // lowerUnrolled
    let rest = block.budgetCost - Int((next &- block.startPC) / 4) + ahead
    guard rest > 0 else { return }
    a.addOffset(BlockABI.budgetRegister, BlockABI.budgetRegister, rest)
  }
}

/// A block that loops to itself (a jump to its own start, or a branch with
/// one side there) with a budget: its code is laid out `copies` times
/// (`BudgetPlan.copies` for a one-block loop), one check at the first
/// copy's start charging all the copies' passes, each copy's back edge to
/// the next copy and the last one's to the check. The way out of copy `c`
/// gives back the `copies - 1 - c` passes charged ahead (`add x15, x15,
/// #k`, after the branch has read the flags), so the count is exact
/// wherever the code leaves; an interrupt still stops the loop at its
/// check every `copies` passes.
extension BlockLowering {
  /// How many copies of `block` to lay out, nil for one (not a loop to
  /// itself, or too long to unroll).
  static func loopCopies(_ block: Block) -> Int? {
    let me = Target.pc(block.startPC)
    switch block.terminator {
    case .jump(me): break
    case .branch(_, _, _, let taken, let notTaken) where (taken == me) != (notTaken == me): break
    default: return nil
    }
    let copies = BudgetPlan(Region(blocks: [block])).copies
    return copies > 1 ? copies : nil
  }

  /// `block` `copies` times (see above).
  mutating func lowerUnrolled(_ block: Block, _ budget: BudgetLayout, copies: Int)
    throws(CodeGenError)
  {
    self.copies = copies
    let me = Target.pc(block.startPC)
    let starts = (0..<copies).map { _ in a.newLabel() }
    for c in 0..<copies {
      copy = c
      try a.bind(starts[c])
      if c == 0 { emitBudgetCheck(pc: block.startPC, cost: block.budgetCost * copies, budget) }
      for operation in block.operations { try lower(operation) }
      let next = starts[(c + 1) % copies]
      let ahead = (copies - 1 - c) * block.budgetCost
      switch block.terminator {
      case .branch(let condition, let lhs, let rhs, let taken, let notTaken):
        let test = branchTest(condition, lhs, rhs)
        let out = taken == me ? notTaken : taken
        if taken == me {
          branch(test, next)
        } else if let inverse = test.inverted {
          branch(inverse, next)
        } else {
          let exit = a.newLabel()
          branch(test, exit)
          a.b(next)
          try a.bind(exit)
        }
        if ahead > 0 { a.addOffset(BlockABI.budgetRegister, BlockABI.budgetRegister, ahead) }
        try jump(to: out)
      default:  // a jump to itself
        a.b(next)
      }
      coldCopies += repeatElement(c, count: cold.count - coldCopies.count)
    }
  }
}
