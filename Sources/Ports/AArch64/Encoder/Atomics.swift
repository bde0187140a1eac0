/// The ordering of an LSE atomic: which of acquire (A) and release (R/L)
/// semantics it has. The mnemonic suffixes are "", "a", "l" and "al".
public enum MemoryOrdering: Sendable, CaseIterable, CustomStringConvertible {
  case relaxed, acquire, release, acquireRelease

  var acquireBit: UInt32 { self == .acquire || self == .acquireRelease ? 1 : 0 }
  var releaseBit: UInt32 { self == .release || self == .acquireRelease ? 1 : 0 }

  /// The mnemonic suffix.
  public var description: String {
    switch self {
    case .relaxed: ""
    case .acquire: "a"
    case .release: "l"
    case .acquireRelease: "al"
    }
  }
}

/// The LSE read-modify-write operations (`opc`, with `o3` = 1 for swp).
public enum AtomicOp: UInt32, Sendable, CaseIterable, CustomStringConvertible {
  /// `ldadd`: memory += s.
  case add = 0b000
  /// `ldclr`: memory &= ~s.
  case clear = 0b001
  /// `ldeor`: memory ^= s.
  case eor = 0b010
  /// `ldset`: memory |= s.
  case set = 0b011
  /// `swp`: memory = s.
  case swap = 0b1000

  public var description: String {
    switch self {
    case .add: "ldadd"
    case .clear: "ldclr"
    case .eor: "ldeor"
    case .set: "ldset"
    case .swap: "swp"
    }
  }
}

/// A `dmb` domain and access type (the `CRm` field).
public enum Barrier: UInt32, Sendable, CaseIterable, CustomStringConvertible {
  case ishld = 0b1001
  case ishst = 0b1010
  case ish = 0b1011
  case sy = 0b1111

  public var description: String {
    switch self {
    case .ishld: "ishld"
    case .ishst: "ishst"
    case .ish: "ish"
    case .sy: "sy"
    }
  }
}

/// Exclusive loads and stores (ARMv8.0), the LSE atomics (ARMv8.1: ldadd,
/// ldclr, ldeor, ldset, swp, cas) and `dmb`. The size follows the data
/// register: W for 32 bits, X for 64. The base is an X register or sp.
extension AArch64Assembler {
  // MARK: Encoder functions

  /// Load/store exclusive register (LDXR, LDAXR, STXR, STLXR):
  ///
  ///     31-30 29-24  23 22 21 20-16 15 14-10 9-5 4-0
  ///     size  001000 0  L  0  Rs    o0 11111 Rn  Rt     size 10 (W) or 11 (X)
  mutating func exclusive(sf: UInt32, load: Bool, o0: UInt32, rs: UInt32, rn: UInt32, rt: UInt32) {
    // UNPREDICTABLE: the status register is also the data or the base.
    precondition(load || (rs != rt && (rs != rn || rn == 31)), "stxr status is also a source")
    let l: UInt32 = load ? 1 : 0
    emit(
      (0b10 | sf) << 30 | 0b001000 << 24 | l << 22 | rs << 16 | o0 << 15 | 0b11111 << 10 | rn << 5
        | rt)
  }

  /// Atomic memory operation (LDADD, LDCLR, LDEOR, LDSET, SWP and orderings):
  ///
  ///     31-30 29-27 26 25-24 23 22 21 20-16 15 14-12 11-10 9-5 4-0
  ///     size  111   0  00    A  R  1  Rs    o3 opc   00    Rn  Rt
  mutating func atomicMemory(
    sf: UInt32, op: AtomicOp, ordering: MemoryOrdering, rs: UInt32, rn: UInt32, rt: UInt32
  ) {
    emit(
      (0b10 | sf) << 30 | 0b111 << 27 | ordering.acquireBit << 23 | ordering.releaseBit << 22
        | 1 << 21 | rs << 16 | op.rawValue << 12 | rn << 5 | rt)
  }

  /// Compare and swap (CAS, CASA, CASL, CASAL):
  ///
  ///     31-30 29-24  23 22 21 20-16 15 14-10 9-5 4-0
  ///     size  001000 1  L  1  Rs    o0 11111 Rn  Rt     L: acquire, o0: release
  mutating func compareAndSwap(
    sf: UInt32, ordering: MemoryOrdering, rs: UInt32, rn: UInt32, rt: UInt32
  ) {
    emit(
      (0b10 | sf) << 30 | 0b001000 << 24 | 1 << 23 | ordering.acquireBit << 22 | 1 << 21
        | rs << 16 | ordering.releaseBit << 15 | 0b11111 << 10 | rn << 5 | rt)
  }

  // MARK: Exclusives

  /// `ldxr t, [base]`: load and mark the address for a later `stxr`.
  public mutating func ldxr<R: RegisterOrZR>(_ t: R, _ base: XRegSP) {
    exclusive(sf: R.sf, load: true, o0: 0, rs: 31, rn: base.field, rt: t.field)
  }

  /// `ldaxr t, [base]`: `ldxr` with acquire semantics.
  public mutating func ldaxr<R: RegisterOrZR>(_ t: R, _ base: XRegSP) {
    exclusive(sf: R.sf, load: true, o0: 1, rs: 31, rn: base.field, rt: t.field)
  }

  /// `stxr ws, t, [base]`: store if still exclusive; ws = 0 on success, 1 on failure.
  public mutating func stxr<R: RegisterOrZR>(_ status: WReg, _ t: R, _ base: XRegSP) {
    exclusive(sf: R.sf, load: false, o0: 0, rs: status.field, rn: base.field, rt: t.field)
  }

  /// `stlxr ws, t, [base]`: `stxr` with release semantics.
  public mutating func stlxr<R: RegisterOrZR>(_ status: WReg, _ t: R, _ base: XRegSP) {
    exclusive(sf: R.sf, load: false, o0: 1, rs: status.field, rn: base.field, rt: t.field)
  }

  // MARK: LSE

  /// `ldadd{a,l,al} s, t, [base]` and friends: atomically t = old memory,
  /// memory = op(old, s). With t = zr LLVM prints the `st…` alias.
  public mutating func atomic<R: RegisterOrZR>(
    _ op: AtomicOp, _ s: R, _ t: R, _ base: XRegSP, _ ordering: MemoryOrdering = .relaxed
  ) {
    atomicMemory(sf: R.sf, op: op, ordering: ordering, rs: s.field, rn: base.field, rt: t.field)
  }

  /// `cas{a,l,al} s, t, [base]`: atomically, if memory == s then memory = t;
  /// s = old memory either way.
  public mutating func cas<R: RegisterOrZR>(
    _ s: R, _ t: R, _ base: XRegSP, _ ordering: MemoryOrdering = .relaxed
  ) {
    compareAndSwap(sf: R.sf, ordering: ordering, rs: s.field, rn: base.field, rt: t.field)
  }

  // MARK: Barriers

  /// `dmb option`:
  ///
  ///     31-22       21-12       11-8 7-5 4-0
  ///     1101010100  0000110011  CRm  101 11111
  public mutating func dmb(_ option: Barrier = .ish) {
    emit(0b11_01010100 << 22 | 0b00_00110011 << 12 | option.rawValue << 8 | 0b101 << 5 | 0b11111)
  }
}
