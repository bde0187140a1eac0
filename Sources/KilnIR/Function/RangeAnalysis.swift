extension FunctionIR {
  /// What the range analysis knows about one memory access (by site).
  public enum AccessFact: UInt8, Sendable, Hashable {
    /// Nothing: the full bounds check, regions in order.
    case checked = 0
    /// The address is the context's start plus something: the same check,
    /// trying the context region first (it is the one that usually holds).
    case context = 1
    /// Always inside the stack or the context region: no check.
    case proven = 2
  }

  /// A range analysis of a whole ``Function``, for bounds checks: which
  /// loads, stores and atomics are inside a region on every path that
  /// reaches them, so that ports can leave out their checks.
  ///
  /// Abstract interpretation over the operations, one state per label,
  /// joined over incoming edges and widened after a few changes so that
  /// loops converge (see `RangeValue.swift` for the values). At the entry
  /// `r1` is the context's start and `r2` its length `L`; `r10` is always
  /// the current frame's top. The analysis follows constants, `add`/`sub`
  /// of known ranges, `and` masks, shifts, multiplications and unsigned
  /// divisions by constants, 32-bit operations that stay below 2^32, loads
  /// (by size), 8-byte frame slots written from registers, branch
  /// conditions on both edges (including what they say about `L`), and
  /// pointers that advance with a loop counter (an affine relation found
  /// where two edges join).
  ///
  /// Proven accesses are the frame's `[r10 - frameSize, r10)` and the
  /// context's `[r1, r1 + L)` (entry `r1`): both always lie inside a region
  /// (the stack, region 0, and the context, region 1; both writable), so
  /// the check would pass. Anything else keeps its check, with the same
  /// error when it fails.
  ///
  /// Linear in the function per pass; a few passes per loop nest. Gives up
  /// (everything checked) if it has not converged after `maxPasses`.
  public enum RangeAnalysis {
    public static let maxPasses = 64

    /// The facts of every access site of `function` (index: site; sites
    /// past the end, and packet loads, are `.checked`).
    public static func facts(for function: Function, frameSize: Int) -> [AccessFact] {
      var run = makeRun(for: function, frameSize: frameSize)
      for _ in 0..<maxPasses {
        if !run.pass() { return run.facts }
      }
      return [AccessFact](repeating: .checked, count: run.facts.count)
    }

    /// The analysis of `function` before its first pass: one access fact
    /// per site, local functions' entries seeded (their `r1` is not the
    /// context).
    static func makeRun(for function: Function, frameSize: Int) -> Run {
      var sites = 0
      var calleeEntries: [Int] = []
      for op in function.ops {
        switch op {
        case .load(_, _, _, _, _, let site), .store(_, _, _, _, let site),
          .atomic(_, _, _, _, _, _, let site):
          sites = max(sites, site + 1)
        case .callLocal(let l, _): calleeEntries.append(l.id)
        default: break
        }
      }
      var run = Run(function: function, frameSize: Int64(frameSize), siteCount: sites)
      for l in calleeEntries where l >= 0 && l < function.labelCount {
        run.labelIn[l] = .entry(context: false)
      }
      return run
    }
  }
}

extension FunctionIR.RangeAnalysis {
  typealias Op = FunctionIR.Op

  /// One run of the analysis over a function.
  struct Run {
    let function: FunctionIR.Function
    let frameSize: Int64
    var labelIn: [State?]
    var changes: [Int]
    var facts: [FunctionIR.AccessFact]
    var changed = false
    /// Bumped whenever `labelIn[l]` changes.
    var versions: [Int]
    /// Per segment (a label id, or `labelCount` for the start): what its
    /// last visit did (`pass()`).
    var segments: [SegmentRecord?]
    /// Whether segments are recorded: every label appears once.
    let cacheable: Bool
    /// Whether a local call leaves the caller's frame slots alone: no
    /// helper calls (a helper may write through a pointer into the frame)
    /// and every store and atomic of the function goes to its own frame
    /// (`r10` plus a constant inside `[-frameSize, -size]`), so a callee
    /// only ever writes its own frame, below the caller's.
    let callsKeepFrame: Bool
    /// Where widened bounds may stop (`RangeThresholds.swift`).
    let thresholds: [[Int64]]
    /// Joins at a label before it is widened.
    static let joinsBeforeWidening = 3

