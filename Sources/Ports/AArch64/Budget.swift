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
  mutating func emitBudgetCheck(_ block: Block, _ budget: BudgetLayout) {
    let counter = BlockABI.budgetRegister
    if budget.polls {
      let interrupted = a.newLabel()
      a.ldr(XReg.x17, abi.field(Int(budget.limit), size: .doubleword, temp: .x17, &a))
      a.cbz(XReg.x17, interrupted)
      cold.append(.budgetExit(label: interrupted, pc: block.startPC, covered: 0))
    }
    let cost = block.budgetCost
    if let imm = AddSubImmediate(exactly: cost), let n = counter.orSP {
      a.subs(counter, n, imm)
    } else {
      a.mov(XReg.x17, imm: UInt64(cost))
      a.subs(counter, counter, XReg.x17)
    }
    let exit = a.newLabel()
    a.b(.lo, exit)
    cold.append(.budgetExit(label: exit, pc: block.startPC, covered: cost))
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
    guard abi.layout.budget != nil, let block else { return }
    let rest = block.budgetCost - Int((next &- block.startPC) / 4)
    guard rest > 0 else { return }
    a.addOffset(BlockABI.budgetRegister, BlockABI.budgetRegister, rest)
  }
}
