import KilnCore
import KilnIR

/// Atomics of ``FunctionIR`` at `[r12]` (the checked address).
///
/// 4 bytes: an exclusive-access loop, `dmb` after the fetching forms (as the
/// AArch64 port orders them):
///
///     again: ldrex r0, [r12]
///            op    r1, r0, src.lo          (xchg/cmpxchg store src.lo itself)
///            strex r3, r1, [r12] ; cmp r3, #0 ; bne again
///
/// 8 bytes: ARMv7-M has no exclusive pair (no LDREXD/STREXD), so the
/// read-modify-write runs with interrupts masked. PRIMASK is saved and
/// restored, not cleared, so a sequence inside a masked section leaves it
/// masked:
///
///     push {lr} ; mrs lr, PRIMASK ; push {lr} ; cpsid i
///     ldr r0, [r12] ; ldr r1, [r12, #4]        old value
///     r2:r3 = r2:r3 op r0:r1 ; str r2, [r12] ; str r3, [r12, #4]
///     pop {lr} ; msr PRIMASK, lr ; pop {lr}
///
/// This is atomic against interrupt handlers and other code on the same
/// core (the Cortex-M4 is single-core); it is not atomic against DMA or a
/// second bus master, which no exclusive-monitor sequence of ARMv7-M could
/// be either. Code running unprivileged cannot mask interrupts (`cpsid` is
/// then ignored): the JIT's code runs privileged on the device.
extension FunctionLowering {
  mutating func lowerAtomic(
    _ op: FunctionIR.Atomic, fetch: Bool, size: Int, base: FunctionIR.Register, offset: Int32,
    source: FunctionIR.Register, site: Int
  ) throws(CodeGenError) {
    _ = try access(base, offset, size: size, write: true, site: site, inScratch: true)
    if size == 8 {
      try atomic64(op, fetch: fetch, source: source)
    } else {
      try atomic32(op, fetch: fetch, source: source)
    }
  }

  mutating func atomic32(_ op: FunctionIR.Atomic, fetch: Bool, source: FunctionIR.Register)
    throws(CodeGenError)
  {
    let m = Reg.r12
    let (old, new, status) = (Reg.r0, Reg.r1, Reg.r3)
    let s = readLow(source, into: .r2)
    let again = a.newLabel()
    let done = a.newLabel()
    try a.bind(again)
    a.ldrex(old, m)
    var stored = new
    switch op {
    case .add: a.add(new, old, s)
    case .or: a.orr(new, old, s)
    case .and: a.and(new, old, s)
    case .xor: a.eor(new, old, s)
    case .xchg: stored = s
    case .cmpxchg:
      let expected = readLow(.r0, into: .r1)
      a.cmp(old, expected)
      a.b(.ne, done)
      stored = s
    }
    a.strex(status, stored, m)
    a.cmp(status, imm: imm(0))
    a.b(.ne, again)
    try a.bind(done)
    let ordered = fetch || op == .xchg || op == .cmpxchg
    if op == .cmpxchg { a.clrex() }
    if ordered { a.dmb() }
    a.mov(.r1, imm: imm(0))
    switch op {
    case .cmpxchg: write(.r0, ABI.a)
    case .xchg: write(source, ABI.a)
    default: if fetch { write(source, ABI.a) }
    }
  }

  mutating func atomic64(_ op: FunctionIR.Atomic, fetch: Bool, source: FunctionIR.Register)
    throws(CodeGenError)
  {
    let m = Reg.r12
    move(into: ABI.b, read(source, into: ABI.b))
    a.push(RegisterList(.lr))
    a.mrsPrimask(.lr)
    a.push(RegisterList(.lr))
    a.cpsid()
    a.ldr(.r0, m, 0)
    a.ldr(.r1, m, 4)
    let done = a.newLabel()
    switch op {
    case .add:
      a.adds(.r2, .r2, .r0)
      a.adc(.r3, .r3, .r1)
    case .or:
      a.orr(.r2, .r2, .r0)
      a.orr(.r3, .r3, .r1)
    case .and:
      a.and(.r2, .r2, .r0)
      a.and(.r3, .r3, .r1)
    case .xor:
      a.eor(.r2, .r2, .r0)
      a.eor(.r3, .r3, .r1)
    case .xchg: break
    case .cmpxchg:
      if let p = pinned(.r0) {
        a.cmp(.r0, p.lo)
        a.b(.ne, done)
        a.cmp(.r1, p.hi)
        a.b(.ne, done)
      } else if case .narrow(let h) = home(.r0) {
        a.cmp(.r0, h)
        a.b(.ne, done)
        a.cmp(.r1, imm: imm(0))
        a.b(.ne, done)
      } else {
        a.ldr(.lr, ABI.fp, ABI.slot(.r0))
        a.cmp(.r0, .lr)
        a.b(.ne, done)
        a.ldr(.lr, ABI.fp, ABI.slot(.r0) + 4)
        a.cmp(.r1, .lr)
        a.b(.ne, done)
      }
    }
    a.str(.r2, m, 0)
    a.str(.r3, m, 4)
    try a.bind(done)
    a.pop(RegisterList(.lr))
    a.msrPrimask(.lr)
    a.pop(RegisterList(.lr))
    switch op {
    case .cmpxchg: write(.r0, ABI.a)
    case .xchg: write(source, ABI.a)
    default: if fetch { write(source, ABI.a) }
    }
  }
}