    init(function: FunctionIR.Function, frameSize: Int64, siteCount: Int) {
      self.function = function
      self.frameSize = frameSize
      labelIn = [State?](repeating: nil, count: function.labelCount)
      changes = [Int](repeating: 0, count: function.labelCount)
      versions = [Int](repeating: 0, count: function.labelCount)
      segments = [SegmentRecord?](repeating: nil, count: function.labelCount + 1)
      facts = [FunctionIR.AccessFact](repeating: .checked, count: siteCount)
      var keep = true
      for op in function.ops {
        switch op {
        case .callHelper, .callHelperIndirect: keep = false
        case .store(let base, let offset, let size, _, _),
          .atomic(_, _, let size, let base, let offset, _, _):
          if base != .r10 || Int64(offset) < -frameSize || Int64(offset) > -Int64(size) {
            keep = false
          }
        default: break
        }
      }
      callsKeepFrame = keep
      var labelSeen = [Bool](repeating: false, count: function.labelCount)
      var once = true
      for case .label(let l) in function.ops {
        if !labelSeen.indices.contains(l.id) || labelSeen[l.id] {
          once = false
        } else {
          labelSeen[l.id] = true
        }
      }
      cacheable = once
      thresholds = FunctionIR.RangeAnalysis.thresholds(function)
    }

    /// One pass in order; whether any label's state changed.
    ///
    /// A segment (the operations from a label, or the function's start, to
    /// the next label) whose input is the same state as at its last visit
    /// does the same work again: the same merges of the same states and
    /// the same facts. Those are recorded (`SegmentRecord`) and replayed
    /// instead of recomputed, so a pass costs little outside the loops
    /// that are still settling; the result is exactly that of computing.
    mutating func pass() -> Bool {
      changed = false
      var seen = [Bool](repeating: false, count: facts.count)
      var current: State? = .entry(context: true)
      // The segment being recorded (its key: a label id, or `labelCount`
      // for the start), or skipped after a replay.
      var key: Int? = cacheable ? function.labelCount : nil
      var record = SegmentRecord(version: 0)
      var skipping = replay(key, &seen)
      if skipping { current = nil }
      for op in function.ops {
        if skipping, case .label = op {
        } else if skipping {
          continue
        }
        switch op {
        case .label(let l):
          if let c = current {
            record.actions.append(.merge(c, l.id, unchangedAt: merge(c, into: l.id)))
          }
          if !skipping, let key { segments[key] = record }
          key = cacheable && labelIn.indices.contains(l.id) ? l.id : nil
          current = labelIn.indices.contains(l.id) ? labelIn[l.id] : nil
          record = SegmentRecord(version: versionOf(l.id))
          skipping = replay(key, &seen)
          if skipping { current = nil }
        case .jump(let l):
          if let c = current {
            record.actions.append(.merge(c, l.id, unchangedAt: merge(c, into: l.id)))
          }
          current = nil
        case .branch(let cond, let w, let lhs, let rhs, let l):
          guard let c = current else { continue }
          if let t = refine(c, cond, w, lhs, rhs, taken: true) {
            record.actions.append(.merge(t, l.id, unchangedAt: merge(t, into: l.id)))
          }
          current = refine(c, cond, w, lhs, rhs, taken: false)
        case .return:
          current = nil
        case .charge(_, let l):
          if let c = current {
            record.actions.append(.merge(c, l.id, unchangedAt: merge(c, into: l.id)))
          }
        default:
          guard var c = current else { continue }
          current = nil  // `c` is the only reference: changed in place
          if let (site, fact) = transfer(op, &c) {
            note(site, fact, &seen)
            record.actions.append(.fact(site, fact))
          }
          current = c
        }
      }
      if !skipping, let key { segments[key] = record }
      for i in facts.indices where !seen[i] { facts[i] = .checked }
      return changed
    }

    /// What a segment did at its last visit, from an input of `version`.
    struct SegmentRecord {
      enum Action {
        /// `unchangedAt`: the label's version after this merge, when
        /// the merge changed nothing (the same merge into the same
        /// version changes nothing again: `join` is a function of the
        /// two states and the label's join count, which only grows with
        /// its version).
        case merge(State, Int, unchangedAt: Int?)
        case fact(Int, FunctionIR.AccessFact)
      }
      var version: Int
      var actions: [Action] = []
    }

    /// The version of label `l`'s state (0 for the function's start).
    func versionOf(_ l: Int) -> Int { versions.indices.contains(l) ? versions[l] : 0 }

    /// Replays segment `key`'s record if its input has not changed since;
    /// whether it did.
    mutating func replay(_ key: Int?, _ seen: inout [Bool]) -> Bool {
      guard let key, var r = segments[key], r.version == versionOf(key) else { return false }
      segments[key] = nil  // `r` is the only reference while its stamps change
      for i in r.actions.indices {
        switch r.actions[i] {
        case .merge(let s, let l, let stamp):
          if let stamp, stamp == versionOf(l) { continue }
          r.actions[i] = .merge(s, l, unchangedAt: merge(s, into: l))
        case .fact(let site, let fact): note(site, fact, &seen)
        }
      }
      segments[key] = r
      return true
    }

