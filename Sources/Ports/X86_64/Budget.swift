import KilnCore
import KilnIR

extension BlockLowering {
  /// The instruction budget check at the entry of each block of a region
  /// (`BudgetLayout`), before anything of the block runs; leaving here
  /// writes back the cache registers the region may have written so far
  /// (`dirty`), so the guest state is as the block found it:
  ///
  ///     mov rax, [r15 + used]
  ///     add rax, cost                ; Block.budgetCost
  ///     cmp rax, [r15 + limit]
  ///     ja  budgetExit               ; cold: exitPC = start, exit(.budget)
  ///     mov [r15 + used], rax
  mutating func emitBudgetCheck(_ block: Block, _ budget: BudgetLayout) {
    let exit = a.newLabel()
    a.mov(.qword, .rax, abi.field(budget.used))
    a.alu(.add, .qword, .rax, imm: Int32(block.budgetCost))
    a.alu(.cmp, .qword, .rax, abi.field(budget.limit))
    a.jcc(.a, exit)
    a.mov(.qword, abi.field(budget.used), .rax)
    cold.append(.budgetExit(label: exit, pc: block.startPC, writeBack: dirty))
  }

  /// The cold side of `emitBudgetCheck`: leave with `ExitReason.budget`.
  mutating func emitBudgetExit(
    _ label: Label, pc: UInt32, writeBack: [GuestRegister]
  ) throws(CodeGenError) {
    try a.bind(label)
    for g in writeBack { self.writeBack(g) }
    a.mov(.dword, abi.field(abi.layout.exitPC), imm32: Int32(bitPattern: pc))
    try exit(.budget)
  }
}
