/// The sixteen condition codes (the `cond` field of `b.cond`, `csel`, …).
/// Flipping bit 0 negates a condition, except for `al` and `nv`, which both
/// mean "always".
///
///     eq  Z          ne  !Z          equal / not equal
///     hs  C          lo  !C          unsigned ≥ / <   (cs, cc)
///     mi  N          pl  !N          negative / not negative
///     vs  V          vc  !V          overflow / no overflow
///     hi  C && !Z    ls  !C || Z     unsigned > / ≤
///     ge  N == V     lt  N != V      signed ≥ / <
///     gt  !Z && N==V le  Z || N != V signed > / ≤
///     al  always     nv  always
public enum Condition: UInt32, Sendable, CaseIterable, CustomStringConvertible {
  case eq = 0
  case ne, hs, lo, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv

  /// Carry set: the same code as `hs`.
  public static let cs = Condition.hs
  /// Carry clear: the same code as `lo`.
  public static let cc = Condition.lo

  /// The negated condition (`eq` ↔ `ne`, `hs` ↔ `lo`, …). `al` and `nv`
  /// have no negation: both always hold, so `inverted` of either is nil.
  public var inverted: Condition? {
    isAlways ? nil : Condition(rawValue: rawValue ^ 1)
  }

  /// True for `al` and `nv`, which both mean "always".
  public var isAlways: Bool { rawValue >= 14 }

  /// The mnemonic suffix (`b.ne`, `csel …, lt`), as LLVM prints it.
  public var description: String {
    switch self {
    case .eq: "eq"
    case .ne: "ne"
    case .hs: "hs"
    case .lo: "lo"
    case .mi: "mi"
    case .pl: "pl"
    case .vs: "vs"
    case .vc: "vc"
    case .hi: "hi"
    case .ls: "ls"
    case .ge: "ge"
    case .lt: "lt"
    case .gt: "gt"
    case .le: "le"
    case .al: "al"
    case .nv: "nv"
    }
  }
}
