extension FunctionIR.RangeAnalysis {
  static let full32 = Value.range(0, 0xFFFF_FFFF)

  /// `[lo, hi]` from two `Int64` ends, or unknown when they do not make one.
  static func interval(_ lo: Int64?, _ hi: Int64?, base: Value.Base = .scalar) -> Value {
    guard let lo, let hi, lo <= hi, let b = Bound.constant(hi) else {
      return base == .scalar ? .unknown : Value(base: base, lo: .min, hi: nil)
    }
    return Value(base: base, lo: lo, hi: b, exact: lo == hi ? b : nil, relation: nil)
  }

  static func add(_ a: Int64, _ b: Int64) -> Int64? {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? nil : r
  }

  static func mul(_ a: Int64, _ b: Int64) -> Int64? {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    return o ? nil : r
  }

  static func relation(_ r: Relation?, plus d: Int64) -> Relation? {
    guard var r, let o = add(r.offset, d), o >= -Bound.limit, o <= Bound.limit else { return nil }
    r.offset = o
    return r
  }

  static func relation(_ r: Relation?, times m: Int64) -> Relation? {
    guard var r, let s = mul(r.stride, m), let o = mul(r.offset, m), let s2 = mul(r.stride2, m),
      o >= -Bound.limit, o <= Bound.limit, s >= -Bound.limit, s <= Bound.limit,
      s2 >= -Bound.limit, s2 <= Bound.limit, s != 0
    else { return nil }
    r.stride = s
    r.offset = o
    r.stride2 = s2
    return r
  }

  /// `a + sign * b` (`sign` 1 or -1), when it has at most two terms.
  static func relation(_ a: Relation, plus sign: Int64, _ b: Relation) -> Relation? {
    guard let o = add(a.offset, sign * b.offset) else { return nil }
    return Relation.linear(
      o, (a.register, a.stride), (a.register2, a.stride2), (b.register, sign * b.stride)
    )
    .flatMap { r in
      b.stride2 == 0
        ? r
        : Relation.linear(
          r.offset, (r.register, r.stride), (r.register2, r.stride2),
          (b.register2, sign * b.stride2))
    }
  }

  /// `a + d` for a constant `d` (the base stays).
  static func adding(_ a: Value, _ d: Int64) -> Value {
    guard a.lo != .min, let lo = add(a.lo, d), let hi = a.hi?.adding(d) else {
      var v = a.base == .scalar ? Value.unknown : Value(base: a.base, lo: .min, hi: nil)
      v.relation = relation(a.relation, plus: d)
      return v
    }
    return Value(
      base: a.base, lo: lo, hi: hi, exact: a.exact?.adding(d),
      relation: relation(a.relation, plus: d))
  }

  /// `a * m` for a constant `m`, scalars only.
  static func multiplying(_ a: Value, _ m: Int64) -> Value {
    guard a.base == .scalar else { return .unknown }
    var v = Value.unknown
    if m >= 0, a.lo >= 0, let lo = mul(a.lo, m), let hi = a.hi?.scaled(m) {
      v = Value(base: .scalar, lo: lo, hi: hi, exact: a.exact?.scaled(m), relation: nil)
    } else if a.lo != .min, let h = a.hiConstant, let p1 = mul(a.lo, m), let p2 = mul(h, m) {
      v = interval(min(p1, p2), max(p1, p2))
    }
    v.relation = relation(a.relation, times: m)
    return v
  }

  /// `a >> s` (logical) for a constant `s` in `0..<64`.
  static func shiftingRight(_ a: Value, _ s: Int64) -> Value {
    guard a.base == .scalar, a.lo >= 0 else {
      return s == 0 ? .unknown : interval(0, Int64.max >> (s - 1))
    }
    guard let hi = a.hi?.shiftedRight(s, exact: false) else {
      return interval(a.lo >> s, Int64.max >> s)
    }
    return Value(
      base: .scalar, lo: a.lo >> s, hi: hi, exact: a.exact?.shiftedRight(s, exact: true),
      relation: nil)
  }

