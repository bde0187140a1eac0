import KilnIR

extension BudgetRegions {
  /// The budgeted translation: the fast code with merged checks, the
  /// copies of unrolled tiny loops (``BudgetUnroll``), the trampolines of
  /// taken branches that give budget back, then the slow copy. Labels:
  /// `pc` (fast code, and copy 0 of an unrolled loop), `n + pc` (slow
  /// copy), then the loops' copies 1 … times − 1, then the trampolines.
  static func translate(_ program: Program, interruptible: Bool) throws(EBPFError)
    -> FunctionIR.Function
  {
    let insts = program.instructions
    let n = insts.count
    let plan = Plan(program)
    let unroll = BudgetUnroll(plan)
    let points = plan.points
    let runCosts = BudgetBlocks.costs(program)
    var isTarget = [Bool](repeating: false, count: n)
    for (pc, inst) in insts.enumerated() {
      if let t = Translator.target(of: inst, at: pc), t >= 0, t < n { isTarget[t] = true }
    }
    var nextLabel = 2 * n
    var copyBase: [Int] = []
    var indexInLoop = [Int](repeating: 0, count: n)
    for loop in unroll.loops {
      copyBase.append(nextLabel)
      nextLabel += (loop.times - 1) * loop.slots.count
      for (i, s) in loop.slots.enumerated() { indexInLoop[s] = i }
    }

    /// Slot `s` in copy `k` of its loop (copy 0: the fast code).
    func label(_ s: Int, copy k: Int) -> FunctionIR.Label {
      let l = unroll.loopOf[s]
      guard k > 0, l >= 0 else { return FunctionIR.Label(s) }
      return FunctionIR.Label(copyBase[l] + (k - 1) * unroll.loops[l].slots.count + indexInLoop[s])
    }
    /// Where the edge `pc → s` of copy `k` goes and what it gives back:
    /// back to the head, into the next copy; out of the loop, with what
    /// was charged ahead for the iterations not started. `point`: the
    /// edge goes to check point `s`'s check.
    func edge(_ pc: Int, _ s: Int, copy k: Int) -> (
      label: FunctionIR.Label, refund: Int, point: Bool
    ) {
      let refund = plan.refund(from: pc, to: s)
      let l = unroll.loopOf[pc]
      guard l >= 0 else { return (FunctionIR.Label(s), refund, points[s]) }
      let loop = unroll.loops[l]
      if s == loop.head {
        let next = (k + 1) % loop.times
        return (label(s, copy: next), refund, next == 0)
      }
      if points[s] { return (FunctionIR.Label(s), refund + unroll.ahead(pc, copy: k), true) }
      return (label(s, copy: k), refund, false)
    }
    // Past each check point's check: where an edge that gives back
    // `refund` goes after its own check for `charge − refund`.
    var afterCheck = [Int](repeating: -1, count: n)
    for s in 0..<n where points[s] {
      afterCheck[s] = nextLabel
      nextLabel += 1
    }

    var ops: [FunctionIR.Op] = []
    ops.reserveCapacity(3 * n + 16)
    var trampolines:
      [(label: FunctionIR.Label, amount: Int, target: FunctionIR.Label, point: Bool)] =
        []

    /// An edge into check point `s` that gives back `refund`: the two
    /// fold into one check for the difference (none if the refund covers
    /// `s`'s charge; its failure goes to `s`'s slow copy, which gives back
    /// all of `s`'s charge), then past `s`'s check.
    func enter(_ s: Int, refund: Int) {
      if interruptible { ops.append(.poll(site: s)) }
      let difference = unroll.charge(at: s, plan: plan) - refund
      if difference > 0 {
        ops.append(.charge(cost: difference, otherwise: FunctionIR.Label(n + s)))
      } else if difference < 0 {
        ops.append(.refund(-difference))
      }
      ops.append(.jump(FunctionIR.Label(afterCheck[s])))
    }
    /// A jump to `target` that gives back `amount` on the way.
    func jump(_ target: FunctionIR.Label, refund amount: Int, point: Bool) {
      if point, amount > 0 { return enter(target.id, refund: amount) }
      if amount > 0 { ops.append(.refund(amount)) }
      ops.append(.jump(target))
    }

    /// Slot `pc` of copy `k`, its jump or branch retargeted by `edge`; an
    /// `exit` or a call that ends the region first gives back what copy
    /// `k` charged ahead.
    func emit(_ pc: Int, copy k: Int) throws(EBPFError) {
      let (next, target) = plan.successors(pc)
      if next == nil, target == nil {
        let ahead = unroll.ahead(pc, copy: k)
        if ahead > 0 { ops.append(.refund(ahead)) }
      }
      let before = ops.count
      try Translator.translate(insts[pc], at: pc, into: &ops)
      guard let target, ops.count > before, let last = ops.popLast() else { return }
      let (destination, amount, point) = edge(pc, target, copy: k)
      switch last {
      case .jump:
        jump(destination, refund: amount, point: point)
      case .branch(let c, let w, let lhs, let rhs, _) where amount > 0:
        let trampoline = FunctionIR.Label(nextLabel)
        nextLabel += 1
        trampolines.append((trampoline, amount, destination, point))
        ops.append(.branch(c, w, lhs, rhs, trampoline))
      case .branch(let c, let w, let lhs, let rhs, _):
        ops.append(.branch(c, w, lhs, rhs, destination))
      default:
        ops.append(last)
      }
    }

    // The fast code (copy 0 of unrolled loops).
    for pc in 0..<n {
      if pc > 0, plan.successors(pc - 1).next == pc {
        let k = edge(pc - 1, pc, copy: 0).refund
        // Into a check its refund covers: past it.
        if points[pc], k > 0, k >= unroll.charge(at: pc, plan: plan) {
          enter(pc, refund: k)
        } else if k > 0 {
          ops.append(.refund(k))
        }
      }
      if isTarget[pc] || points[pc] { ops.append(.label(FunctionIR.Label(pc))) }
      if points[pc] {
        if interruptible { ops.append(.poll(site: pc)) }
        ops.append(
          .charge(cost: unroll.charge(at: pc, plan: plan), otherwise: FunctionIR.Label(n + pc)))
        ops.append(.label(FunctionIR.Label(afterCheck[pc])))
      }
      try emit(pc, copy: 0)
    }

    // Copies 1 … times − 1 of unrolled loops: no check, no poll.
    for loop in unroll.loops {
      for k in 1..<loop.times {
        for (i, pc) in loop.slots.enumerated() {
          if pc == loop.head || isTarget[pc] { ops.append(.label(label(pc, copy: k))) }
          try emit(pc, copy: k)
          if let s = plan.successors(pc).next {
            let (destination, amount, point) = edge(pc, s, copy: k)
            let following = i + 1 < loop.slots.count ? loop.slots[i + 1] : nil
            if points[s] || s != following {
              jump(destination, refund: amount, point: point)
            } else if amount > 0 {
              ops.append(.refund(amount))
            }
          } else if case .callLocal = insts[pc].operation, pc + 1 < n {
            ops.append(.jump(FunctionIR.Label(pc + 1)))  // the return point
          }
        }
      }
    }

    for t in trampolines {
      ops.append(.label(t.label))
      jump(t.target, refund: t.amount, point: t.point)
    }

    // The slow copy: per-run checks; check points are the fast code's.
    func slow(_ s: Int) -> FunctionIR.Label { FunctionIR.Label(points[s] ? s : n + s) }
    for (pc, inst) in insts.enumerated() {
      if pc > 0, points[pc],
        plan.successors(pc - 1).next == pc || insts[pc - 1].operation == .callLocal
      {
        ops.append(.jump(FunctionIR.Label(pc)))
      }
      if runCosts[pc] > 0 || points[pc] { ops.append(.label(FunctionIR.Label(n + pc))) }
      if points[pc] { ops.append(.refund(unroll.charge(at: pc, plan: plan))) }
      if runCosts[pc] > 0 { ops.append(.budget(cost: runCosts[pc], site: pc)) }
      let before = ops.count
      try Translator.translate(inst, at: pc, into: &ops)
      guard ops.count > before, let last = ops.popLast() else { continue }
      let t = plan.successors(pc).target ?? 0
      switch last {
      // An inlined function's slow copy, which returns here.
      case .callLocal(let l, let site) where l.id < n && plan.inlineEntry[l.id]:
        ops.append(.callLocal(FunctionIR.Label(n + l.id), site: site))
      case .jump: ops.append(.jump(slow(t)))
      case .branch(let c, let w, let lhs, let rhs, _): ops.append(.branch(c, w, lhs, rhs, slow(t)))
      default: ops.append(last)
      }
    }
    return FunctionIR.Function(ops: ops, labelCount: nextLabel)
  }
}
