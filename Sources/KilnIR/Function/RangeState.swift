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
      if let rel = v.relation {
        let j = registers[Int(rel.register)]
        if j.base == .scalar, let (l2, h2) = Self.affine(rel, j) {
          lo = max(lo, l2)
          hi = Bound.meet(hi, h2, lmin: lmin)
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

    /// Folds the relations on `r` into intervals and drops them: `r` is
    /// about to change in a way no relation can follow.
    mutating func forget(_ r: UInt8) {
      for i in registers.indices where registers[i].relation?.register == r {
        registers[i] = detached(registers[i])
      }
      for i in slots.indices where slots[i].value.relation?.register == r {
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

    /// `r` becomes `r + d` (mod 2^64): relations on it shift by `-stride * d`.
    mutating func shift(_ r: UInt8, by d: Int64) {
      func moved(_ rel: Relation) -> Relation? {
        let (p, o) = rel.stride.multipliedReportingOverflow(by: d)
        let (a, o2) = rel.offset.subtractingReportingOverflow(p)
        guard !o, !o2, a >= -Bound.limit, a <= Bound.limit else { return nil }
        return Relation(register: r, stride: rel.stride, offset: a)
      }
      for i in registers.indices {
        if let rel = registers[i].relation, rel.register == r {
          if let m = moved(rel) {
            registers[i].relation = m
          } else {
            registers[i] = detached(registers[i])
          }
        }
      }
      for i in slots.indices {
        if let rel = slots[i].value.relation, rel.register == r {
          if let m = moved(rel) {
            slots[i].value.relation = m
          } else {
            slots[i].value = detached(slots[i].value)
          }
        }
      }
    }

    /// Sets `r` to `v` after forgetting what depended on the old value.
    mutating func assign(_ r: FunctionIR.Register, _ v: Value) {
      forget(r.index)
      var v = v
      if v.relation?.register == r.index { v.relation = nil }
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
