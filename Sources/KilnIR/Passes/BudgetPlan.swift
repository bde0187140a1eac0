/// Where a region's generated code checks the instruction budget
/// (``BudgetLayout``) and how it keeps the count exact, checking at the
/// region's entry only instead of at every block.
///
/// Region formation (``Region/form(at:limits:translate:)``) leaves out every
/// loop head but the entry's, so the region's internal edges that do not go
/// back to the entry form a DAG. Every path from the entry therefore runs
/// through the DAG and leaves it (an exit, or a back edge to the entry)
/// after at most ``maximum`` guest instructions (the longest path, block
/// costs ``Block/budgetCost``). The entry checks that much and charges it:
///
///     if remaining < maximum { exit(.budget) }; remaining -= maximum
///
/// and each path gives back what it did not run, on its edges: on an
/// internal edge `u → v`, `depth[v] - depth[u] - cost[u]` (`depth`: the
/// longest path to a block's start); on the way out of `u`,
/// `maximum - depth[u] - cost[u]`. They add up to `maximum` minus the
/// path's cost, so the count is exact wherever generated code leaves, and the
/// longest path (the usual loop body) gives nothing back. The JIT never
/// runs past the budget (the check covers the longest path); when the
/// check fails, the runtime interprets what is left of the budget exactly.
///
/// In a region with a loop through its entry, only the blocks of that loop
/// are covered by the entry's check (a charge for the longer way out would
/// be given back on every pass round the loop). The others (the code after
/// the loop, a DAG entered only from the loop) are charged on the edges
/// that leave the loop, for the longest path from the edge's target out of
/// the region (``rest``), less what the edge gives back for the loop: the
/// edge checks the difference when it is positive, and gives it back when
/// not (an unrolled loop's passes charged ahead usually cover it), so the
/// code after the loop has no check of its own. For those blocks
/// `covered - depth` is what was charged and not yet run at their start,
/// as for the loop's blocks, and their edges give back as the loop's do.
///
/// If the internal edges other than those to the entry had a cycle (region
/// formation never makes one; this is a safety net) every block checks its
/// own cost, and nothing is given back.
public struct BudgetPlan: Sendable, Equatable {
  /// Per block: its budget cost (``Block/budgetCost``).
  public let cost: [Int]
  /// Per block: the longest path (in guest instructions) from its check
  /// to its start; 0 for a block that checks.
  public let depth: [Int]
  /// Per block: whether it checks at its entry (the region's entry only,
  /// but for a region with a cycle).
  public let checks: [Bool]
  /// Per block: the budget its check (or the check it is reached from)
  /// covers and charges; for the code after the loop, the longest path
  /// through it (``rest`` of its longest block), `depth` being measured
  /// from there.
  public let covered: [Int]
  /// Per block: whether it is on the loop through the entry (every block,
  /// when the region has no such loop).
  public let inLoop: [Bool]
  /// Whether the region has a loop through its entry (a back edge to it).
  public let loops: Bool
  /// What the entry's check covers: the longest path round the loop (or
  /// through the region, without a loop).
  public let maximum: Int

  public init(_ region: Region) {
    let blocks = region.blocks
    let n = blocks.count
    let cost = blocks.map { $0.budgetCost }
    self.cost = cost
    // Internal edges, except those back to the entry.
    let successors: [[Int]] = blocks.map { b in
      b.directSuccessors.compactMap { region.index(of: $0) }.filter { $0 != 0 }
    }
    // Kahn's algorithm: a topological order, or nil for a cycle.
    var incoming = [Int](repeating: 0, count: n)
    for s in successors { for j in s { incoming[j] += 1 } }
    var order: [Int] = []
    var ready = (0..<n).filter { incoming[$0] == 0 }
    while let i = ready.popLast() {
      order.append(i)
      for j in successors[i] {
        incoming[j] -= 1
        if incoming[j] == 0 { ready.append(j) }
      }
    }
    guard order.count == n, n > 0 else {
      depth = [Int](repeating: 0, count: n)
      checks = [Bool](repeating: true, count: n)
      covered = cost
      inLoop = [Bool](repeating: false, count: n)
      loops = false
      maximum = cost.first ?? 0
      return
    }
    // The loop through the entry, if any: the blocks that reach a back
    // edge to it. The entry's check covers them; every other block (the
    // code after the loop) checks its own cost, so that a pass round the
    // loop gives nothing back for the longer way out.
    var inLoop = [Bool](repeating: true, count: n)
    let loops = blocks.contains { b in b.directSuccessors.contains(region.entry.startPC) }
    if loops {
      for i in order.reversed() {
        inLoop[i] =
          i == 0 || blocks[i].directSuccessors.contains(region.entry.startPC)
          || successors[i].contains { inLoop[$0] }
      }
    }
    var depth = [Int](repeating: 0, count: n)
    for i in order where inLoop[i] {
      for j in successors[i] where inLoop[j] { depth[j] = max(depth[j], depth[i] + cost[i]) }
    }
    let maximum = (0..<n).filter { inLoop[$0] }.map { depth[$0] + cost[$0] }.max() ?? 0
    // The code after the loop: the longest path from each block's start
    // out of the region (its successors are all after the loop too).
    var rest = [Int](repeating: 0, count: n)
    for i in order.reversed() where !inLoop[i] {
      rest[i] = cost[i] + (successors[i].map { rest[$0] }.max() ?? 0)
    }
    let after = rest.max() ?? 0
    for i in 0..<n where !inLoop[i] { depth[i] = after - rest[i] }
    self.depth = depth
    self.inLoop = inLoop
    self.loops = loops
    self.maximum = maximum
    checks = (0..<n).map { $0 == 0 }
    covered = (0..<n).map { inLoop[$0] ? maximum : after }
  }

