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

  /// ``FunctionIR/Op/poll(site:)``: leave before the run if an interrupt
  /// was raised:
  ///
  ///     cmp qword [r12 + interrupt], 0
  ///     jne cold        ; cold: r10 = site, r9 = 0; jmp budgetExhausted
  mutating func emitPoll(site: Int) {
    let fail = a.newLabel()
    a.alu(.cmp, .qword, field(Env.interrupt), imm: 0)
    a.jcc(.ne, fail)
    cold.append(.init(label: fail, site: site, detail: 0, stub: budgetExhausted))
  }

  /// The shared stub of failed budget checks and polls (r10 = site, r9 =
  /// cost taken): gives the cost back, saves r0–r10 in `stopRegisters`
  /// for the runtime to finish the budget from, and unwinds.
  mutating func emitBudgetStub() throws(CodeGenError) {
    let s = FunctionABI.scratch
    try a.bind(budgetExhausted)
    a.alu(.add, .qword, field(Env.budgetRemaining), s.a)
    for (i, r) in FunctionABI.hostRegisters.enumerated() {
      a.mov(.qword, field(Env.stopRegister(i)), r)
    }
    a.mov(.qword, field(Env.status), imm32: Int32(FunctionIR.Status.budgetExhausted.rawValue))
    a.mov(.qword, field(Env.errorSite), s.b)
    a.jmp(errorExit)
  }
}

extension FunctionLowering {
  /// ``FunctionIR/Op/charge(cost:otherwise:)``: take the longest path's
  /// cost of a merged region; on a borrow go to the region's slow copy
  /// (which starts by giving it back):
  ///
  ///     sub qword [r12 + budgetRemaining], cost
  ///     jb  otherwise
  mutating func emitCharge(cost: Int, otherwise: Label) throws(CodeGenError) {
    guard let imm = Int32(exactly: cost) else { throw .immediateOutOfRange("budget cost \(cost)") }
    a.alu(.sub, .qword, field(Env.budgetRemaining), imm: imm)
    a.jcc(.b, otherwise)
  }

  /// ``FunctionIR/Op/refund(_:)``: `add qword [r12 + budgetRemaining], amount`.
  mutating func emitRefund(_ amount: Int) throws(CodeGenError) {
    guard let imm = Int32(exactly: amount) else {
      throw .immediateOutOfRange("budget refund \(amount)")
    }
    a.alu(.add, .qword, field(Env.budgetRemaining), imm: imm)
  }
}
