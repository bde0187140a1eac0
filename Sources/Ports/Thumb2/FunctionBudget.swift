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

  /// The shared stub of failed budget checks (r0 = site); the remaining
  /// budget was not written.
  mutating func emitBudgetStub() throws(CodeGenError) {
    let state = Reg.r3
    try a.bind(budgetExhausted)
    a.ldr(state, ABI.fp, ABI.statePointer)
    a.mov(.r1, imm: imm(0))
    storeWord(.r0, zero: .r1, state: state, Env.errorSite)
    a.mov(.r0, imm: imm(UInt32(FunctionIR.Status.budgetExhausted.rawValue)))
    storeWord(.r0, zero: .r1, state: state, Env.status)
    a.b(errorExit)
  }
}
