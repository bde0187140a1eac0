extension FunctionIR.RangeAnalysis {
  /// A frame slot: 8 bytes at `offset` from `r10`, last written from a register.
  struct Slot: Hashable, Sendable {
    var offset: Int64
    var value: Value
  }

  /// What is known at one point of the function.
  struct State: Hashable, Sendable {
    var registers: [Value]
    var slots: [Slot] = []
    /// A lower bound of `L`.
    var lmin: Int64 = 0

    static func entry(context: Bool) -> State {
      var r = [Value](repeating: .unknown, count: 11)
      r[10] = .pointer(.frame, 0)
      if context {
        r[1] = .pointer(.context, 0)
        if let l = Bound.make(q: 1, k: 0, c: 0) {
          r[2] = Value(base: .scalar, lo: 0, hi: l, exact: l, relation: nil)
        }
      }
      return State(registers: r)
    }

    subscript(_ r: FunctionIR.Register) -> Value {
      get { registers[Int(r.index)] }
      set { registers[Int(r.index)] = newValue }
    }

    /// The value of an operand at `width` (a 32-bit immediate as is).
    func value(_ o: FunctionIR.Operand, _ w: FunctionIR.Width) -> Value {
      switch o {
      case .register(let r): self[r]
      case .immediate(let i): .constant(w == .w64 ? Int64(i) : Int64(UInt32(bitPattern: i)))
      }
    }

    /// The offset range of `v` (its interval met with what its relation says).
    func range(of v: Value) -> (lo: Int64, hi: Bound?) {
      var lo = v.lo
      var hi = v.hi
      if let rel = v.relation, let (l2, h2) = relationRange(rel) {
        lo = max(lo, l2)
        hi = Bound.meet(hi, h2, lmin: lmin)
      }
      return (lo, hi)
    }

    /// The integer range of `rel`'s right side (nil: unknown, or it may
    /// wrap). Two terms `s * (j ± k)` use what the pairs say about `j ± k`.
    func relationRange(_ rel: Relation) -> (Int64, Bound?)? {
      let j = registers[Int(rel.register)]
      guard j.base == .scalar else { return nil }
      let first = Relation(register: rel.register, stride: rel.stride, offset: rel.offset)
      if rel.stride2 == 0 { return Self.affine(first, j) }
      let k = registers[Int(rel.register2)]
      guard k.base == .scalar else { return nil }
      if rel.stride2 == rel.stride || rel.stride2 == -rel.stride {
        let sign: Int64 = rel.stride2 == rel.stride ? 1 : -1
        // s * (j - k) with s < 0 is -s * (k - j).
        let swap = sign == -1 && rel.stride < 0
        let (lo, hi) =
          swap
          ? pairRange(rel.register2, sign, rel.register)
          : pairRange(rel.register, sign, rel.register2)
        guard lo != .min, let hi else { return nil }
        let line =
          swap ? Relation(register: rel.register2, stride: rel.stride2, offset: rel.offset) : first
        return Self.affine(line, Value(base: .scalar, lo: lo, hi: hi, exact: nil, relation: nil))
      }
      let second = Relation(register: rel.register2, stride: rel.stride2, offset: 0)
      guard let (l1, h1) = Self.affine(first, j), let (l2, h2) = Self.affine(second, k),
        let l = add(l1, l2), let h1, let h2, let h = h1.adding(h2)
      else { return nil }
      return (l, h)
    }

    /// The integer range of `r[a] + sign * r[b]` (`lo == .min`, `hi == nil`:
    /// unknown): from the intervals, met with the pairs of both.
    func pairRange(_ a: UInt8, _ sign: Int64, _ b: UInt8) -> (lo: Int64, hi: Bound?) {
      let x = registers[Int(a)]
      let y = registers[Int(b)]
      var lo = Int64.min
      var hi: Bound? = nil
      if sign == 1 {
        if x.lo != .min, y.lo != .min, let l = add(x.lo, y.lo) { lo = l }
        if let h1 = x.hi, let h2 = y.hi { hi = h1.adding(h2) }
      } else {
        if x.lo != .min, let h = y.hiConstant, let l = add(x.lo, -h) { lo = l }
        if y.lo != .min, let h = x.hi { hi = h.adding(-y.lo) }
      }
      if let p = x.pair, p.register == b, p.sign == sign {
        lo = max(lo, p.lo)
        hi = Bound.meet(hi, p.hi, lmin: lmin)
      }
      // y + sign * x: the same sum, or the negated difference.
      if let p = y.pair, p.register == a, p.sign == sign {
        if sign == 1 {
          lo = max(lo, p.lo)
          hi = Bound.meet(hi, p.hi, lmin: lmin)
        } else {
          if let h = p.hi?.constantValue, h != .min { lo = max(lo, -h) }
          if p.lo != .min, let h = Bound.constant(-p.lo) { hi = Bound.meet(hi, h, lmin: lmin) }
        }
      }
      return (lo, hi)
    }

    /// `offset + stride * [j.lo, j.hi]`.
    static func affine(_ rel: Relation, _ j: Value) -> (Int64, Bound?)? {
      let s = rel.stride
      if s >= 0 {
        guard j.lo != .min, let h = j.hi else { return nil }
        let (p, o) = s.multipliedReportingOverflow(by: j.lo)
        let (l, o2) = p.addingReportingOverflow(rel.offset)
        guard !o, !o2, let hs = h.scaled(s), let hb = hs.adding(rel.offset) else { return nil }
        return (l, hb)
      }
      guard j.lo != .min, let hc = j.hiConstant else { return nil }
      let (p1, o1) = s.multipliedReportingOverflow(by: hc)
      let (p2, o2) = s.multipliedReportingOverflow(by: j.lo)
      guard !o1, !o2 else { return nil }
      let (l, o3) = p1.addingReportingOverflow(rel.offset)
      let (h, o4) = p2.addingReportingOverflow(rel.offset)
      guard !o3, !o4, let hb = Bound.constant(h) else { return nil }
      return (l, hb)
    }

    /// Folds the relations on `r` into intervals and drops them (and the
    /// pairs with `r`): `r` is about to change in a way no relation can follow.
    mutating func forget(_ r: UInt8) {
      // Read in place first: most often nothing mentions `r`.
      let mentioned = registers.withUnsafeBufferPointer { b in
        for i in b.indices where b[i].relationMentions(r) || b[i].pairRegister == r {
          return true
        }
        return false
      }
      for i in registers.indices where mentioned {
        if registers[i].relationMentions(r) { registers[i] = detached(registers[i]) }
        if registers[i].pairRegister == r { registers[i].pair = nil }
      }
      for i in slots.indices where slots[i].value.relationMentions(r) {
        slots[i].value = detached(slots[i].value)
      }
    }

    func detached(_ v: Value) -> Value {
      var out = v
      let (lo, hi) = range(of: v)
      out.lo = lo
      out.hi = hi
      out.relation = nil
      return out
    }

    /// `r` becomes `r + d` (mod 2^64): relations on it shift by `-stride * d`
    /// (the pairs with `r` are dropped).
    mutating func shift(_ r: UInt8, by d: Int64) {
      func moved(_ rel: Relation) -> Relation? {
        let (p, o) = rel.coefficient(r).multipliedReportingOverflow(by: d)
        let (a, o2) = rel.offset.subtractingReportingOverflow(p)
        guard !o, !o2, a >= -Bound.limit, a <= Bound.limit else { return nil }
        var m = rel
        m.offset = a
        return m
      }
      for i in registers.indices {
        if let rel = registers[i].relation, rel.mentions(r) {
          if let m = moved(rel) {
            registers[i].relation = m
          } else {
            registers[i] = detached(registers[i])
          }
        }
        if registers[i].pairRegister == r { registers[i].pair = nil }
      }
      for i in slots.indices {
        if let rel = slots[i].value.relation, rel.mentions(r) {
          if let m = moved(rel) {
            slots[i].value.relation = m
          } else {
            slots[i].value = detached(slots[i].value)
          }
        }
      }
    }

    /// `x` becomes `x + sign * r[y]` (mod 2^64, `sign` 1 or -1, `y != x`):
    /// relations on `x` follow it (`c * x_old = c * x - sign * c * y`), or
    /// are folded into intervals when that takes more than two terms; the
    /// pairs with `x` are dropped. `x` itself is set by the caller.
    mutating func substitute(_ x: UInt8, _ sign: Int64, _ y: UInt8) {
      func rewritten(_ v: Value) -> Value {
        guard let rel = v.relation else { return v }
        let c = rel.coefficient(x)
        guard c != 0 else { return v }
        var out = v
        if let m = mul(-sign, c),
          let r = relation(rel, plus: 1, Relation(register: y, stride: m, offset: 0))
        {
          out.relation = r
        } else {
          out = detached(v)
        }
        return out
      }
      for i in registers.indices where i != Int(x) && registers[i].relationMentions(x) {
        registers[i] = rewritten(registers[i])
      }
      for i in slots.indices where slots[i].value.relationMentions(x) {
        slots[i].value = rewritten(slots[i].value)
      }
      for i in registers.indices where registers[i].pairRegister == x {
        registers[i].pair = nil
      }
    }

    /// Sets `r` to `v` after forgetting what depended on the old value.
    mutating func assign(_ r: FunctionIR.Register, _ v: Value) {
      forget(r.index)
      var v = v
      if v.relationMentions(r.index) { v.relation = nil }
      if v.pairRegister == r.index { v.pair = nil }
      self[r] = v
    }

    /// A store of `size` bytes to the frame at `[lo, hi]` (nil: anywhere).
    mutating func clobberFrame(_ lo: Int64?, _ hi: Int64?, size: Int64) {
      guard let lo, let hi else {
        slots.removeAll()
        return
      }
      slots.removeAll { $0.offset < hi + size && lo < $0.offset + 8 }
    }

    /// Records what `L >= ...` a refined register says.
    mutating func learnLength(from v: Value) {
      guard let e = v.exact, e.q > 0, v.lo != .min else { return }
      // q * floor(L / 2^k) + c >= lo  =>  floor(L / 2^k) >= ceil((lo - c) / q).
      let need = v.lo - e.c
      guard need > 0 else { return }
      let f = (need + e.q - 1) / e.q
      guard f <= (Int64(1) << (62 - e.k)) else { return }
      lmin = max(lmin, f << e.k)
    }
  }
}
