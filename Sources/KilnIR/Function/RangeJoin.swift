extension FunctionIR.RangeAnalysis {
  /// The state that holds on both incoming edges (`old` is what the label
  /// had; with `widen`, anything still changing is given up, so that loops
  /// converge), or nil when that is `old` itself. The common case at a
  /// label that has settled allocates nothing: `out` shares `old`'s arrays
  /// until a value really changes.
  /// `thresholds`: where a widened bound of each register may stop
  /// (`RangeThresholds.swift`; none: given up).
  static func join(_ old: State, _ new: State, widen: Bool, thresholds: [[Int64]] = []) -> State? {
    var out = old
    out.lmin = widen && new.lmin < old.lmin ? 0 : min(old.lmin, new.lmin)
    var changed = out.lmin != old.lmin
    for i in 0..<old.registers.count {
      let v = joinValue(
        old.registers[i], new.registers[i], old, new, exclude: i, lmin: out.lmin, widen: widen,
        thresholds: i < thresholds.count ? thresholds[i] : [])
      if v != old.registers[i] {
        out.registers[i] = v
        changed = true
      }
    }
    // A slot stays when both edges have it and the join knows something.
    func joinedSlot(_ s: Slot) -> Slot? {
      guard let t = new.slots.first(where: { $0.offset == s.offset }) else { return nil }
      let v = joinValue(s.value, t.value, old, new, exclude: -1, lmin: out.lmin, widen: widen)
      return v == .unknown ? nil : Slot(offset: s.offset, value: v)
    }
    if !old.slots.allSatisfy({ joinedSlot($0) == $0 }) {
      out.slots = old.slots.compactMap(joinedSlot)
      changed = true
    }
    return changed ? out : nil
  }

  static func joinValue(
    _ a: Value, _ b: Value, _ sa: State, _ sb: State, exclude: Int, lmin: Int64, widen: Bool,
    thresholds: [Int64] = []
  ) -> Value {
    if a == b { return a }
    guard a.base == b.base else { return .unknown }
    var v = Value(
      base: a.base, lo: min(a.lo, b.lo), hi: Bound.join(a.hi, b.hi, lmin: lmin),
      exact: a.exact == b.exact ? a.exact : nil, relation: nil)
    if widen {
      if v.hi != a.hi {
        v.hi = v.hi?.constantValue.flatMap { threshold(atLeast: $0, thresholds) }
          .flatMap { Bound.constant($0) }
      }
      if v.lo < a.lo { v.lo = threshold(atMost: v.lo, thresholds) }
    }
    if let r = a.relation, r == b.relation || satisfies(b, r, sb) {
      v.relation = r
    } else if !widen, let r = b.relation, satisfies(a, r, sa) {
      v.relation = r
    } else if !widen {
      v.relation = inferRelation(a, b, sa, sb, exclude: exclude)
    }
    return v
  }

  /// Whether the exact value `v` is `offset + stride * r[j]` in `s`.
  static func satisfies(_ v: Value, _ r: Relation, _ s: State) -> Bool {
    let j = s.registers[Int(r.register)]
    guard let e = v.constantValue, j.base == .scalar, let x = j.constantValue,
      let p = mul(r.stride, x), let sum = add(r.offset, p)
    else { return false }
    return sum == e
  }

  /// Two exact values on two edges, and a register with two different
  /// exact values there: the line through both points, when its stride is
  /// a whole number (a pointer that advances with a loop counter).
  static func inferRelation(_ a: Value, _ b: Value, _ sa: State, _ sb: State, exclude: Int)
    -> Relation?
  {
    guard let ea = a.constantValue, let eb = b.constantValue, ea != eb else { return nil }
    for j in 0..<sa.registers.count where j != exclude && j != 10 {
      let x = sa.registers[j]
      let y = sb.registers[j]
      guard x.base == .scalar, y.base == .scalar, let ja = x.constantValue,
        let jb = y.constantValue, ja != jb, let dv = add(eb, -ea), let dj = add(jb, -ja),
        dv % dj == 0
      else { continue }
      let s = dv / dj
      guard let p = mul(s, ja), let o = add(ea, -p), o >= -Bound.limit, o <= Bound.limit,
        s >= -Bound.limit, s <= Bound.limit
      else { continue }
      return Relation(register: UInt8(j), stride: s, offset: o)
    }
    return nil
  }
}
