/// The abstract values of ``FunctionIR/RangeAnalysis``.
///
/// Every 64-bit register value is read in its *signed view* (the `Int64`
/// with the same bits): an interval `[lo, hi]` of that view, whose upper
/// end may be symbolic in `L`, the context length of the run (r2 at entry,
/// the length of region 1). Pointers are a base (the current frame's `r10`
/// or the context's start, `r1` at entry) plus an offset described the same
/// way. A value may also be tied to another register by an affine relation
/// (`value = a + s * rJ`, modulo 2^64), which is how the analysis follows a
/// pointer that advances with a loop counter.
///
/// Assumption (checked nowhere else, true on every Kiln host): the context
/// is a real host buffer, so `L < 2^62` and `base + L` does not wrap.
extension FunctionIR.RangeAnalysis {
  /// Largest magnitude of a bound's constant part: keeps every sum and
  /// product below in `Int64` without thinking about each one.
  static let maxConstant: Int64 = 1 << 40

  /// `q * floor(L / 2^k) + c`, with `0 <= q <= 2^k` (so the term is at most
  /// `L`) and `|c| <= 2^40`; `q = 0` is the constant `c`.
  ///
  /// Layout: `k` (0…62) is stored in a byte, so that a `Bound?` takes 18
  /// bytes instead of 25 (the values below are copied and compared often).
  public struct Bound: Hashable, Sendable {
    public let q: Int64
    public let c: Int64
    let kBits: UInt8
    public var k: Int64 { Int64(kBits) }

    /// A valid bound, or nil (which callers read as "no bound").
    public static func make(q: Int64, k: Int64, c: Int64) -> Bound? {
      guard c >= -maxConstant, c <= maxConstant, q >= 0, k >= 0, k <= 62 else { return nil }
      if q == 0 { return Bound(q: 0, k: 0, c: c) }
      guard q <= (Int64(1) << k) else { return nil }
      return Bound(q: q, k: k, c: c)
    }

    init(q: Int64, k: Int64, c: Int64) {
      self.q = q
      self.kBits = UInt8(truncatingIfNeeded: k)
      self.c = c
    }

    public static func constant(_ c: Int64) -> Bound? { make(q: 0, k: 0, c: c) }
    /// `L` itself.
    public static let length = Bound(q: 1, k: 0, c: 0)

    public var constantValue: Int64? { q == 0 ? c : nil }

    /// The smallest this bound can be when `L >= lmin`.
    func least(_ lmin: Int64) -> Int64 { q == 0 ? c : q * (lmin >> k) + c }

    func adding(_ d: Int64) -> Bound? {
      guard d >= -Self.limit, d <= Self.limit else { return nil }
      return .make(q: q, k: k, c: c + d)
    }

    static let limit: Int64 = 1 << 41

    func adding(_ b: Bound) -> Bound? {
      if b.q == 0 { return adding(b.c) }
      if q == 0 { return b.adding(c) }
      guard k == b.k else { return nil }
      return .make(q: q + b.q, k: k, c: c + b.c)
    }

    /// `m * self` for `0 <= m`.
    func scaled(_ m: Int64) -> Bound? {
      guard m >= 0, m <= Self.limit else { return nil }
      let (qm, o1) = q.multipliedReportingOverflow(by: m)
      let (cm, o2) = c.multipliedReportingOverflow(by: m)
      guard !o1, !o2 else { return nil }
      return .make(q: qm, k: k, c: cm)
    }