    /// Records `fact` for `site`: the weakest of the pass's visits.
    mutating func note(_ site: Int, _ fact: FunctionIR.AccessFact, _ seen: inout [Bool]) {
      facts[site] = seen[site] && facts[site].rawValue < fact.rawValue ? facts[site] : fact
      seen[site] = true
    }

    /// Joins `s` into label `l`'s state; the label's version when that
    /// changed nothing (nil when it changed the state, or `l` is no label).
    mutating func merge(_ s: State, into l: Int) -> Int? {
      guard labelIn.indices.contains(l) else { return nil }
      guard let old = labelIn[l] else {
        labelIn[l] = s
        versions[l] += 1
        changed = true
        return nil
      }
      let widen = changes[l] >= Self.joinsBeforeWidening
      let stepping =
        changes[l] < Self.joinsBeforeWidening + FunctionIR.RangeAnalysis.thresholdSteps
      guard let new = join(old, s, widen: widen, thresholds: stepping ? thresholds : []) else {
        return versions[l]
      }
      labelIn[l] = new
      versions[l] += 1
      changes[l] += 1
      changed = true
      return nil
    }

    /// What `base + offset` of `size` bytes is known to be in `s`.
    func fact(_ base: FunctionIR.Register, _ offset: Int32, size: Int, in s: State)
      -> FunctionIR.AccessFact
    {
      let v = s[base]
      guard v.base != .scalar else { return .checked }
      let (lo0, hi0) = s.range(of: v)
      let loose: FunctionIR.AccessFact = v.base == .context ? .context : .checked
      guard lo0 != .min, let lo = add(lo0, Int64(offset)),
        let end = hi0?.adding(Int64(offset) + Int64(size))
      else { return loose }
      switch v.base {
      case .frame:
        guard let e = end.constantValue, lo >= -frameSize, e <= 0 else { return loose }
        return .proven
      case .context:
        return lo >= 0 && end.isAtMostLength(lmin: s.lmin) ? .proven : .context
      case .scalar:
        return .checked
      }
    }

    /// Applies `op` (not a label or a jump) to `s`; for an access, its site and fact.
    func transfer(_ op: Op, _ s: inout State) -> (Int, FunctionIR.AccessFact)? {
      switch op {
      case .alu(let o, let w, let dst, let src):
        alu(o, w, dst, src, &s)
      case .negate(let w, let dst):
        let a = s[dst]
        var v = full32
        if w == .w64 {
          v = .unknown
          if a.base == .scalar, a.lo != .min, let h = a.hiConstant, a.lo != .min {
            v = interval(-h, -a.lo)
          }
          if a.base == .scalar { v.relation = relation(a.relation, times: -1) }
        }
        s.assign(dst, v)
      case .signExtend(let w, let dst, _, _):
        s.assign(dst, w == .w64 ? .unknown : full32)
      case .zeroExtend(let dst, let bits):
        let a = s[dst]
        if bits < 64 {
          let m = (Int64(1) << bits) - 1
          let keep = a.base == .scalar && a.lo >= 0 && (a.hiConstant.map { $0 <= m } ?? false)
          if !keep { s.assign(dst, interval(0, m)) }
        }
      case .byteSwap(let dst, let bits):
        s.assign(dst, bits < 64 ? interval(0, (Int64(1) << bits) - 1) : .unknown)
      case .constant(let dst, let value):
        s.assign(dst, .constant(Int64(bitPattern: value)))
      case .load(let dst, let base, let offset, let size, let signExtend, let site):
        let f = fact(base, offset, size: size, in: s)
        var v = Value.unknown
        if !signExtend && size < 8 { v = interval(0, (Int64(1) << (8 * size)) - 1) }
        let b = s[base]
        if size == 8, b.base == .frame, let o = b.constantValue,
          let slot = s.slots.first(where: { $0.offset == o + Int64(offset) })
        {
          v = slot.value
        }
        s.assign(dst, v)
        return (site, f)
      case .store(let base, let offset, let size, let value, let site):
        let f = fact(base, offset, size: size, in: s)
        store(base, offset, size: size, f, &s)
        if size == 8, case .register(let r) = value, s[base].base == .frame,
          let o = s[base].constantValue
        {
          var v = s[r]
          v.pair = nil
          if v.relation == nil, v.base == .scalar {
            v.relation = Relation(register: r.index, stride: 1, offset: 0)
          }
          s.slots.append(Slot(offset: o + Int64(offset), value: v))
        }
        return (site, f)
      case .atomic(let a, let fetch, let size, let base, let offset, let source, let site):
        let f = fact(base, offset, size: size, in: s)
        store(base, offset, size: size, f, &s)
        if fetch || a == .xchg { s.assign(source, size == 4 ? full32 : .unknown) }
        if a == .cmpxchg { s.assign(.r0, size == 4 ? full32 : .unknown) }
        return (site, f)
      case .packetLoad:
        for r in 0...5 { s.assign(FunctionIR.Register(UInt8(r)), .unknown) }
      case .callHelper, .callHelperIndirect:
        for r in 0...5 { s.assign(FunctionIR.Register(UInt8(r)), .unknown) }
        s.slots.removeAll()
      case .callLocal:
        for r in 0...5 { s.assign(FunctionIR.Register(UInt8(r)), .unknown) }
        if !callsKeepFrame { s.slots.removeAll() }
      case .label, .jump, .branch, .return, .budget, .poll, .charge, .refund:
        break
      }
      return nil
    }

