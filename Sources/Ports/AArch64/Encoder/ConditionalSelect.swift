/// Conditional select (CSEL, CSINC, CSINV, CSNEG) and the CSET, CSETM, CINC
/// and CNEG aliases.
///
///     op o2  instruction   d = cond ? n : …
///     0  0   csel          m
///     0  1   csinc         m + 1
///     1  0   csinv         ~m
///     1  1   csneg         −m
extension AArch64Assembler {
  /// Conditional select:
  ///
  ///     31 30 29 28-21     20-16 15-12 11 10 9-5 4-0
  ///     sf op 0  11010100  Rm    cond  0  o2 Rn  Rd
  mutating func conditionalSelect(
    sf: UInt32, op: UInt32, o2: UInt32, rm: UInt32, cond: Condition, rn: UInt32, rd: UInt32
  ) {
    emit(
      sf << 31 | op << 30 | 0b11010100 << 21 | rm << 16 | cond.rawValue << 12 | o2 << 10 | rn << 5
        | rd)
  }

  /// `csel d, n, m, cond`.
  public mutating func csel<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ cond: Condition) {
    conditionalSelect(sf: R.sf, op: 0, o2: 0, rm: m.field, cond: cond, rn: n.field, rd: d.field)
  }

  /// `csinc d, n, m, cond`.
  public mutating func csinc<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ cond: Condition) {
    conditionalSelect(sf: R.sf, op: 0, o2: 1, rm: m.field, cond: cond, rn: n.field, rd: d.field)
  }

  /// `csinv d, n, m, cond`.
  public mutating func csinv<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ cond: Condition) {
    conditionalSelect(sf: R.sf, op: 1, o2: 0, rm: m.field, cond: cond, rn: n.field, rd: d.field)
  }

  /// `csneg d, n, m, cond`.
  public mutating func csneg<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ cond: Condition) {
    conditionalSelect(sf: R.sf, op: 1, o2: 1, rm: m.field, cond: cond, rn: n.field, rd: d.field)
  }

  /// `cset d, cond` — `csinc d, zr, zr, !cond`: d = cond ? 1 : 0.
  public mutating func cset<R: RegisterOrZR>(_ d: R, _ cond: Condition) {
    csinc(d, R.zr, R.zr, invertible(cond))
  }

  /// `csetm d, cond` — `csinv d, zr, zr, !cond`: d = cond ? −1 : 0.
  public mutating func csetm<R: RegisterOrZR>(_ d: R, _ cond: Condition) {
    csinv(d, R.zr, R.zr, invertible(cond))
  }

  /// `cinc d, n, cond` — `csinc d, n, n, !cond`: d = cond ? n + 1 : n.
  public mutating func cinc<R: RegisterOrZR>(_ d: R, _ n: R, _ cond: Condition) {
    csinc(d, n, n, invertible(cond))
  }

  /// `cneg d, n, cond` — `csneg d, n, n, !cond`: d = cond ? −n : n.
  public mutating func cneg<R: RegisterOrZR>(_ d: R, _ n: R, _ cond: Condition) {
    csneg(d, n, n, invertible(cond))
  }

  /// The inverse of `cond`; the aliases above do not exist for al/nv.
  private func invertible(_ cond: Condition) -> Condition {
    guard let inverse = cond.inverted else {
      preconditionFailure("\(cond) has no inverse: cset/csetm/cinc/cneg need a real condition")
    }
    return inverse
  }
}
