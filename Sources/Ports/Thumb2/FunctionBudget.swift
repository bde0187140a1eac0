import KilnCore
import KilnIR

extension FunctionLowering {
  /// ``FunctionIR/Op/budget(cost:site:)``: take `cost` from the 64-bit
  /// budget, or leave before the run if it does not cover it (scratch
  /// registers only: nothing is live in them between operations):
  ///
  ///     ldr   r12, [fp, #statePointer]
  ///     ldrd  r0, r1, [r12, #budgetRemaining]
  ///     mov32 r2, cost
  ///     subs  r0, r0, r2
  ///     sbcs  r1, r1, #0
  ///     blo   cold            ; borrow: cold: r0 = site; b budgetExhausted
  ///     strd  r0, r1, [r12, #budgetRemaining]
  mutating func emitBudgetCheck(cost: Int, site: Int) throws(CodeGenError) {
    guard let c = UInt32(exactly: cost) else {
      throw .immediateOutOfRange("budget cost \(cost)")
    }
    let state = Reg.r12
    let fail = a.newLabel()
    a.ldr(state, ABI.fp, ABI.statePointer)
    a.ldrd(.r0, .r1, state, Env.budgetRemaining)
    a.mov32(.r2, c)
    a.subs(.r0, .r0, .r2)
    a.sbcs(.r1, .r1, imm: imm(0))
    a.b(.lo, fail)
    a.strd(.r0, .r1, state, Env.budgetRemaining)
    cold.append(.init(label: fail, site: site, detail: c, stub: budgetExhausted))
  }

  /// ``FunctionIR/Op/poll(site:)``: leave before the run if an interrupt
  /// was raised (the runtime writes the word as 0 or 1: its low half is
  /// enough):
  ///
  ///     ldr   r12, [fp, #statePointer]
  ///     ldr   r0, [r12, #interrupt]
  ///     cmp   r0, #0
  ///     bne   cold            ; cold: r0 = site; b budgetExhausted
  mutating func emitPoll(site: Int) throws(CodeGenError) {
    let state = Reg.r12
    let fail = a.newLabel()
    a.ldr(state, ABI.fp, ABI.statePointer)
    a.ldr(.r0, state, Env.interrupt)
    a.cmp(.r0, imm: imm(0))
    a.b(.ne, fail)
    cold.append(.init(label: fail, site: site, detail: 0, stub: budgetExhausted))
  }

  /// The shared stub of failed budget checks and polls (r0 = site); the
  /// remaining budget was not written. Saves r0–r10 (from their homes: pairs,
  /// single registers and slots; r10 from host r10, or `frameTop` where
  /// host r10 holds another register, with a zero high word) in
  /// `stopRegisters` for the runtime to finish the budget from, and unwinds.
  mutating func emitBudgetStub() throws(CodeGenError) {
    let state = Reg.r12
    try a.bind(budgetExhausted)
    a.ldr(state, ABI.fp, ABI.statePointer)
    for i in 0..<10 {
      let r = FunctionIR.Register(UInt8(i))
      let offset = Env.stopRegister(i)
      switch home(r) {
      case .pair(let p):
        a.strd(p.lo, p.hi, state, offset)
      case .narrow(let lo):  // the high word is 0
        a.mov(.r3, imm: imm(0))
        a.strd(lo, .r3, state, offset)
      case .slot:
        a.ldrd(.r2, .r3, ABI.fp, ABI.slot(r))
        a.strd(.r2, .r3, state, offset)
      }
    }
    a.mov(.r1, imm: imm(0))
    if frameIsFree {
      // Host r10 holds an eBPF register; eBPF r10 is still `frameTop`
      // (no local calls, the only writes to it).
      a.ldr(.r2, state, Env.frameTop)
      storeWord(.r2, zero: .r1, state: state, Env.stopRegister(10))
    } else {
      storeWord(ABI.frame, zero: .r1, state: state, Env.stopRegister(10))
    }
    storeWord(.r0, zero: .r1, state: state, Env.errorSite)
    a.mov(.r0, imm: imm(UInt32(FunctionIR.Status.budgetExhausted.rawValue)))
    storeWord(.r0, zero: .r1, state: state, Env.status)
    a.b(errorExit)
  }
}

extension FunctionLowering {
  /// ``FunctionIR/Op/charge(cost:otherwise:)``: take the longest path's
  /// cost of a merged region from the low word of the 64-bit budget; only
  /// a borrow there reads the high word, which pays 1 (the budget left is
  /// then `V - cost` modulo 2^64) and, if it was 0, goes to the region's
  /// slow copy (which starts by giving the cost back):
  ///
  ///     ldr   r12, [fp, #statePointer]
  ///     ldr   r0, [r12, #budgetRemaining]
  ///     subs  r0, r0, #cost     ; (mov32 r2, cost; subs r0, r0, r2 if no immediate fits)
  ///     str   r0, [r12, #budgetRemaining]
  ///     bhs   done
  ///     ldr   r1, [r12, #budgetRemaining + 4]
  ///     subs  r1, r1, #1
  ///     str   r1, [r12, #budgetRemaining + 4]
  ///     blo   otherwise
  ///   done:
  mutating func emitCharge(cost: Int, otherwise: Label) throws(CodeGenError) {
    guard let c = UInt32(exactly: cost) else {
      throw .immediateOutOfRange("budget cost \(cost)")
    }
    let state = Reg.r12
    let done = a.newLabel()
    a.ldr(state, ABI.fp, ABI.statePointer)
    a.ldr(.r0, state, Env.budgetRemaining)
    if let m = ModifiedImmediate(exactly: c) {
      a.subs(.r0, .r0, imm: m)
    } else {
      a.mov32(.r2, c)
      a.subs(.r0, .r0, .r2)
    }
    a.str(.r0, state, Env.budgetRemaining)
    a.b(.hs, done)
    a.ldr(.r1, state, Env.budgetRemaining + 4)
    a.subs(.r1, .r1, imm: imm(1))
    a.str(.r1, state, Env.budgetRemaining + 4)
    a.b(.lo, otherwise)
    try a.bind(done)
  }

  /// ``FunctionIR/Op/refund(_:)``: the same `ldrd`/`adds`/`adc`/`strd`
  /// with `amount`.
  mutating func emitRefund(_ amount: Int) throws(CodeGenError) {
    try addToBudget(amount)
  }

  /// budgetRemaining += delta, 64-bit (for a negative delta `subs`/`sbcs`,
  /// so that a borrow leaves `lo`). Scratch registers r0–r2 and r12 only.
  mutating func addToBudget(_ delta: Int) throws(CodeGenError) {
    guard let magnitude = UInt32(exactly: delta.magnitude) else {
      throw .immediateOutOfRange("budget amount \(delta)")
    }
    let state = Reg.r12
    a.ldr(state, ABI.fp, ABI.statePointer)
    a.ldrd(.r0, .r1, state, Env.budgetRemaining)
    let m = ModifiedImmediate(exactly: magnitude)
    if m == nil { a.mov32(.r2, magnitude) }
    if delta < 0 {
      if let m { a.subs(.r0, .r0, imm: m) } else { a.subs(.r0, .r0, .r2) }
      a.sbcs(.r1, .r1, imm: imm(0))
    } else {
      if let m { a.adds(.r0, .r0, imm: m) } else { a.adds(.r0, .r0, .r2) }
      a.adc(.r1, .r1, imm: imm(0))
    }
    a.strd(.r0, .r1, state, Env.budgetRemaining)
  }
}
