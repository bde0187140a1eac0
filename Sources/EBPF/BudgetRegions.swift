import KilnIR

/// How a JIT checks the instruction budget (``ExecutionOptions/instructionBudget``)
/// with few checks but an exact stop: merged regions, each with a slow
/// copy.
///
/// **Check points** are slot 0, loop heads (targets of jumps and branches
/// that go back, `t <= pc`: every cycle has one), and the entries of local
/// functions and the return points after their calls, except for
/// functions that are *inlined* into their callers' regions: those with no
/// loop that call only inlined functions, without recursion
/// (``inlineCallees(_:)``), whose calls count as one instruction plus the
/// callee's longest path. The code from a check point up to the next one
/// (through forward jumps and branches and inlined calls, ending at another
/// local call, an `exit` of the function or an edge into a check point) is
/// its **region**, acyclic. The check at a region's start takes
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
  /// Where the checks go and what they take, for one program.
  public struct Plan: Sendable {
    /// Whether each slot is a check point.
    public let points: [Bool]
    /// For each slot, the cost of the longest path from it (itself
    /// included) to the end of its region.
    public let longest: [Int]
    /// Whether each slot is the entry of a local function whose calls are
    /// part of their caller's region (see ``BudgetRegions``).
    public let inlineEntry: [Bool]
    let program: Program

    /// The largest cost a function called inside a region may have.
    static let maxCalleeCost = 1 << 16
    /// The largest cost of a region (every port's immediate or `mov32`).
    static let maxRegionCost = 1 << 30

    public init(_ program: Program) {
      self.program = program
      let n = program.instructions.count
      var inline = BudgetRegions.inlineCallees(program)
      while true {
        var longest = [Int](repeating: 0, count: n)
        let points = Self.checkPoints(program, inline: inline)
        // Inlined functions first (callees before callers, see
        // `inlineCallees`), then everything else from the end: inside a
        // region every edge goes forward (a backward target is a check
        // point), so each successor is known before its predecessors.
        var done = [Bool](repeating: false, count: n)
        var fits = true
        for pc in inline.order + Array(stride(from: n - 1, through: 0, by: -1)) where !done[pc] {
          done[pc] = true
          let (next, target) = Self.successors(program, pc, inline: inline.entry)
          var rest = 0
          for s in [next, target] {
            if let s, !points[s] { rest = max(rest, longest[s]) }
          }
          longest[pc] = Self.cost(program, pc, inline: inline.entry, longest: longest) + rest
          if longest[pc] > Self.maxRegionCost { fits = false }
        }
        for pc in inline.order where inline.entry[pc] && longest[pc] > Self.maxCalleeCost {
          fits = false
        }
        // A region too long for a check's immediate: no inlined calls
        // (every region is then shorter than the program).
        if !fits, inline.order.count > 0 {
          inline = ([Bool](repeating: false, count: n), [])
          continue
        }
        self.points = points
        self.longest = longest
        inlineEntry = inline.entry
        return
      }
    }

    /// The cost of slot `pc`: 1 (0 for `lddw`'s second slot); a call of
    /// an inlined function adds its longest path.
    func cost(_ pc: Int) -> Int {
      Self.cost(program, pc, inline: inlineEntry, longest: longest)
    }

    /// Where control may go after `pc` inside a region.
    func successors(_ pc: Int) -> (next: Int?, target: Int?) {
      Self.successors(program, pc, inline: inlineEntry)
    }

    /// What the edge `pc → s` gives back: what was charged for the rest of
    /// the path after `pc` less what the path from `s` needs.
    func refund(from pc: Int, to s: Int) -> Int {
      let rest = longest[pc] - cost(pc)
      return points[s] ? rest : rest - longest[s]
    }

    static func cost(_ program: Program, _ pc: Int, inline: [Bool], longest: [Int]) -> Int {
      let inst = program.instructions[pc]
      switch inst.operation {
      case .loadImm64Tail: return 0
      case .callLocal:
        guard let t = Translator.target(of: inst, at: pc), t >= 0, t < inline.count, inline[t]
        else { return 1 }
        return 1 + longest[t]
      default: return 1
      }
    }

    /// The slots control may go to after `pc` inside a region: a call of
    /// an inlined function continues at its return point; any other local
    /// call and `exit` end the region.
    static func successors(_ program: Program, _ pc: Int, inline: [Bool])
      -> (next: Int?, target: Int?)
    {
      let insts = program.instructions
      let inst = insts[pc]
      let next = pc + 1 < insts.count ? pc + 1 : nil
      let target = Translator.target(of: inst, at: pc).flatMap {
        $0 >= 0 && $0 < insts.count ? $0 : nil
      }
      switch inst.operation {
      case .jumpAlways: return (nil, target)
      case .branch: return (next, target)
      case .callLocal:
        if let target, inline[target] { return (next, nil) }
        return (nil, nil)
      case .exit: return (nil, nil)
      default: return (next, nil)
      }
    }

    /// Slot 0, loop heads and exits (``loops(_:)``), and the entries of
    /// and return points after calls of functions that are not inlined.
    static func checkPoints(_ program: Program, inline: (entry: [Bool], order: [Int])) -> [Bool] {
      let insts = program.instructions
      var point = BudgetRegions.loops(program)
      if !point.isEmpty { point[0] = true }
      for (pc, inst) in insts.enumerated() {
        guard let t = Translator.target(of: inst, at: pc), t >= 0, t < insts.count else {
          continue
        }
        switch inst.operation {
        case .callLocal:
          guard !inline.entry[t] else { continue }
          point[t] = true
          if pc + 1 < insts.count { point[pc + 1] = true }
        default: break
        }
      }
      return point
    }
  }

  /// Loop heads, the targets of jumps and branches that go back (`t <=
  /// pc`: every cycle has one), and loop exits: the targets of edges that
  /// leave a loop's slots `[t, pc]` when nothing outside them jumps or
  /// falls into their middle (`(t, pc]`). Both are check points: a loop's
  /// region is its body, so that the path an iteration takes back to the
  /// head is the longest (no refund on it), and the code after the loop
  /// is checked on its own. Slots entered in the middle are not one loop
  /// (in sort's Shell sort the `i` loop's blocks lie around its inner
  /// loop's, with edges between them that leave one range and stay in
  /// another): checks at their "exits" would cut real iterations in two.
  /// (Exits are left out if the loops overlap too much to find them in
  /// linear time; they are only a saving.)
  static func loops(_ program: Program) -> [Bool] {
    let insts = program.instructions
    let n = insts.count
    var point = [Bool](repeating: false, count: n)
    var loops: [(head: Int, end: Int)] = []
    for (pc, inst) in insts.enumerated() {
      if case .callLocal = inst.operation { continue }
      if let t = Translator.target(of: inst, at: pc), t >= 0, t <= pc {
        point[t] = true
        loops.append((t, pc))
      }
    }
    let heads = point
    guard loops.reduce(0, { $0 + $1.end - $1.head + 1 }) <= 8 * n + 64 else { return heads }
    var exits: [(loop: Int, to: Int)] = []
    for (i, loop) in loops.enumerated() {
      for pc in loop.head...loop.end {
        let inst = insts[pc]
        var next: [Int?] = []
        switch inst.operation {
        case .jumpAlways: next = [Translator.target(of: inst, at: pc)]
        case .branch: next = [pc + 1, Translator.target(of: inst, at: pc)]
        case .exit: next = []
        default: next = [pc + 1]  // a call returns to pc + 1
        }
        for s in next {
          if let s, s >= 0, s < n, s < loop.head || s > loop.end { exits.append((i, s)) }
        }
      }
    }
    // An exit into the middle of a loop's slots that do not hold the
    // exited loop's is left to that loop's head (checked while it takes
    // linear time; otherwise every exit is a check point).
    let compare = exits.count * loops.count <= 8 * n + 64
    for (i, s) in exits where !point[s] {
      let a = loops[i]
      let inside =
        compare
        && loops.contains { b in b.head < s && s <= b.end && !(b.head <= a.head && a.end <= b.end) }
      if !inside { point[s] = true }
    }
    return point
  }

  /// The local functions whose calls can be part of their caller's
  /// region: no loop, no call of a function that is not inlined, no
  /// recursion, and code of their own (reached from their entry only
  /// through jumps, branches and calls). `entry[pc]`: slot `pc` is such a
  /// function's entry; `order`: their slots, callees before callers, each
  /// function's from its end.
  static func inlineCallees(_ program: Program) -> (entry: [Bool], order: [Int]) {
    let insts = program.instructions
    let n = insts.count
    let loopHead = loops(program)
    var isEntry = [Bool](repeating: false, count: n)
    for (pc, inst) in insts.enumerated() {
      guard let t = Translator.target(of: inst, at: pc), t >= 0, t < n else { continue }
      if case .callLocal = inst.operation { isEntry[t] = true }
    }
    let entries = (1..<max(n, 1)).filter { isEntry[$0] }
    var index = [Int](repeating: -1, count: n)
    for (i, e) in entries.enumerated() { index[e] = i }
    // Each function's slots (nil: not inlinable) and callees.
    var bodies: [[Int]?] = []
    var callees: [[Int]] = []
    var stamp = [Int](repeating: -1, count: n)
    var work = 0
    for (f, e) in entries.enumerated() {
      var slots: [Int] = []
      var calls: [Int] = []
      var stack = [e]
      var ok = true
      while ok, let pc = stack.popLast() {
        guard stamp[pc] != f else { continue }
        stamp[pc] = f
        work += 1
        if loopHead[pc] || (pc != e && isEntry[pc]) || slots.count >= Plan.maxCalleeCost {
          ok = false
          break
        }
        slots.append(pc)
        let inst = insts[pc]
        let t = Translator.target(of: inst, at: pc).flatMap { $0 >= 0 && $0 < n ? $0 : nil }
        var next: [Int?] = []
        switch inst.operation {
        case .jumpAlways: next = [t]
        case .branch: next = [pc + 1, t]
        case .callLocal:
          if let t, index[t] >= 0 { calls.append(index[t]) } else { ok = false }
          next = [pc + 1]
        case .exit: next = []
        default: next = [pc + 1]
        }
        for s in next {
          guard let s, s < n else {
            ok = false
            break
          }
          stack.append(s)
        }
      }
      bodies.append(ok ? slots : nil)
      callees.append(calls)
      // Functions sharing code: give up rather than walk it again and again.
      if work > 4 * n + 64 { return ([Bool](repeating: false, count: n), []) }
    }
    // Callees before callers (Kahn's algorithm on the call graph); a
    // function in a cycle never becomes ready and is not inlined.
    var pending = callees.map { $0.count }
    var callers = [[Int]](repeating: [], count: entries.count)
    for (f, calls) in callees.enumerated() { for g in calls { callers[g].append(f) } }
    var queue = entries.indices.filter { pending[$0] == 0 }
    var inlined = [Bool](repeating: false, count: entries.count)
    var entry = [Bool](repeating: false, count: n)
    var order: [Int] = []
    var head = 0
    while head < queue.count {
      let f = queue[head]
      head += 1
      if let body = bodies[f], callees[f].allSatisfy({ inlined[$0] }) {
        inlined[f] = true
        entry[entries[f]] = true
        order += body.sorted(by: >)
      }
      for c in callers[f] {
        pending[c] -= 1
        if pending[c] == 0 { queue.append(c) }
      }
    }
    return (entry, order)
  }

  /// Whether each slot is a check point (``Plan/points``).
  public static func checkPoints(_ program: Program) -> [Bool] { Plan(program).points }
}
