import KilnIR

/// How a JIT checks the instruction budget (``ExecutionOptions/instructionBudget``)
/// with few checks but an exact stop: merged regions, each with a slow
/// copy.
///
/// **Check points** are slot 0, local call targets (function entries),
/// loop heads (targets of jumps and branches that go back, `t <= pc`: every
/// cycle has one) and return points (the slot after a local call). The
/// code from a check point up to the next one (through forward jumps and
/// branches, ending at a local call, an `exit` or an edge into a check
/// point) is its **region**, acyclic. The check at a region's start takes
/// the cost of its longest path (``FunctionIR/Op/charge(cost:otherwise:)``:
/// `sub [remaining], longest; jb` on x86-64); every edge of a shorter path
/// gives the difference back (``FunctionIR/Op/refund(_:)``; none on the
/// longest path), so at every check point, call and `exit` the budget left
/// is exact.
///
/// When the budget left does not cover the longest path, the code goes to
/// the region's **slow copy**: the same instructions, checked per
/// straight-line run as ``BudgetBlocks`` counts them, with the per-run
/// ``FunctionIR/Op/budget(cost:site:)`` (which leaves at a run's start with
/// r0–r10 saved, for ``Interpreter/finishBudget(at:registers:budget:remaining:stack:context:regions:)``
/// to finish the budget exactly). The slow copy goes back to the fast code
/// at the next check point (whose check may send it to the slow copy
/// again), so it only ever runs part of one region. So the stop is the same
/// instruction, with the same registers, memory and count, as on the
/// interpreter, while a budget that covers the run pays one check per
/// region pass: per loop iteration, per call and per return.
///
/// An interrupter is polled at the check points (a loop has one).
public enum BudgetRegions {
  /// Whether each slot is a check point.
  public static func checkPoints(_ program: Program) -> [Bool] {
    let insts = program.instructions
    var point = [Bool](repeating: false, count: insts.count)
    if !point.isEmpty { point[0] = true }
    for (pc, inst) in insts.enumerated() {
      guard let t = Translator.target(of: inst, at: pc), t >= 0, t < insts.count else { continue }
      switch inst.operation {
      case .callLocal:
        point[t] = true
        if pc + 1 < insts.count { point[pc + 1] = true }
      default:
        if t <= pc { point[t] = true }
      }
    }
    return point
  }

  /// The slots control may go to after `pc` inside a region (a local call
  /// and `exit` end one; the callee and the return point are check points).
  static func successors(_ program: Program, _ pc: Int) -> (next: Int?, target: Int?) {
    let insts = program.instructions
    let inst = insts[pc]
    let next = pc + 1 < insts.count ? pc + 1 : nil
    let target = Translator.target(of: inst, at: pc).flatMap {
      $0 >= 0 && $0 < insts.count ? $0 : nil
    }
    switch inst.operation {
    case .jumpAlways: return (nil, target)
    case .branch: return (next, target)
    case .callLocal, .exit: return (nil, nil)
    default: return (next, nil)
    }
  }

  /// The cost of one slot (`lddw`'s second slot is free).
  static func cost(_ program: Program, _ pc: Int) -> Int {
    program.instructions[pc].operation == .loadImm64Tail ? 0 : 1
  }

  /// For each slot, the cost of the longest path from it (itself included)
  /// to the end of its region, given `points` (``checkPoints(_:)``).
  public static func longest(_ program: Program, points: [Bool]) -> [Int] {
    let n = program.instructions.count
    var longest = [Int](repeating: 0, count: n)
    // Inside a region every edge goes forward (a backward target is a
    // check point), so one pass from the end sees each successor first.
    for pc in stride(from: n - 1, through: 0, by: -1) {
      let (next, target) = successors(program, pc)
      var rest = 0
      for s in [next, target] {
        if let s, !points[s] { rest = max(rest, longest[s]) }
      }
      longest[pc] = cost(program, pc) + rest
    }
    return longest
  }

