import KilnCore
import KilnIR

/// Atomics of ``FunctionIR`` on 4 or 8 bytes at `[x9]` (the checked
/// address), in two forms chosen by ``CPUFeatures/lse``:
///
///     LSE (ARMv8.1)                     ARMv8.0 (exclusives)
///     add      stadd / ldaddal          again: ldxr  x10, [x9]
///     or       stset / ldsetal                 op    x12, x10, src
///     and      stclr ~src / ldclral            stlxr w11, x12, [x9]
///     xor      steor / ldeoral                 cbnz  w11, again
///     xchg     swpal                           (dmb ish after fetching forms)
///     cmpxchg  casal (on a copy of r0)
///
/// As in the Linux arm64 BPF JIT, the fetching forms are fully ordered
/// (`al`, or `stlxr` + `dmb ish`); the others are relaxed. 4-byte forms use
/// W registers, so fetched values are zero-extended.
extension FunctionLowering {
  mutating func lowerAtomic(
    _ op: FunctionIR.Atomic, fetch: Bool, size: Int, base: FunctionIR.Register, offset: Int32,
    source: FunctionIR.Register, site: Int
  ) throws(CodeGenError) {
    _ = try access(base, offset, size: size, write: true, site: site, inScratch: true)
    let m = XRegSP(Self.scratch.address)
    if size == 8 {
      try atomic(op, fetch: fetch, m, source: x(source), r0: x(.r0))
    } else {
      try atomic(op, fetch: fetch, m, source: w(source), r0: w(.r0))
    }
  }

  mutating func atomic<R: RegisterOrZR>(
    _ op: FunctionIR.Atomic, fetch: Bool, _ m: XRegSP, source: R, r0: R
  ) throws(CodeGenError) {
    if features.lse {
      lseAtomic(op, fetch: fetch, m, source: source, r0: r0)
    } else {
      try exclusiveAtomic(op, fetch: fetch, m, source: source, r0: r0)
    }
  }

  /// One LSE instruction (two for `and`, three for `cmpxchg`).
  mutating func lseAtomic<R: RegisterOrZR>(
    _ op: FunctionIR.Atomic, fetch: Bool, _ m: XRegSP, source: R, r0: R
  ) {
    let ordering: MemoryOrdering =
      fetch || op == .xchg || op == .cmpxchg ? .acquireRelease : .relaxed
    let result = fetch ? source : R.zr
    switch op {
    case .add: a.atomic(.add, source, result, m, ordering)
    case .or: a.atomic(.set, source, result, m, ordering)
    case .xor: a.atomic(.eor, source, result, m, ordering)
    case .and:
      // ldclr clears the bits set in its operand: memory &= ~(~source).
      let inverted = R(Self.scratch.a)
      a.mvn(inverted, source)
      a.atomic(.clear, inverted, result, m, ordering)
    case .xchg: a.atomic(.swap, source, source, m, ordering)
    case .cmpxchg:
      // cas compares with and returns into its first operand: a copy of r0.
      let expected = R(Self.scratch.a)
      a.mov(expected, r0)
      a.cas(expected, source, m, ordering)
      a.mov(r0, expected)
    }
  }

  /// An `ldxr`/`stxr` loop: x10 = old value, x12 = new value, w11 = status.
  mutating func exclusiveAtomic<R: RegisterOrZR>(
    _ op: FunctionIR.Atomic, fetch: Bool, _ m: XRegSP, source: R, r0: R
  ) throws(CodeGenError) {
    let s = Self.scratch
    let (old, new, status) = (R(s.a), R(s.c), WReg(s.b))
    let ordered = fetch || op == .xchg || op == .cmpxchg
    let again = a.newLabel()
    let done = a.newLabel()
    try a.bind(again)
    a.ldxr(old, m)
    var stored = new
    switch op {
    case .add: a.add(new, old, source)
    case .or: a.orr(new, old, source)
    case .and: a.and(new, old, source)
    case .xor: a.eor(new, old, source)
    case .xchg: stored = source
    case .cmpxchg:
      a.cmp(old, r0)
      a.b(.ne, done)
      stored = source
    }
    if ordered { a.stlxr(status, stored, m) } else { a.stxr(status, stored, m) }
    a.cbnz(status, again)
    try a.bind(done)
    if ordered { a.dmb(.ish) }
    switch op {
    case .cmpxchg: a.mov(r0, old)
    case .xchg: a.mov(source, old)
    default: if fetch { a.mov(source, old) }
    }
  }
}
