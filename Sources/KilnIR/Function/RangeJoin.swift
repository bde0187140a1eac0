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
      // Equal values join to themselves (`joinValue`'s first test): the
      // common case at a label, compared in place without copying them.
      if old.registers.withUnsafeBufferPointer({ a in
        new.registers.withUnsafeBufferPointer { b in i < b.count && a[i] == b[i] }
      }) {
        continue
      }
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
    if let r = a.relation, r == b.relation || satisfies(b, r, sb) || substituted(b, r, sb) {
      v.relation = r
    } else if !widen, let r = b.relation, satisfies(a, r, sa) || substituted(a, r, sa) {
      v.relation = r
    } else if !widen {
      v.relation = inferRelation(a, b, sa, sb, exclude: exclude)
    }
    if a.base == .scalar, let p = a.pair, let q = b.pair, p.register == q.register,
      p.sign == q.sign
    {
      var lo = min(p.lo, q.lo)
      var hi = Bound.join(p.hi, q.hi, lmin: lmin)
      if widen {
        if lo < p.lo { lo = .min }
        if hi != p.hi { hi = nil }
      }
      if lo != .min || hi != nil {
        v.pair = Pair(register: p.register, sign: p.sign, lo: lo, hi: hi)
      }
    }
    return v
  }

  /// Whether `r` holds of `v` in `s` because replacing one of its
  /// registers by that register's own relation in `s` gives `v`'s relation
  /// (or its exact value): both sides are the same number mod 2^64.
  static func substituted(_ v: Value, _ r: Relation, _ s: State) -> Bool {
    let fr = Form(relation: r)
    let fv = v.relation.map { Form(relation: $0) }
    func holds(_ x: UInt8, _ c: Int64) -> Bool {
      // (A pointer's relation is about its offset, not its value.)
      guard c != 0, s.registers[Int(x)].base == .scalar, let q = s.registers[Int(x)].relation,
        !q.mentions(x)
      else { return false }
      // r - c * x + c * q
      let m = fr.plus(-c, Form(register: x)).plus(c, Form(relation: q))
      if let fv, m == fv { return true }
      if m.isConstant, let e = v.constantValue, e == m.offset { return true }
      return false
    }
    return holds(r.register, r.stride) || holds(r.register2, r.stride2)
  }

  /// Whether the exact value `v` is `offset + stride * r[j]` in `s`.
  static func satisfies(_ v: Value, _ r: Relation, _ s: State) -> Bool {
    let j = s.registers[Int(r.register)]
    guard let e = v.constantValue, j.base == .scalar, let x = j.constantValue,
      let p = mul(r.stride, x), var sum = add(r.offset, p)
    else { return false }
    if r.stride2 != 0 {
      let k = s.registers[Int(r.register2)]
      guard k.base == .scalar, let y = k.constantValue, let p2 = mul(r.stride2, y),
        let s2 = add(sum, p2)
      else { return false }
      sum = s2
    }
    return sum == e
  }

  /// A linear form `offset + Σ coefficient * register` (mod 2^64), one
  /// coefficient per register (no allocation).
  struct Form: Equatable {
    var offset: Int64
    var terms: InlineArray<11, Int64> = InlineArray(repeating: 0)

    init(offset: Int64) { self.offset = offset }

    /// `r` alone.
    init(register r: UInt8) {
      offset = 0
      terms[Int(r)] = 1
    }

    init(relation r: Relation) {
      offset = r.offset
      terms[Int(r.register)] = r.stride
      if r.stride2 != 0 { terms[Int(r.register2)] &+= r.stride2 }
    }

    /// `v` as a form: its exact value, or its relation.
    init?(_ v: Value) {
      if let c = v.constantValue {
        offset = c
      } else if let r = v.relation {
        offset = r.offset
        terms[Int(r.register)] = r.stride
        if r.stride2 != 0 { terms[Int(r.register2)] &+= r.stride2 }
      } else {
        return nil
      }
    }

    static func == (a: Form, b: Form) -> Bool {
      guard a.offset == b.offset else { return false }
      for i in 0..<11 where a.terms[i] != b.terms[i] { return false }
      return true
    }

    var isConstant: Bool {
      for i in 0..<11 where terms[i] != 0 { return false }
      return true
    }

    /// `self + m * other`.
    func plus(_ m: Int64, _ other: Form) -> Form {
      var out = self
      out.offset = offset &+ m &* other.offset
      for i in 0..<11 { out.terms[i] = terms[i] &+ m &* other.terms[i] }
      return out
    }

    /// As a relation (one or two terms, numbers within `Bound.limit`).
    var relation: Relation? {
      var first: (UInt8, Int64)? = nil
      var second: (UInt8, Int64) = (0, 0)
      for i in 0..<11 where terms[i] != 0 {
        if first == nil {
          first = (UInt8(i), terms[i])
        } else if second.1 == 0 {
          second = (UInt8(i), terms[i])
        } else {
          return nil
        }
      }
      guard let first else { return nil }
      return Relation.linear(offset, first, second)
    }
  }

  /// Two values `a`, `b` on two edges that differ by `s` times what a
  /// register `j` differs by (as linear forms: exact values or relations):
  /// then `v = a - s * j_a + s * j` on both edges (at `a`'s edge it is
  /// `a`; at `b`'s it is `a + s * (j_b - j_a) = b`). With exact values, the
  /// line through two points (a pointer that advances with a loop counter).
  static func inferRelation(_ a: Value, _ b: Value, _ sa: State, _ sb: State, exclude: Int)
    -> Relation?
  {
    guard let fa = Form(a), let fb = Form(b) else { return nil }
    let dv = fb.plus(-1, fa)
    guard dv != Form(offset: 0) else { return nil }
    for j in 0..<sa.registers.count where j != exclude && j != 10 {
      let x = sa.registers[j]
      let y = sb.registers[j]
      guard x.base == .scalar, y.base == .scalar else { continue }
      // The same form on both edges (the same constant, or no constant and
      // the same relation, or none): `dj` is zero, nothing to find.
      let cx = x.constantValue
      if cx == y.constantValue, cx != nil || x.relation == y.relation { continue }
      guard let ja = Form(x), let jb = Form(y) else { continue }
      let dj = jb.plus(-1, ja)
      // s from one nonzero part of dj, checked on all of them.
      var s: Int64? = nil
      func quotient(_ d: Int64, _ c: Int64) -> Int64? {
        let (q, o) = d.dividedReportingOverflow(by: c)
        let (m, o2) = d.remainderReportingOverflow(dividingBy: c)
        return o || o2 || m != 0 ? nil : q
      }
      if dj.offset != 0 {
        s = quotient(dv.offset, dj.offset)
      } else if let r = (0..<11).first(where: { dj.terms[$0] != 0 }) {
        s = quotient(dv.terms[r], dj.terms[r])
      } else {
        continue
      }
      guard let s, s != 0, s >= -Bound.limit, s <= Bound.limit,
        Form(offset: 0).plus(s, dj) == dv
      else { continue }
      var out = fa.plus(-s, ja)
      out.terms[j] &+= s
      guard exclude < 0 || out.terms[exclude] == 0, let r = out.relation else { continue }
      return r
    }
    return nil
  }
}
