/// The condition codes of `b<c>`, `it` and the conditional instructions.
/// Flipping bit 0 negates a condition (except `al`).
///
///     eq  Z          ne  !Z          equal / not equal
///     hs  C          lo  !C          unsigned ≥ / <   (cs, cc)
///     mi  N          pl  !N          negative / not negative
///     vs  V          vc  !V          overflow / no overflow
///     hi  C && !Z    ls  !C || Z     unsigned > / ≤
///     ge  N == V     lt  N != V      signed ≥ / <
///     gt  !Z && N==V le  Z || N != V signed > / ≤
///     al  always
public enum Condition: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  case eq = 0
  case ne, hs, lo, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al

  /// Carry set: the same code as `hs`.
  public static let cs = Condition.hs
  /// Carry clear: the same code as `lo`.
  public static let cc = Condition.lo

  /// The negated condition (`eq` ↔ `ne`, …). `al` has no negation: a
  /// precondition failure.
  public var inverted: Condition {
    precondition(self != .al, "the condition al has no inverse")
    return Condition(rawValue: rawValue ^ 1) ?? .al
  }

  /// The 4-bit condition field.
  var field: UInt32 { UInt32(rawValue) }

  /// The mnemonic suffix as LLVM prints it (`beq`, `it ne`).
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
    }
  }
}
