import KilnCore
import KilnIR

/// A constant written just before conditional branches that do not read
/// it, and dead where they fall through (`CallLiveness`), is written only
/// on the taken edges: each such branch jumps to an edge stub after the
/// body (`d = constant ; b target`), and the fall-through path does not
/// pay for it. DHT22's `r0 = -2 ; if r1 < 15 goto bad ; if r1 > 100 goto
/// bad` (the error code, a pair: two instructions per bit) is one.
///
///     d = c ; if x goto L1 ; if y goto L2 ; (d dead here)
///  →  if x goto E1 ; if y goto E2 ; …   E1: d = c ; b L1   E2: d = c ; b L2
///
/// The stub lowers the constant with the facts of its own operation (the
/// register is not written between it and the branches).
extension FunctionLowering {
  /// Whether the constant write at `index` to `dst` moves onto the edges
  /// of the branches after it; records them in `sunk`.
  mutating func sinkConstant(_ dst: FunctionIR.Register) -> Bool {
    guard !emittingEdges, let liveness, dst.index < 10 else { return false }
    var j = index + 1
    while j < ops.count, case .branch(_, _, let l, let r, _) = ops[j], l != dst,
      r != .register(dst)
    {
      j += 1
    }
    guard j > index + 1, j < ops.count, !liveness.isLive(dst, before: j) else { return false }
    sunk = (index, j - 1)
    return true
  }

  /// The label a branch at `index` jumps to: `target`, or the edge stub
  /// that writes a sunk constant first.
  mutating func branchTarget(_ target: Label) -> Label {
    guard let s = sunk, index > s.constant, index <= s.through else { return target }
    let edge = a.newLabel()
    edges.append((edge, s.constant, target))
    return edge
  }

  /// The edge stubs: the constant, then the branch's own target.
  mutating func emitEdges() throws(CodeGenError) {
    let saved = index
    emittingEdges = true
    for e in edges {
      try a.bind(e.label)
      index = e.constant
      try lower(ops[e.constant])
      a.b(e.target)
    }
    emittingEdges = false
    index = saved
  }
}