    /// An upper bound of `floor(v / 2^s)` for every `v <= self`, `v >= 0`;
    /// with `exact`, the value itself for `v == self` (nil when it cannot be
    /// written as a bound).
    func shiftedRight(_ s: Int64, exact: Bool) -> Bound? {
      guard s >= 0, s < 63 else { return nil }
      if q == 0 { return .make(q: 0, k: 0, c: c >> s) }
      if exact && c != 0 { return nil }
      // floor((X + c) / 2^s) <= floor(X / 2^s) + ceil(c / 2^s).
      let cs = -((-c) >> s)
      let m = Int64(q.trailingZeroBitCount)
      guard q == Int64(1) << m else { return nil }
      // floor(2^m * floor(L / 2^k) / 2^s)
      if m >= s { return .make(q: Int64(1) << (m - s), k: k, c: cs) }
      return .make(q: 1, k: k + s - m, c: cs)
    }

    /// Whether `self <= other` for every `L >= lmin`.
    func isAtMost(_ other: Bound, lmin: Int64) -> Bool {
      if q == 0 { return c <= other.least(lmin) }
      guard other.q != 0, other.k == k, other.q >= q else { return false }
      return (other.q - q) * (lmin >> k) + other.c - c >= 0
    }

    /// Whether `self <= L` for every `L >= lmin`.
    func isAtMostLength(lmin: Int64) -> Bool {
      if q == 0 { return c <= lmin }
      // L - q*floor(L/2^k) >= (2^k - q) * floor(L/2^k).
      return c <= ((Int64(1) << k) - q) * (lmin >> k)
    }

    /// The larger of two bounds, or a bound above both (nil: none known).
    static func join(_ a: Bound?, _ b: Bound?, lmin: Int64) -> Bound? {
      guard let a, let b else { return nil }
      if a.isAtMost(b, lmin: lmin) { return b }
      if b.isAtMost(a, lmin: lmin) { return a }
      if a.q == 0 { return .make(q: b.q, k: b.k, c: max(a.c, b.c)) }
      if b.q == 0 { return .make(q: a.q, k: a.k, c: max(a.c, b.c)) }
      return nil
    }

    /// The smaller (or either: both are upper bounds).
    static func meet(_ a: Bound?, _ b: Bound?, lmin: Int64) -> Bound? {
      guard let a else { return b }
      guard let b else { return a }
      if a.isAtMost(b, lmin: lmin) { return a }
      if b.isAtMost(a, lmin: lmin) { return b }
      return a.q > 0 ? a : b
    }
  }

  /// `value = offset + stride * r[register] + stride2 * r[register2]`
  /// (mod 2^64; for pointers the value is the offset from the base; the
  /// second term only when `stride2 != 0`, then on another register).
  ///
  /// (Stored numbers first and registers last: no padding between them.)
  public struct Relation: Hashable, Sendable {
    public var stride: Int64
    public var offset: Int64
    public var stride2: Int64 = 0
    public var register: UInt8
    public var register2: UInt8 = 0

    public init(
      register: UInt8, stride: Int64, offset: Int64, register2: UInt8 = 0, stride2: Int64 = 0
    ) {
      self.stride = stride
      self.offset = offset
      self.stride2 = stride2
      self.register = register
      self.register2 = register2
    }

    /// The coefficient of `r` (0: it does not appear).
    func coefficient(_ r: UInt8) -> Int64 {
      (register == r ? stride : 0) + (stride2 != 0 && register2 == r ? stride2 : 0)
    }

    func mentions(_ r: UInt8) -> Bool { coefficient(r) != 0 }

    /// `offset + s1 * r1 + s2 * r2 + s3 * r3` with like terms summed, when
    /// at most two terms are left (at least one) and every number stays
    /// within `Bound.limit`.
    static func linear(
      _ offset: Int64, _ terms: (UInt8, Int64), _ t2: (UInt8, Int64) = (0, 0),
      _ t3: (UInt8, Int64) = (0, 0)
    ) -> Relation? {
      guard offset >= -Bound.limit, offset <= Bound.limit else { return nil }
      var c = InlineArray<11, Int64>(repeating: 0)
      func put(_ t: (UInt8, Int64)) -> Bool {
        guard t.1 != 0 else { return true }
        guard t.0 < 11 else { return false }
        c[Int(t.0)] &+= t.1
        return true
      }
      guard put(terms), put(t2), put(t3) else { return nil }
      // Terms in register order: one relation, one spelling.
      var rel: Relation? = nil
      for i in 0..<11 where c[i] != 0 {
        guard c[i] >= -Bound.limit, c[i] <= Bound.limit else { return nil }
        if rel == nil {
          rel = Relation(register: UInt8(i), stride: c[i], offset: offset)
        } else if rel?.stride2 == 0 {
          rel?.register2 = UInt8(i)
          rel?.stride2 = c[i]
        } else {
          return nil
        }
      }
      return rel
    }
  }

