extension FunctionIR.RangeAnalysis {
  /// `lhs < rhs` (strict) or `<=`, signed or unsigned.
  struct Order {
    var strict: Bool
    var signed: Bool
  }

  /// The state on one edge of a branch (nil: the edge cannot be taken).
  /// Only scalars are refined; anything else passes unchanged.
  static func refine(
    _ s: State, _ cond: Condition, _ w: FunctionIR.Width, _ lhs: FunctionIR.Register,
    _ rhs: FunctionIR.Operand, taken: Bool
  ) -> State? {
    var x = s[lhs]
    var y = s.value(rhs, w)
    guard x.base == .scalar, y.base == .scalar else { return s }
    var rhsRegister: FunctionIR.Register? = nil
    if case .register(let r) = rhs { rhsRegister = r }
    if rhsRegister == lhs { return s }
    // The relation that holds on this edge, as lhs R rhs.
    enum Relation {
      case less(Order)
      case greater(Order)
      case equal, notEqual, other
    }
    var relation: Relation
    switch (cond, taken) {
    case (.equal, true), (.notEqual, false): relation = .equal
    case (.notEqual, true), (.equal, false): relation = .notEqual
    case (.lessThan, true), (.greaterOrEqual, false):
      relation = .less(Order(strict: cond == .lessThan, signed: true))
    case (.lessOrEqual, true), (.greaterThan, false):
      relation = .less(Order(strict: cond == .greaterThan, signed: true))
    case (.greaterThan, true), (.lessOrEqual, false):
      relation = .greater(Order(strict: cond == .greaterThan, signed: true))
    case (.greaterOrEqual, true), (.lessThan, false):
      relation = .greater(Order(strict: cond == .lessThan, signed: true))
    case (.lessThanUnsigned, true), (.greaterOrEqualUnsigned, false):
      relation = .less(Order(strict: cond == .lessThanUnsigned, signed: false))
    case (.lessOrEqualUnsigned, true), (.greaterThanUnsigned, false):
      relation = .less(Order(strict: cond == .greaterThanUnsigned, signed: false))
    case (.greaterThanUnsigned, true), (.lessOrEqualUnsigned, false):
      relation = .greater(Order(strict: cond == .greaterThanUnsigned, signed: false))
    case (.greaterOrEqualUnsigned, true), (.lessThanUnsigned, false):
      relation = .greater(Order(strict: cond == .lessThanUnsigned, signed: false))
    default: relation = .other
    }
    // `le` taken is not strict; `gt` not taken is `le`: strictness is
    // whether the relation on this edge is strict.
    let strictOnEdge =
      switch (cond, taken) {
      case (.lessThan, true), (.greaterThan, true), (.lessThanUnsigned, true),
        (.greaterThanUnsigned, true), (.greaterOrEqual, false), (.lessOrEqual, false),
        (.greaterOrEqualUnsigned, false), (.lessOrEqualUnsigned, false):
        true
      default: false
      }
    switch relation {
    case .less(var o), .greater(var o):
      o.strict = strictOnEdge
      if w == .w32 {
        // The low halves compare like the whole values when both are small.
        let limit: Int64 = o.signed ? 0x7FFF_FFFF : 0xFFFF_FFFF
        guard x.lo >= 0, y.lo >= 0, let hx = x.hiConstant, let hy = y.hiConstant,
          hx <= limit, hy <= limit
        else { return s }
      }
      let ok: Bool
      if case .less = relation {
        ok = less(&x, &y, o, lmin: s.lmin)
      } else {
        ok = less(&y, &x, o, lmin: s.lmin)
      }
      guard ok else { return nil }
    case .equal:
      if w == .w32, !(x.fits32 && y.fits32) { return s }
      let lo = max(x.lo, y.lo)
      let hi = Bound.meet(x.hi, y.hi, lmin: s.lmin)
      if let h = hi?.constantValue, h < lo { return nil }
      x.lo = lo
      x.hi = hi
      y.lo = lo
      y.hi = hi
      if x.exact == nil { x.exact = y.exact }
      if y.exact == nil { y.exact = x.exact }
    case .notEqual:
      if w == .w32, !(x.fits32 && y.fits32) { return s }
      // Only a constant at an end of the other's interval moves it.
      func exclude(_ v: inout Value, _ c: Int64) {
        if v.lo == c, c != .max { v.lo = c + 1 }
        if let h = v.hiConstant, h == c, v.lo != .min, h > v.lo { v.hi = Bound.constant(h - 1) }
      }
      if let c = y.constantValue { exclude(&x, c) }
      if let c = x.constantValue { exclude(&y, c) }
      if let h = x.hiConstant, h < x.lo { return nil }
      if let h = y.hiConstant, h < y.lo { return nil }
    case .other:
      return s
    }
    // Two registers: what the edge says about `lhs - rhs` (as integers:
    // an unsigned order is the signed one when both are non-negative).
    if let r = rhsRegister, w == .w64 {
      var d: (lo: Int64, hi: Int64?)? = nil
      switch relation {
      case .less(let o) where o.signed || (x.lo >= 0 && y.lo >= 0):
        d = (.min, strictOnEdge ? -1 : 0)
      case .greater(let o) where o.signed || (x.lo >= 0 && y.lo >= 0):
        d = (strictOnEdge ? 1 : 0, nil)
      case .equal: d = (0, 0)
      default: break
      }
      if let d {
        var p = Pair(register: r.index, sign: -1, lo: d.lo, hi: d.hi.flatMap { Bound.constant($0) })
        if let q = x.pair, q.register == r.index, q.sign == -1 {
          p.lo = max(p.lo, q.lo)
          p.hi = Bound.meet(p.hi, q.hi, lmin: s.lmin)
        }
        x.pair = p
      }
    }
    var out = s
    // Values the edge did not change stay as they are: no copy of the
    // registers (compared in place).
    let same = s.registers.withUnsafeBufferPointer { b in
      b[Int(lhs.index)] == x && (rhsRegister.map { b[Int($0.index)] == y } ?? true)
    }
    if !same {
      out[lhs] = x
      if let r = rhsRegister { out[r] = y }
    }
    out.learnLength(from: x)
    out.learnLength(from: y)
    return out
  }

  /// Refines `x < y` (or `<=`); false when that cannot hold.
  static func less(_ x: inout Value, _ y: inout Value, _ o: Order, lmin: Int64) -> Bool {
    let step: Int64 = o.strict ? 1 : 0
    if o.signed {
      if let yh = y.hi, let h = yh.adding(-step) { x.hi = Bound.meet(x.hi, h, lmin: lmin) }
      if x.lo != .min, let l = add(x.lo, step) { y.lo = max(y.lo, l) }
    } else {
      // Unsigned: y's signed view is its unsigned value when y.lo >= 0.
      if y.lo >= 0 {
        let h = y.hi?.adding(-step)
        if x.lo >= 0 {
          x.hi = Bound.meet(x.hi, h, lmin: lmin)
        } else {
          x = Value(base: .scalar, lo: 0, hi: h, exact: nil, relation: x.relation)
        }
        if x.lo >= 0, let l = add(x.lo, step) { y.lo = max(y.lo, l) }
      }
    }
    if let h = x.hi?.constantValue, h < x.lo { return false }
    if let h = y.hi?.constantValue, h < y.lo { return false }
    return true
  }
}
