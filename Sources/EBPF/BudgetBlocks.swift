/// How the instruction budget (``ExecutionOptions/instructionBudget``) is
/// spent, the same way by every engine: per straight-line run of
/// instructions. A run starts at slot 0, at every jump or call target, and
/// after every jump, branch, local call and `exit`; it costs its
/// instructions (`lddw` counts once). A run starts only if the budget left
/// covers all of it; otherwise the program stops at its first instruction
/// with ``EBPFError/instructionBudgetExhausted(index:executed:)``, having
/// executed exactly `executed` instructions. So the stop point, the
/// registers and the count are the same on the interpreter and on every
/// JIT, which checks once per run (a loop pays one check per iteration),
/// not once per instruction.
///
/// A local call ends a run so that a callee stopping for the budget has not
/// been charged for its caller's instructions after the call.
public enum BudgetBlocks {
  /// The cost of the run starting at each slot; 0 for slots inside a run
  /// (and `lddw`'s second slot).
  public static func costs(_ program: Program) -> [Int] {
    let insts = program.instructions
    var leader = [Bool](repeating: false, count: insts.count)
    if !leader.isEmpty { leader[0] = true }
    for (pc, inst) in insts.enumerated() {
      if let t = Translator.target(of: inst, at: pc), t >= 0, t < insts.count { leader[t] = true }
      switch inst.operation {
      case .jumpAlways, .branch, .callLocal, .exit:
        if pc + 1 < insts.count { leader[pc + 1] = true }
      default: break
      }
    }
    var costs = [Int](repeating: 0, count: insts.count)
    var start = 0
    for pc in insts.indices {
      if leader[pc] { start = pc }
      if insts[pc].operation != .loadImm64Tail { costs[start] += 1 }
    }
    return costs
  }
}
