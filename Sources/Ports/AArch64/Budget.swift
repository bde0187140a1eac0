import KilnCore
import KilnIR

extension BlockLowering {
  /// The instruction budget check at a block's entry (`BudgetLayout`),
  /// before anything of the block runs, so that leaving here finds the
  /// guest state as the block found it:
  ///
  ///     ldr  x16, [x28, #used]
  ///     add  x16, x16, #cost         ; Block.budgetCost
  ///     ldr  x17, [x28, #limit]
  ///     cmp  x16, x17
  ///     b.hi budgetExit              ; cold: exitPC = start, exit(.budget)
  ///     str  x16, [x28, #used]
  mutating func emitBudgetCheck(_ block: Block, _ budget: BudgetLayout) {
    let exit = a.newLabel()
    a.ldr(XReg.x16, abi.field(Int(budget.used), size: .doubleword, temp: .x16, &a))
    a.addOffset(.x16, .x16, block.budgetCost)
    a.ldr(XReg.x17, abi.field(Int(budget.limit), size: .doubleword, temp: .x17, &a))
    a.cmp(XReg.x16, XReg.x17)
    a.b(.hi, exit)
    a.str(XReg.x16, abi.field(Int(budget.used), size: .doubleword, temp: .x17, &a))
    cold.append(.budgetExit(label: exit, pc: block.startPC))
  }

  /// The cold side of `emitBudgetCheck`: leave with `ExitReason.budget`.
  mutating func emitBudgetExit(_ label: Label, pc: UInt32) throws(CodeGenError) {
    try a.bind(label)
    a.mov(BlockABI.scratch1, imm: pc)
    a.str(BlockABI.scratch1, stateWord(abi.layout.exitPC))
    try exit(.budget)
  }
}

extension BlockLowering {
  /// A store rewrote compiled code and the block ends before `next` (the
  /// cold path of `exitOnStatus`): gives back what the check charged for
  /// the instructions from `next` on, so the count stays exact:
  ///
  ///     ldr x16, [x28, #used] ; sub x16, x16, #rest ; str x16, [x28, #used]
  mutating func refundBudget(resumingAt next: UInt32) {
    guard let budget = abi.layout.budget, let block else { return }
    let rest = block.budgetCost - Int((next &- block.startPC) / 4)
    guard rest > 0 else { return }
    a.ldr(XReg.x16, abi.field(Int(budget.used), size: .doubleword, temp: .x16, &a))
    a.addOffset(.x16, .x16, -rest)
    a.str(XReg.x16, abi.field(Int(budget.used), size: .doubleword, temp: .x17, &a))
  }
}
