import KilnCore
import KilnIR

extension FunctionLowering {
  /// ``FunctionIR/Op/budget(cost:site:)``: take `cost` from the budget
  /// left in x23, or leave before the run if it does not cover it (the
  /// stub gives the cost back):
  ///
  ///     subs x23, x23, #cost          ; (cost in x16 if no immediate fits)
  ///     b.lo cold                     ; cold: x10 = site, x11 = cost; b budgetExhausted
  mutating func emitBudgetCheck(cost: Int, site: Int) throws(CodeGenError) {
    let t = XReg(FunctionABI.budget)
    guard let c = UInt32(exactly: cost) else {
      throw .immediateOutOfRange("budget cost \(cost)")
    }
    if let imm = AddSubImmediate(exactly: cost), let tSP = t.orSP {
      a.subs(t, tSP, imm)
    } else {
      let operand = XReg(Self.scratch.operand)
      a.mov(operand, imm: UInt64(cost))
      a.subs(t, t, operand)
    }
    let fail = a.newLabel()
    a.b(.lo, fail)
    cold.append(.init(label: fail, site: site, detail: c, stub: budgetExhausted))
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

  /// The shared stub of failed budget checks and polls (x10 = site, x11 =
  /// the cost taken, 0 for a poll): gives the cost back and stores the
  /// budget left (x23, with budget checks), saves r0–r10 in
  /// `stopRegisters` for the runtime to finish the budget from, and unwinds.
  mutating func emitBudgetStub() throws(CodeGenError) {
    try a.bind(budgetExhausted)
    if countsBudget {
      let t = XReg(FunctionABI.budget)
      a.add(t, t, XReg(Self.scratch.b))
      try storeField(t, Env.budgetRemaining)
    }
    for (i, r) in FunctionABI.hostRegisters.enumerated() {
      try storeField(XReg(r), Env.stopRegister(i))
    }
    try storeField(XReg(Self.scratch.a), Env.errorSite)
    try storeStatus(.budgetExhausted)
    a.b(errorExit)
  }
}

extension FunctionLowering {
  /// ``FunctionIR/Op/charge(cost:otherwise:)``: take the longest path's
  /// cost of a merged region from x23; on a borrow go to the region's slow
  /// copy (which starts by giving it back):
  ///
  ///     subs x23, x23, #cost          ; (cost in x16 if no immediate fits)
  ///     b.lo otherwise
  mutating func emitCharge(cost: Int, otherwise: Label) throws(CodeGenError) {
    try addToBudget(-cost)
    a.b(.lo, otherwise)
  }

  /// ``FunctionIR/Op/refund(_:)``: `add x23, x23, #amount`.
  mutating func emitRefund(_ amount: Int) throws(CodeGenError) {
    try addToBudget(amount)
  }

  /// x23 += delta (`subs` for a negative delta, so that a borrow sets `lo`).
  mutating func addToBudget(_ delta: Int) throws(CodeGenError) {
    let t = XReg(FunctionABI.budget)
    guard let magnitude = UInt32(exactly: delta.magnitude), let tSP = t.orSP else {
      throw .immediateOutOfRange("budget amount \(delta)")
    }
    if let imm = AddSubImmediate(exactly: Int(magnitude)) {
      if delta < 0 { a.subs(t, tSP, imm) } else { a.add(tSP, tSP, imm) }
    } else {
      let operand = XReg(Self.scratch.operand)
      a.mov(operand, imm: UInt64(magnitude))
      if delta < 0 { a.subs(t, t, operand) } else { a.add(t, t, operand) }
    }
  }
}