  /// What the edge `pc → s` gives back: what was charged for the rest of
  /// the path after `pc` less what the path from `s` needs.
  static func refund(from pc: Int, to s: Int, _ program: Program, points: [Bool], longest: [Int])
    -> Int
  {
    let rest = longest[pc] - cost(program, pc)
    return points[s] ? rest : rest - longest[s]
  }

  /// The budgeted translation: the fast code with merged checks, the
  /// trampolines of taken branches that give budget back, then the slow
  /// copy. Labels: `pc` (fast), `n + pc` (slow), `2n + k` (trampolines).
  static func translate(_ program: Program, interruptible: Bool) throws(EBPFError)
    -> FunctionIR.Function
  {
    let insts = program.instructions
    let n = insts.count
    let points = checkPoints(program)
    let longest = longest(program, points: points)
    let runCosts = BudgetBlocks.costs(program)
    var isTarget = [Bool](repeating: false, count: n)
    for (pc, inst) in insts.enumerated() {
      if let t = Translator.target(of: inst, at: pc), t >= 0, t < n { isTarget[t] = true }
    }
    func fallsThrough(_ pc: Int) -> Bool { successors(program, pc).next == pc + 1 }
    func give(_ pc: Int, _ s: Int) -> Int {
      refund(from: pc, to: s, program, points: points, longest: longest)
    }
    var ops: [FunctionIR.Op] = []
    ops.reserveCapacity(3 * n + 16)
    var trampolines: [(label: FunctionIR.Label, amount: Int, target: Int)] = []

    // The fast code.
    for (pc, inst) in insts.enumerated() {
      if pc > 0, fallsThrough(pc - 1) {
        let k = give(pc - 1, pc)
        if k > 0 { ops.append(.refund(k)) }
      }
      if isTarget[pc] || points[pc] { ops.append(.label(FunctionIR.Label(pc))) }
      if points[pc] {
        if interruptible { ops.append(.poll(site: pc)) }
        ops.append(.charge(cost: longest[pc], otherwise: FunctionIR.Label(n + pc)))
      }
      try Translator.translate(inst, at: pc, into: &ops)
      guard let t = successors(program, pc).target else { continue }
      let k = give(pc, t)
      guard k > 0, let last = ops.popLast() else { continue }
      switch last {
      case .jump:
        ops.append(.refund(k))
        ops.append(last)
      case .branch(let c, let w, let lhs, let rhs, _):
        let label = FunctionIR.Label(2 * n + trampolines.count)
        trampolines.append((label, k, t))
        ops.append(.branch(c, w, lhs, rhs, label))
      default:
        ops.append(last)
      }
    }
    for t in trampolines {
      ops.append(.label(t.label))
      ops.append(.refund(t.amount))
      ops.append(.jump(FunctionIR.Label(t.target)))
    }

    // The slow copy: per-run checks; check points are the fast code's.
    func slow(_ s: Int) -> FunctionIR.Label { FunctionIR.Label(points[s] ? s : n + s) }
    for (pc, inst) in insts.enumerated() {
      if pc > 0, points[pc], fallsThrough(pc - 1) || insts[pc - 1].operation == .callLocal {
        ops.append(.jump(FunctionIR.Label(pc)))
      }
      if runCosts[pc] > 0 || points[pc] { ops.append(.label(FunctionIR.Label(n + pc))) }
      if points[pc] { ops.append(.refund(longest[pc])) }
      if runCosts[pc] > 0 { ops.append(.budget(cost: runCosts[pc], site: pc)) }
      try Translator.translate(inst, at: pc, into: &ops)
      guard let t = successors(program, pc).target, let last = ops.popLast() else { continue }
      switch last {
      case .jump: ops.append(.jump(slow(t)))
      case .branch(let c, let w, let lhs, let rhs, _): ops.append(.branch(c, w, lhs, rhs, slow(t)))
      default: ops.append(last)
      }
    }
    return FunctionIR.Function(ops: ops, labelCount: 2 * n + trampolines.count)
  }
}