  /// `a op b` at 64 bits, `b` from register `bRegister` when it is one.
  static func alu64(
    _ op: BinaryOperation, _ a: Value, _ b: Value, lmin: Int64, bRegister: UInt8?
  ) -> Value {
    let bConst = b.base == .scalar ? b.constantValue : nil
    switch op {
    case .move:
      var v = b
      if v.relation == nil, v.base == .scalar, let r = bRegister {
        v.relation = Relation(register: r, stride: 1, offset: 0)
      }
      return v
    case .add, .sub:
      if let c = bConst, op == .add || c != .min { return adding(a, op == .add ? c : -c) }
      return addingValues(op, a, b, lmin: lmin, bRegister: bRegister)
    case .multiply:
      if let m = bConst { return multiplying(a, m) }
      return .unknown
    case .shiftLeft:
      if let c = bConst { return multiplying(a, Int64(1) << (c & 63)) }
      return .unknown
    case .shiftRightLogical:
      if let c = bConst { return shiftingRight(a, c & 63) }
      return .unknown
    case .shiftRightArithmetic:
      if let c = bConst, a.base == .scalar, a.lo >= 0 { return shiftingRight(a, c & 63) }
      return .unknown
    case .and:
      var hi: Bound? = nil
      var known = false
      if b.base == .scalar, b.lo >= 0 {
        hi = b.hi
        known = true
      }
      if a.base == .scalar, a.lo >= 0 {
        hi = known ? Bound.meet(hi, a.hi, lmin: lmin) : a.hi
        known = true
      }
      guard known, let hi else { return known ? interval(0, .max) : .unknown }
      return Value(base: .scalar, lo: 0, hi: hi, exact: nil, relation: nil)
    case .or, .xor:
      guard a.base == .scalar, b.base == .scalar, a.lo >= 0, b.lo >= 0,
        let h1 = a.hiConstant, let h2 = b.hiConstant
      else { return .unknown }
      let m = max(h1, h2)
      let bits = 64 - m.leadingZeroBitCount
      return interval(0, bits >= 63 ? .max : (Int64(1) << bits) - 1)
    case .divideUnsigned:
      guard let d = bConst, d > 0, a.base == .scalar, a.lo >= 0 else { return .unknown }
      if d & (d - 1) == 0 { return shiftingRight(a, Int64(d.trailingZeroBitCount)) }
      return interval(a.lo / d, a.hiConstant.map { $0 / d } ?? .max / d)
    case .remainderUnsigned:
      guard let d = bConst, d > 0 else { return .unknown }
      if a.base == .scalar, a.lo >= 0, let h = a.hiConstant, h < d { return a }
      return interval(0, d - 1)
    case .setLessThan, .setLessThanUnsigned:
      return interval(0, 1)
    default:
      return .unknown
    }
  }

  /// `a ± b` for two values (pointers or scalars).
  static func addingValues(
    _ op: BinaryOperation, _ a: Value, _ b: Value, lmin: Int64, bRegister: UInt8?
  ) -> Value {
    let base: Value.Base
    switch (a.base, b.base, op) {
    case (_, .scalar, _): base = a.base
    case (.scalar, _, .add): base = b.base
    case (let x, let y, .sub) where x == y: base = .scalar
    default: return .unknown
    }
    var v = base == .scalar ? Value.unknown : Value(base: base, lo: .min, hi: nil)
    if op == .add {
      if a.lo != .min, b.lo != .min, let lo = add(a.lo, b.lo), let h1 = a.hi, let h2 = b.hi,
        let hi = h1.adding(h2)
      {
        v.lo = lo
        v.hi = hi
        if let e1 = a.exact, let e2 = b.exact { v.exact = e1.adding(e2) }
      }
      // exact + (offset + stride * j)
      let bRelation =
        b.relation
        ?? (b.base == .scalar
          ? bRegister.map { Relation(register: $0, stride: 1, offset: 0) } : nil)
      if let e = a.constantValue, b.base == .scalar {
        v.relation = relation(bRelation, plus: e)
      } else if let e = b.constantValue, b.base == .scalar {
        v.relation = relation(a.relation, plus: e)
      } else if let ra = a.relation, let rb = bRelation, b.base == .scalar {
        v.relation = relation(ra, plus: 1, rb)
      }
    } else {
      // (offset + terms) - (y's terms), for a scalar y
      if b.base == .scalar,
        let rb = b.relation
          ?? bRegister.map({
            Relation(register: $0, stride: 1, offset: 0)
          })
      {
        if let ra = a.relation {
          v.relation = relation(ra, plus: -1, rb)
        } else if let e = a.constantValue {
          v.relation = relation(relation(rb, times: -1), plus: e)
        }
      }
      if a.lo != .min, let h2 = b.hiConstant, let lo = add(a.lo, -h2), b.lo != .min,
        let hi = a.hi?.adding(-b.lo)
      {
        v.lo = lo
        v.hi = hi
      }
    }
    return v
  }

  /// `a op b` at 32 bits: exact while nothing leaves `[0, 2^32)`.
  static func alu32(_ op: BinaryOperation, _ a: Value, _ b: Value) -> Value {
    func plain(_ v: Value) -> Value {
      Value(
        base: .scalar, lo: v.lo, hi: v.hi, exact: v.exact?.constantValue != nil ? v.exact : nil,
        relation: nil)
    }
    if op == .move { return b.fits32 ? plain(b) : full32 }
    if op == .and, b.fits32 || a.fits32 {
      let h = min(a.fits32 ? a.hiConstant ?? .max : .max, b.fits32 ? b.hiConstant ?? .max : .max)
      return interval(0, h)
    }
    guard a.fits32, b.fits32 else { return full32 }
    var bb = plain(b)
    switch op {
    case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
      guard let c = b.constantValue else { return full32 }
      bb = .constant(c & 31)
    default: break
    }
    let r = alu64(op, plain(a), bb, lmin: 0, bRegister: nil)
    return r.fits32 ? plain(r) : full32
  }
}
