import KilnCore
import KilnIR

extension FunctionLowering {
  /// ``FunctionIR/Op/budget(cost:site:)``: take `cost` from the budget, or
  /// leave before the run if it does not cover it (`budgetExhausted`
  /// restores what it took):
  ///
  ///     sub qword [r12 + budgetRemaining], cost
  ///     jb  cold        ; cold: r10 = site, r9 = cost; jmp budgetExhausted
  mutating func emitBudgetCheck(cost: Int, site: Int) throws(CodeGenError) {
    guard let imm = Int32(exactly: cost) else { throw .immediateOutOfRange("budget cost \(cost)") }
    let fail = a.newLabel()
    a.alu(.sub, .qword, field(Env.budgetRemaining), imm: imm)
    a.jcc(.b, fail)
    cold.append(.init(label: fail, site: site, detail: UInt32(cost), stub: budgetExhausted))
  }

  /// The shared stub of failed budget checks (r10 = site, r9 = cost).
  mutating func emitBudgetStub() throws(CodeGenError) {
    let s = FunctionABI.scratch
    try a.bind(budgetExhausted)
    a.alu(.add, .qword, field(Env.budgetRemaining), s.a)
    a.mov(.qword, field(Env.status), imm32: Int32(FunctionIR.Status.budgetExhausted.rawValue))
    a.mov(.qword, field(Env.errorSite), s.b)
    a.jmp(errorExit)
  }
}
