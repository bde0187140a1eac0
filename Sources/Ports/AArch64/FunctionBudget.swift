import KilnCore
import KilnIR

extension FunctionLowering {
  /// ``FunctionIR/Op/budget(cost:site:)``: take `cost` from the budget, or
  /// leave before the run if it does not cover it:
  ///
  ///     ldr  x12, [x26, #budgetRemaining]
  ///     subs x12, x12, #cost          ; (cost in x16 if no immediate fits)
  ///     b.lo cold                     ; cold: x10 = site; b budgetExhausted
  ///     str  x12, [x26, #budgetRemaining]
  mutating func emitBudgetCheck(cost: Int, site: Int) throws(CodeGenError) {
    let t = XReg(Self.scratch.c)
    try loadField(t, Env.budgetRemaining)
    if let imm = AddSubImmediate(exactly: cost), let tSP = t.orSP {
      a.subs(t, tSP, imm)
    } else {
      let c = XReg(Self.scratch.operand)
      a.mov(c, imm: UInt64(cost))
      a.subs(t, t, c)
    }
    let fail = a.newLabel()
    a.b(.lo, fail)
    try storeField(t, Env.budgetRemaining)
    cold.append(
      .init(
        label: fail, site: site, detail: UInt32(truncatingIfNeeded: cost), stub: budgetExhausted))
  }

  /// ``FunctionIR/Op/poll(site:)``: leave before the run if an interrupt
  /// was raised:
  ///
  ///     ldr  x12, [x26, #interrupt]
  ///     cbnz x12, cold                ; cold: x10 = site; b budgetExhausted
  mutating func emitPoll(site: Int) throws(CodeGenError) {
    let t = XReg(Self.scratch.c)
    try loadField(t, Env.interrupt)
    let fail = a.newLabel()
    a.cbnz(t, fail)
    cold.append(.init(label: fail, site: site, detail: 0, stub: budgetExhausted))
  }

  /// The shared stub of failed budget checks and polls (x10 = site); the
  /// remaining budget was not written. Saves r0–r10 in `stopRegisters` for
  /// the runtime to finish the budget from, and unwinds.
  mutating func emitBudgetStub() throws(CodeGenError) {
    try a.bind(budgetExhausted)
    for (i, r) in FunctionABI.hostRegisters.enumerated() {
      try storeField(XReg(r), Env.stopRegister(i))
    }
    try storeField(XReg(Self.scratch.a), Env.errorSite)
    try storeStatus(.budgetExhausted)
    a.b(errorExit)
  }
}
