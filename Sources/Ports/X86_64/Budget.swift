import KilnCore
import KilnIR

/// The instruction budget (`BudgetLayout`) in a region: one check at the
/// entry of the blocks that `BudgetPlan` says check (the region's entry:
/// its loop head, and where chained jumps arrive), covering the longest
/// path to the next check; the paths shorter than that give the difference
/// back on their way (`refundBudget`), so `used` is exact wherever the code
/// leaves. The longest path (a loop's usual body) pays four instructions
/// per pass, the others one more per edge off it.
extension BlockLowering {
  /// The check, before anything of the block runs; leaving here writes
  /// back the cache registers the region may have written so far
  /// (`dirty`), so the guest state is as the block found it. `limit` is
  /// only read (another thread lowers it to interrupt), `used` only
  /// written by this thread, so the interrupt cannot be lost:
  ///
  ///     add qword [r15 + used], covered     ; BudgetPlan.covered
  ///     mov rax, [r15 + used]
  ///     cmp rax, [r15 + limit]
  ///     ja  budgetExit                      ; cold: used -= covered,
  ///                                         ;   exitPC = start, exit(.budget)
  mutating func emitBudgetCheck(_ block: Block, _ budget: BudgetLayout) {
    guard let plan = budgetPlan, plan.checks[current] else { return }
    let covered = plan.covered[current]
    let exit = a.newLabel()
    a.alu(.add, .qword, abi.field(budget.used), imm: Int32(clamping: covered))
    a.mov(.qword, .rax, abi.field(budget.used))
    a.alu(.cmp, .qword, .rax, abi.field(budget.limit))
    a.jcc(.a, exit)
    cold.append(
      .budgetExit(label: exit, pc: block.startPC, covered: covered, writeBack: dirty))
  }

  /// The cold side of `emitBudgetCheck`: give the charge back and leave
  /// with `ExitReason.budget`.
  mutating func emitBudgetExit(
    _ label: Label, pc: UInt32, covered: Int, writeBack: [GuestRegister]
  ) throws(CodeGenError) {
    try a.bind(label)
    if let budget = abi.layout.budget {
      a.alu(.sub, .qword, abi.field(budget.used), imm: Int32(clamping: covered))
    }
    for g in writeBack { self.writeBack(g) }
    a.mov(.dword, abi.field(abi.layout.exitPC), imm32: Int32(bitPattern: pc))
    try exit(.budget)
  }

  /// What the current block gives back on its way to `target` (an
  /// internal block, or out of the region), 0 without a budget.
  func budgetRefund(toward target: Target?) -> Int {
    guard let plan = budgetPlan else { return 0 }
    return plan.refund(from: current, to: target.flatMap(internalBlock))
  }

  /// Gives back what the current block's path did not run, on the way to
  /// `target` (nil: a terminator that leaves the region), where flags are
  /// dead: `sub qword [r15 + used], refund` (nothing when it is 0).
  mutating func refundBudget(toward target: Target?) {
    emitRefund(budgetRefund(toward: target))
  }

  mutating func emitRefund(_ amount: Int) {
    guard amount > 0, let budget = abi.layout.budget else { return }
    a.alu(.sub, .qword, abi.field(budget.used), imm: Int32(clamping: amount))
  }

  /// A conditional edge that gives budget back: `jcc` to a cold stub that
  /// gives it back, then goes on to `target` (writing back `writeBack`
  /// first when the target is out of the region).
  mutating func leaveRefunding(if cc: ConditionCode, to target: Target, amount: Int) {
    let stub = a.newLabel()
    a.jcc(cc, stub)
    let writeBack = internalBlock(target) == nil ? dirty : []
    cold.append(.refundEdge(label: stub, amount: amount, writeBack: writeBack, target: target))
  }

  /// The cold side of `leaveRefunding`.
  mutating func emitRefundEdge(
    _ label: Label, amount: Int, writeBack: [GuestRegister], target: Target
  ) throws(CodeGenError) {
    try a.bind(label)
    emitRefund(amount)
    if let index = internalBlock(target) {
      a.jmp(blockLabels[index])
      return
    }
    for g in writeBack { self.writeBack(g) }
    try jump(to: target)
  }
}

extension BlockLowering {
  /// A store rewrote compiled code and the current block ends before
  /// `next` (its cold path, `exitOnStatus`): gives back what the check
  /// charged for the instructions from `next` on, so the count stays exact.
  mutating func refundBudget(resumingAt next: UInt32) {
    guard let plan = budgetPlan else { return }
    let ran = Int((next &- region.blocks[current].startPC) / 4)
    emitRefund(plan.covered[current] - plan.depth[current] - ran)
  }
}
