import KilnIR

/// Which eBPF registers r0–r9 may be read before they are written, before
/// each operation, for a function entered by a branch (no local calls):
/// `FunctionIR.Liveness` with what this port knows about its calls. A
/// direct helper with a known argument count reads only its arguments
/// (`helperReads`) and writes r0; `exit` reads r0 only (no caller reads
/// r1–r5 after a local call: there are none). Everything else the runtime
/// or a callee may look at reads every register as in
/// `FunctionIR.Liveness`: a helper through the trampoline, `callx`, a
/// packet load, budget code and polls (a budget stop saves every register
/// for the runtime to resume from).
///
/// Used to skip work for a register dead on every path: lr's save around a
/// helper call (`FunctionLoweringControl.swift`) and a constant written
/// before branches that read it only where they jump (`sinkConstant`).
struct CallLiveness {
  /// Bit i: ri may be read from operation `op` on. One entry past the end: none.
  let before: [UInt16]

  static let all: UInt16 = 0x3FF

  func isLive(_ r: FunctionIR.Register, before op: Int) -> Bool {
    r.index >= 10 || op < 0 || op >= before.count || before[op] & (1 << r.index) != 0
  }

  /// `reads(id)`: the registers a direct call of helper `id` reads, nil
  /// for one that is not direct or of unknown arity (it reads all).
  init(_ function: FunctionIR.Function, reads: (UInt32) -> UInt16?) {
    // Each operation's effect and successors once (the fixed point then
    // only combines bit sets: this runs on the device at every load).
    let ops = function.ops
    let n = ops.count
    var labelIndex = [Int](repeating: n, count: function.labelCount)
    for (i, op) in ops.enumerated() {
      if case .label(let l) = op, l.id < labelIndex.count { labelIndex[l.id] = i }
    }
    var use = [UInt16](repeating: 0, count: n)
    var def = [UInt16](repeating: 0, count: n)
    // The operation a jump or branch goes to (n: an unbound label, where
    // everything is live), -1 for none; whether the next one follows.
    var jumpTo = [Int](repeating: -1, count: n)
    var falls = [Bool](repeating: true, count: n)
    for i in 0..<n {
      let op = ops[i]
      (use[i], def[i]) = Self.effect(of: op, reads: reads)
      switch op {
      case .jump(let l):
        jumpTo[i] = l.id < labelIndex.count ? labelIndex[l.id] : n
        falls[i] = false
      case .return: falls[i] = false
      case .branch(_, _, _, _, let l), .charge(_, let l):
        jumpTo[i] = l.id < labelIndex.count ? labelIndex[l.id] : n
      default: break
      }
    }
    var before = [UInt16](repeating: 0, count: n + 1)
    var changed = true
    while changed {
      changed = false
      var i = n - 1
      while i >= 0 {
        var after: UInt16 = falls[i] ? before[i + 1] : 0
        let t = jumpTo[i]
        if t >= 0 { after |= t < n ? before[t] : Self.all }
        let live = (after & ~def[i]) | use[i]
        if live != before[i] {
          before[i] = live
          changed = true
        }
        i -= 1
      }
    }
    self.before = before
  }

  /// Whether the lowering has a use for the liveness (it is not computed
  /// otherwise): a constant written right before a branch
  /// (`sinkConstant`), or an eBPF register in lr and a helper call.
  static func isUseful(_ function: FunctionIR.Function, homes: [RegisterAllocation.Home]) -> Bool {
    let inLR = homes.contains { home in
      switch home {
      case .narrow(let h): h == .lr
      case .pair(let p): p.lo == .lr || p.hi == .lr
      case .slot: false
      }
    }
    var constantBefore = false
    for op in function.ops {
      switch op {
      case .callHelper: if inLR { return true }
      case .branch: if constantBefore { return true }
      default: break
      }
      switch op {
      case .constant, .alu(.move, _, _, .immediate): constantBefore = true
      default: constantBefore = false
      }
    }
    return false
  }

  /// The registers (r0–r9) `op` reads, and those it certainly writes:
  /// `FunctionIR.Liveness.effect(of:)`, except for what this port knows
  /// about `exit` and direct helper calls.
  static func effect(of op: FunctionIR.Op, reads: (UInt32) -> UInt16?) -> (
    reads: UInt16, writes: UInt16
  ) {
    switch op {
    case .return: return (1, 0)  // r0 only: with no local calls, no caller reads r1–r5
    case .callHelper(let id, _):
      guard let r = reads(id) else { return (all, 0) }
      return (r, 1)  // writes r0
    default:
      let e = FunctionIR.Liveness.effect(of: op)
      return (e.reads & all, e.writes & all)
    }
  }
}

extension FunctionLowering {
  /// Whether eBPF register `r` may be read after operation `index`
  /// (true without liveness).
  func isLiveAfter(_ r: FunctionIR.Register) -> Bool {
    guard let liveness else { return true }
    return liveness.isLive(r, before: index + 1)
  }
}