  /// `value + sign * r[register]` is in `[lo, hi]` (`sign` is 1 or -1; the
  /// signed views, added as integers: no wrap). Scalars only; learned from
  /// comparisons of two registers and from `x ± y`.
  public struct Pair: Hashable, Sendable {
    /// `Int64.min`: none.
    public var lo: Int64
    public var hi: Bound?
    public var register: UInt8
    var signBits: Int8
    public var sign: Int64 {
      get { Int64(signBits) }
      set { signBits = Int8(truncatingIfNeeded: newValue) }
    }

    public init(register: UInt8, sign: Int64, lo: Int64, hi: Bound?) {
      self.lo = lo
      self.hi = hi
      self.register = register
      self.signBits = Int8(truncatingIfNeeded: sign)
    }
  }

  /// What a register (or a frame slot) holds.
  public struct Value: Hashable, Sendable {
    public enum Base: UInt8, Sendable {
      /// A number.
      case scalar
      /// The current function's `r10` plus the offset.
      case frame
      /// The context's first byte plus the offset.
      case context
    }
    /// Lower bound of the (offset's) signed view; `Int64.min`: none.
    public var lo: Int64

    // Storage: eleven words and no padding, so that copies are small and
    // `==` (synthesized over these fields) compares words. An absent part
    // is stored in one spelling only (a bound's `q` -1 and its other
    // fields 0; a relation's or pair's register 0xFF and its other fields
    // 0), so equal words are exactly equal values.
    var hiQ: Int64 = -1
    var hiC: Int64 = 0
    var exactQ: Int64 = -1
    var exactC: Int64 = 0
    var relationStride: Int64 = 0
    var relationOffset: Int64 = 0
    var relationStride2: Int64 = 0
    var pairLo: Int64 = 0
    var pairHiQ: Int64 = -1
    var pairHiC: Int64 = 0
    /// Bytes: 0 base, 1 hi's k, 2 exact's k, 3 relation's register (0xFF:
    /// no relation), 4 its register2, 5 pair's register (0xFF: no pair),
    /// 6 its sign, 7 its hi's k.
    var bytes: UInt64 = 0xFF << 40 | 0xFF << 24

    @inline(__always) func byte(_ i: UInt64) -> UInt8 {
      UInt8(truncatingIfNeeded: bytes >> (8 * i))
    }

    @inline(__always) mutating func setByte(_ i: UInt64, _ b: UInt8) {
      bytes = bytes & ~(0xFF << (8 * i)) | UInt64(b) << (8 * i)
    }

    public var base: Base {
      @inline(__always) get { Base(rawValue: byte(0)) ?? .scalar }
      @inline(__always) set { setByte(0, newValue.rawValue) }
    }

    /// Upper bound; nil: none.
    public var hi: Bound? {
      @inline(__always) get { hiQ < 0 ? nil : Bound(q: hiQ, k: Int64(byte(1)), c: hiC) }
      @inline(__always) set {
        hiQ = newValue?.q ?? -1
        hiC = newValue?.c ?? 0
        setByte(1, newValue?.kBits ?? 0)
      }
    }

