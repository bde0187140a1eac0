/// Tiny loops whose budgeted fast code is unrolled (``BudgetRegions``):
/// one check for several iterations.
///
/// A loop qualifies when it is one region: a loop head `h` whose region
/// (the slots reachable from `h` through forward edges, without passing
/// another check point) has an edge back to `h`, is entered only at `h`
/// (no other slot of it is a jump, branch, fall-through or call target from
/// outside it), and is at most ``maxSlots`` slots long. Its fast code is
/// laid out `times` times (copies 0 … times − 1); the check at copy 0's
/// head charges `times × longest[h]`, an edge back to `h` from copy `k`
/// goes to copy `k + 1`'s head (no check, no poll) and from the last copy
/// to copy 0's (check and poll). Copy `k` has charged `(times − 1 − k) ×
/// longest[h]` for iterations that have not started, so every edge that
/// leaves the loop from copy `k` (to another check point, a call or an
/// `exit`) gives that back besides its usual refund: at every check point,
/// call and `exit` the budget left is exact, as without unrolling. When
/// the budget left does not cover the `times` iterations, the code goes
/// to the slow copy (checked per straight-line run), which comes back at
/// the head, so at most `times × longest[h]` instructions run there.
public struct BudgetUnroll: Sendable {
  /// One unrolled loop: its head, how many copies of its fast code there
  /// are, its slots (ascending, the head first) and its longest path.
  public struct Loop: Sendable, Equatable {
    public let head: Int
    public let times: Int
    public let slots: [Int]
    public let longest: Int
  }

  /// The unrolled loops.
  public let loops: [Loop]
  /// For each slot, the index in ``loops`` of the loop it belongs to, or −1.
  public let loopOf: [Int]

  /// The largest loop (in slots) that is unrolled.
  static let maxSlots = 48
  /// The most copies of a loop.
  static let maxTimes = 8
  /// The cost that one check of an unrolled loop covers at least, when
  /// `maxTimes` copies reach it.
  static let target = 64

  /// How many copies of a loop whose longest path costs `longest`.
  static func times(longest: Int) -> Int {
    guard longest > 0 else { return 1 }
    return min(maxTimes, max(1, (target + longest - 1) / longest))
  }

  public init(_ plan: BudgetRegions.Plan) {
    let insts = plan.program.instructions
    let n = insts.count
    // Every slot's predecessors in the whole program (fall-throughs,
    // return points, jump, branch and call targets), and call targets.
    var predecessors = [[Int]](repeating: [], count: n)
    var called = [Bool](repeating: false, count: n)
    for (pc, inst) in insts.enumerated() {
      let t = Translator.target(of: inst, at: pc).flatMap { $0 >= 0 && $0 < n ? $0 : nil }
      switch inst.operation {
      case .jumpAlways: break
      case .exit: break
      default: if pc + 1 < n { predecessors[pc + 1].append(pc) }
      }
      if let t {
        predecessors[t].append(pc)
        if case .callLocal = inst.operation { called[t] = true }
      }
    }
    var loops: [Loop] = []
    var loopOf = [Int](repeating: -1, count: n)
    var stamp = [Int](repeating: -1, count: n)
    for h in 0..<n where plan.points[h] {
      let times = Self.times(longest: plan.longest[h])
      guard times > 1 else { continue }
      // The region of h.
      var slots: [Int] = []
      var stack = [h]
      var loopsBack = false
      var ok = true
      stamp[h] = h
      while ok, let pc = stack.popLast() {
        slots.append(pc)
        if slots.count > Self.maxSlots || (pc != h && called[pc]) {
          ok = false
          break
        }
        let (next, target) = plan.successors(pc)
        for s in [next, target] {
          guard let s else { continue }
          if s == h { loopsBack = true }
          if plan.points[s] || stamp[s] == h { continue }
          stamp[s] = h
          stack.append(s)
        }
      }
      guard ok, loopsBack else { continue }
      // Entered only at its head.
      guard slots.allSatisfy({ s in s == h || predecessors[s].allSatisfy { stamp[$0] == h } })
      else { continue }
      slots.sort()
      for s in slots { loopOf[s] = loops.count }
      loops.append(Loop(head: h, times: times, slots: slots, longest: plan.longest[h]))
    }
    self.loops = loops
    self.loopOf = loopOf
  }

  /// What copy `copy` of the loop holding `pc` has charged for iterations
  /// that have not started (0 outside unrolled loops).
  func ahead(_ pc: Int, copy: Int) -> Int {
    let l = loopOf[pc]
    guard l >= 0 else { return 0 }
    return (loops[l].times - 1 - copy) * loops[l].longest
  }

  /// What a check point's check takes: `times × longest` at an unrolled
  /// loop's head.
  func charge(at pc: Int, plan: BudgetRegions.Plan) -> Int {
    let l = loopOf[pc]
    guard l >= 0, loops[l].head == pc else { return plan.longest[pc] }
    return loops[l].times * loops[l].longest
  }
}