  /// What block `from` gives back on its way to block `to` of the region
  /// (nil: out of the region, a fault, or any other exit). Negative on an
  /// edge from the loop to the code after it that gives back less than
  /// that code is charged: the edge checks that much (a port checks it
  /// there, as at a block's entry, leaving at `to`'s start when it fails).
  public func refund(from: Int, to: Int?) -> Int {
    let out = covered[from] - depth[from] - cost[from]
    guard let to, !checks[to] else { return out }
    if inLoop[from] == inLoop[to] { return depth[to] - depth[from] - cost[from] }
    return out - (covered[to] - depth[to])
  }

  /// How many copies of the loop through the entry a port lays out, one
  /// after the other, so that the entry's check covers several passes
  /// (as `BudgetUnroll` does for eBPF): copy `c`'s back edge goes to copy
  /// `c + 1`, the last one's to the checked entry, which charges
  /// `copies × maximum`; an edge that leaves the loop from copy `c` also
  /// gives back the `copies - 1 - c` passes charged ahead. For small loops
  /// only (≤ 48 instructions in all, so that the copies stay ≤ 256): as
  /// many copies as one check needs to cover 128 instructions, up to 16
  /// (a check per 64 instructions, up to 8 copies, left sort's copy and
  /// merge loops and coremark's list walks paying 2–3% for their checks).
  public var copies: Int {
    guard loops, maximum > 0 else { return 1 }
    let size = zip(cost, inLoop).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
    guard size <= 48 else { return 1 }
    return max(1, min(16, (128 + maximum - 1) / maximum, 256 / size))
  }

  /// What an edge from loop block `from` in copy `copy` of `copies`
  /// (``copies``) gives back, besides ``refund(from:to:)``, for the passes
  /// charged ahead: nothing on the loop's own edges.
  public func ahead(from: Int, to: Int?, copy: Int, of copies: Int) -> Int {
    guard inLoop[from], to.map({ !inLoop[$0] }) ?? true else { return 0 }
    return (copies - 1 - copy) * maximum
  }
}

/// A region whose entry block is a loop by itself whose number of passes
/// is known when it starts: the block ends in `bne i, bound, entry` (or
/// `beq i, bound, out` falling back to the entry), writes the induction
/// register `i` once, `i += step` with `step = ±2^shift`, does not write
/// `bound` and stores nothing. Then, with `d = bound - i` (`i - bound` for
/// a negative step) taken at the entry, the loop runs exactly `d >> shift`
/// passes when `d` is a non-zero multiple of `|step|` (modulo 2^32), and
/// the entry can charge them all at once (`passes × cost`) instead of
/// checking every pass; the loop's exit leaves with the count exact, and
/// the block has no other way out but faults (which end the run). When
/// `d` does not qualify, or the budget left does not cover the charge, the
/// loop checks every pass as before.
public struct CountedLoop: Sendable, Equatable {
  /// The induction register.
  public let induction: GuestRegister
  /// What the induction register is compared with.
  public let bound: Value
  /// Whether the step is negative.
  public let descending: Bool
  /// `|step| = 2^shift`.
  public let shift: Int
  /// The loop block's budget cost (``Block/budgetCost``).
  public let cost: Int

  public init?(_ region: Region) {
    guard let head = region.blocks.first,
      case .branch(let condition, let lhs, let rhs, let taken, let notTaken) = head.terminator
    else { return nil }
    let entry = Target.pc(head.startPC)
    // The loop goes on while lhs != rhs, back to the entry, and out otherwise.
    switch condition {
    case .notEqual: guard taken == entry, notTaken != entry else { return nil }
    case .equal: guard notTaken == entry, taken != entry else { return nil }
    default: return nil
    }
    // No other block goes back to the entry (it would skip the charge).
    guard
      !region.blocks.dropFirst().contains(where: { $0.directSuccessors.contains(head.startPC) })
    else { return nil }
    var writes: [GuestRegister: Int] = [:]
    for operation in head.operations {
      switch operation {
      case .move(let d, _), .binary(_, let d, _, _), .load(let d, _, _, _, _, _):
        writes[d, default: 0] += 1
      case .store: return nil
      }
    }
    for (i, bound) in [(lhs, rhs), (rhs, lhs)] {
      guard case .register(let induction) = i, writes[induction] == 1 else { continue }
      if case .register(let b) = bound, b == induction || writes[b] != nil { continue }
      guard let step = Self.step(of: induction, in: head.operations) else { continue }
      let magnitude = step.magnitude
      guard magnitude != 0, magnitude & (magnitude - 1) == 0 else { continue }
      self.induction = induction
      self.bound = bound
      descending = step < 0
      shift = magnitude.trailingZeroBitCount
      cost = head.budgetCost
      return
    }
    return nil
  }

  /// The constant `i` is stepped by, if its one write is `i = i ± c`.
  static func step(of i: GuestRegister, in operations: [Operation]) -> Int32? {
    for operation in operations {
      switch operation {
      case .binary(.add, i, .register(i), .immediate(let c)),
        .binary(.add, i, .immediate(let c), .register(i)):
        return Int32(bitPattern: c)
      case .binary(.sub, i, .register(i), .immediate(let c)):
        return Int32(bitPattern: 0 &- c)
      default: continue
      }
    }
    return nil
  }
}
