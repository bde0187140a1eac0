/// How the instruction budget (``ExecutionOptions/instructionBudget``) is
/// counted, the same way by every engine: per straight-line run of
/// instructions. A run starts at slot 0, at every jump or call target, and
/// after every jump, branch, local call and `exit`; it costs its
/// instructions (`lddw` counts once). A run whose cost the budget left
/// covers is charged at its first instruction (a JIT charges whole regions
/// of runs at once, ``BudgetRegions``, and these runs in its slow copy). A
/// run it does not cover, with R
/// instructions of budget left, executes its first R instructions one at a
/// time and stops at the next with
/// ``EBPFError/instructionBudgetExhausted(index:executed:)``, `executed`
/// being the whole budget. Those R instructions are straight-line code (a
/// jump, branch, local call or `exit` ends a run), so a JIT leaves at the
/// run's start with its registers saved and the interpreter finishes them
/// (``Interpreter/finishBudget(at:registers:budget:remaining:stack:context:regions:)``)
/// on the same memory: the stop point, registers, memory and count are
/// the same on every engine.
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
