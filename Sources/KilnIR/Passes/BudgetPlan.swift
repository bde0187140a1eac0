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
/// are covered by the entry's check; the others (the code after the loop)
/// check their own cost, as a check of its own costs no more than giving
/// back on every pass round the loop.
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
  /// Per block: whether it checks at its entry.
  public let checks: [Bool]
  /// Per block: the budget its check (or the check it is reached from)
  /// covers and charges.
  public let covered: [Int]

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
      return
    }
    // The loop through the entry, if any: the blocks that reach a back
    // edge to it. The entry's check covers them; every other block (the
    // code after the loop) checks its own cost, so that a pass round the
    // loop gives nothing back for the longer way out.
    var inLoop = [Bool](repeating: true, count: n)
    if blocks.contains(where: { b in b.directSuccessors.contains(region.entry.startPC) }) {
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
    self.depth = depth
    checks = (0..<n).map { $0 == 0 || !inLoop[$0] }
    covered = (0..<n).map { inLoop[$0] ? maximum : cost[$0] }
  }

  /// What block `from` gives back on its way to block `to` of the region
  /// (nil: out of the region, a fault, or any other exit).
  public func refund(from: Int, to: Int?) -> Int {
    if let to, !checks[to] { return depth[to] - depth[from] - cost[from] }
    return covered[from] - depth[from] - cost[from]
  }
}