    /// The exact value (of the offset), when known.
    public var exact: Bound? {
      @inline(__always) get { exactQ < 0 ? nil : Bound(q: exactQ, k: Int64(byte(2)), c: exactC) }
      @inline(__always) set {
        exactQ = newValue?.q ?? -1
        exactC = newValue?.c ?? 0
        setByte(2, newValue?.kBits ?? 0)
      }
    }

    public var relation: Relation? {
      @inline(__always) get {
        byte(3) == 0xFF
          ? nil
          : Relation(
            register: byte(3), stride: relationStride, offset: relationOffset,
            register2: byte(4), stride2: relationStride2)
      }
      @inline(__always) set {
        relationStride = newValue?.stride ?? 0
        relationOffset = newValue?.offset ?? 0
        relationStride2 = newValue?.stride2 ?? 0
        setByte(3, newValue?.register ?? 0xFF)
        setByte(4, newValue?.register2 ?? 0)
      }
    }

    /// What the value is next to another register (scalars).
    public var pair: Pair? {
      @inline(__always) get {
        byte(5) == 0xFF
          ? nil
          : Pair(
            register: byte(5), sign: Int64(Int8(bitPattern: byte(6))), lo: pairLo,
            hi: pairHiQ < 0 ? nil : Bound(q: pairHiQ, k: Int64(byte(7)), c: pairHiC))
      }
      @inline(__always) set {
        pairLo = newValue?.lo ?? 0
        pairHiQ = newValue?.hi?.q ?? -1
        pairHiC = newValue?.hi?.c ?? 0
        setByte(5, newValue?.register ?? 0xFF)
        setByte(6, UInt8(bitPattern: newValue?.signBits ?? 0))
        setByte(7, newValue?.hi?.kBits ?? 0)
      }
    }

    public init(
      base: Base, lo: Int64, hi: Bound?, exact: Bound? = nil, relation: Relation? = nil,
      pair: Pair? = nil
    ) {
      self.lo = lo
      self.base = base
      if let hi { self.hi = hi }
      if let exact { self.exact = exact }
      if let relation { self.relation = relation }
      if let pair { self.pair = pair }
    }

    public static let unknown = Value(base: .scalar, lo: .min, hi: nil, exact: nil, relation: nil)

    public static func constant(_ v: Int64) -> Value {
      guard let b = Bound.constant(v) else {
        return Value(base: .scalar, lo: v, hi: nil, exact: nil, relation: nil)
      }
      return Value(base: .scalar, lo: v, hi: b, exact: b, relation: nil)
    }

    /// `[lo, hi]` with constant ends.
    public static func range(_ lo: Int64, _ hi: Int64, base: Base = .scalar) -> Value {
      Value(base: base, lo: lo, hi: Bound.constant(hi), exact: nil, relation: nil)
    }

    /// A pointer `base + exact offset`.
    public static func pointer(_ base: Base, _ offset: Int64) -> Value {
      var v = constant(offset)
      v.base = base
      return v
    }

    /// Whether the relation has a nonzero coefficient on `r` (false: no
    /// relation); reads the stored words instead of building a `Relation`.
    @inline(__always) func relationMentions(_ r: UInt8) -> Bool {
      let r1 = byte(3)
      guard r1 != 0xFF else { return false }
      return (r1 == r ? relationStride : 0)
        + (relationStride2 != 0 && byte(4) == r ? relationStride2 : 0) != 0
    }

    /// The pair's register (nil: no pair), from the stored byte.
    @inline(__always) var pairRegister: UInt8? {
      let r = byte(5)
      return r == 0xFF ? nil : r
    }

    public var constantValue: Int64? { exactQ == 0 ? exactC : nil }
    var isNonNegative: Bool { lo >= 0 }
    /// Constant upper bound, if any.
    var hiConstant: Int64? { hiQ == 0 ? hiC : nil }
    /// Whether the value is in `[0, 2^32)`.
    var fits32: Bool {
      guard lo >= 0, let h = hiConstant else { return false }
      return h <= 0xFFFF_FFFF
    }
  }
}