    /// What a store does to the frame slots.
    func store(
      _ base: FunctionIR.Register, _ offset: Int32, size: Int, _ f: FunctionIR.AccessFact,
      _ s: inout State
    ) {
      let b = s[base]
      switch b.base {
      case .frame:
        let (lo, hi) = s.range(of: b)
        let l = lo == .min ? nil : add(lo, Int64(offset))
        let h = hi?.constantValue.flatMap { add($0, Int64(offset)) }
        s.clobberFrame(l, h, size: Int64(size))
      case .context where f == .proven:
        break
      default:
        // It may land in the frame: what the slots held is gone, but a
        // base with an unknown offset is still true of any value (and
        // still says which region to try first).
        s.slots.removeAll { $0.value.base == .scalar }
        for i in s.slots.indices {
          s.slots[i].value = Value(base: s.slots[i].value.base, lo: .min, hi: nil)
        }
      }
    }

    func alu(
      _ op: BinaryOperation, _ w: FunctionIR.Width, _ dst: FunctionIR.Register,
      _ src: FunctionIR.Operand, _ s: inout State
    ) {
      let a = s[dst]
      let b = s.value(src, w)
      var bRegister: UInt8? = nil
      if case .register(let r) = src { bRegister = r.index }
      if w == .w32 {
        s.assign(dst, alu32(op, a, b))
        return
      }
      // dst = dst ± constant: relations on dst follow it.
      if op == .add || op == .sub, b.base == .scalar, let c = b.constantValue,
        op == .add || c != .min, bRegister != dst.index
      {
        let d = op == .add ? c : -c
        var v = adding(a, d)
        v.relation = v.relationMentions(dst.index) ? nil : v.relation
        s.shift(dst.index, by: d)
        s[dst] = v
        return
      }
      if let y = bRegister, y != dst.index, b.base == .scalar {
        if op == .add || op == .sub {
          addRegister(op == .add ? 1 : -1, dst, y, &s)
          return
        }
        if op == .move, b.relation?.mentions(dst.index) ?? true {
          // dst = y: tied to y itself when y's own relation is on dst.
          var v = b
          v.relation = Relation(register: y, stride: 1, offset: 0)
          s.assign(dst, v)
          return
        }
      }
      s.assign(
        dst, alu64(op, a, b, lmin: s.lmin, bRegister: bRegister == dst.index ? nil : bRegister))
    }

    /// `x += sign * r[y]` at 64 bits for a scalar `y != x`: relations on
    /// `x` follow it (`substitute`), and when the sum of the signed views
    /// cannot wrap, `x` gets its range from the pair `x + sign * y` it had
    /// and the pair `x - sign * y = x_old` (the old interval).
    func addRegister(
      _ sign: Int64, _ x: FunctionIR.Register, _ y: UInt8, _ s: inout State
    ) {
      let a = s[x]
      let b = s.registers[Int(y)]
      var v = alu64(
        sign == 1 ? .add : .sub, a, b, lmin: s.lmin, bRegister: y)
      if v.relationMentions(x.index) { v.relation = nil }
      if v.pairRegister == x.index { v.pair = nil }
      if a.base == .scalar {
        let (lo, hi) = s.pairRange(x.index, sign, y)
        let noWrap = (lo != .min && hi != nil) || (sign == -1 && a.lo >= 0 && b.lo >= 0)
        if noWrap {
          v.lo = max(v.lo, lo)
          v.hi = Bound.meet(v.hi, hi, lmin: s.lmin)
          if let h = v.hi?.constantValue, h < v.lo { v.hi = Bound.constant(v.lo) }
          if a.lo != .min || a.hi != nil {
            v.pair = Pair(register: y, sign: -sign, lo: a.lo, hi: a.hi)
          }
        }
      }
      // Both tied to the same registers, cancelling: a constant.
      if a.base == .scalar, let fa = Form(a),
        case let fb = Form(b) ?? Form(register: y), case let f = fa.plus(sign, fb),
        f.isConstant
      {
        v = .constant(f.offset)
      }
      s.substitute(x.index, sign, y)
      s[x] = v
    }
  }
}
