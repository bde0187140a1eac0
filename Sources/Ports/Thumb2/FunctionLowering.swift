import KilnCore
import KilnIR

/// Instruction selection for ``FunctionIR`` functions (eBPF) on Thumb-2;
/// register map and frame in `FunctionABI.swift`. One pass over the
/// operations: each reads its operands into host registers (pinned pairs
/// as they are, slots into the scratch pairs), computes, and writes the
/// result back. Run-time failures jump to out-of-line paths that record the
/// site and continue in shared stubs after the body; 64-bit division is a
/// shared routine emitted once after them (`FunctionLoweringDivision.swift`).
struct FunctionLowering {
  typealias Env = FunctionEnvironment
  typealias ABI = FunctionABI
  var a = Thumb2Assembler()
  let environment: FunctionEnvironment
  /// The range analysis' facts, by access site (`FunctionIR.Function.accessFacts`).
  var accessFacts: [FunctionIR.AccessFact] = []
  /// Where each of r0–r9 lives (`RegisterAllocation.swift`).
  var homes = [RegisterAllocation.Home](repeating: .slot, count: 10)
  /// The body is entered by `b` and `exit` branches to `returned`: lr
  /// may hold an eBPF register (`RegisterAllocation.lrIsFree`).
  var returnsByBranch = false
  /// The function never uses eBPF r10: host r10 may hold an eBPF register
  /// (`RegisterAllocation.frameIsFree`) and the prologue does not set it.
  var frameIsFree = false
  /// After the body (r0 = the result), in the prologue.
  let returned: Label
  var labels: [Label] = []
  var cold: [ColdPath] = []
  /// Shared stubs: r0 = site, r2 = detail, r12:r1 = address (lo:hi).
  let outOfBounds: Label
  let packetOutOfBounds: Label
  /// r0 = site.
  let depthExceeded: Label
  /// r0 = site of a failed budget check (`FunctionBudget.swift`).
  let budgetExhausted: Label
  /// Status already stored: sp = fp, result 0, leave.
  let errorExit: Label
  /// sp = fp: frees the frame and returns r0:r1.
  let leave: Label
  /// The 64-bit division routines, emitted if used.
  let unsignedDivision: Label
  let signedDivision: Label
  var usesDivision = false
  /// Argument counts of direct helpers (`Thumb2Port.Hints.helperArguments`).
  var helperArguments: [UInt32: Int] = [:]
  /// Which registers fit 32 bits before each operation (their high word is
  /// 0), and the operation being lowered.
  var upper = UpperZero(FunctionIR.Function(ops: [], labelCount: 0), entry: 0)
  /// Per operation, bit i: ri fits 32 bits before it (`upper`, or the
  /// range analysis' `wordFacts`).
  var fitsBefore: [UInt16] = []
  var index = 0
  /// The operations, and the last one already lowered together with an
  /// earlier one (`lowerMultiplyHigh`, `lowerMoveThenOp`).
  var ops: [FunctionIR.Op] = []
  var loweredThrough = -1
  /// Registers holding r10 plus or minus something since the last label
  /// (bit i: ri): their accesses try the stack region first. Only an
  /// ordering hint for the bounds check, never a proof.
  var stackDerived: UInt16 = 0
  /// Host registers holding a constant for the whole function
  /// (`MultiplyAccumulate.swift`), set by the prologue.
  var constantRegisters: [(value: UInt32, register: Reg)] = []
  /// The register the next direct helper call passes as r1 instead of r1
  /// (`foldArgumentMove`).
  var argumentSource: FunctionIR.Register? = nil
  /// Liveness with this port's calls (`CallLiveness.swift`), for a
  /// function entered by a branch.
  var liveness: CallLiveness? = nil
  /// A constant written on the edges of the branches after it
  /// (`SinkConstants.swift`): its operation and the last branch; the edge
  /// stubs (label, constant's operation, branch target).
  var sunk: (constant: Int, through: Int)? = nil
  var edges: [(label: Label, constant: Int, target: Label)] = []
  var emittingEdges = false

  init(environment: FunctionEnvironment) {
    self.environment = environment
    outOfBounds = a.newLabel()
    packetOutOfBounds = a.newLabel()
    depthExceeded = a.newLabel()
    budgetExhausted = a.newLabel()
    errorExit = a.newLabel()
    leave = a.newLabel()
    returned = a.newLabel()
    unsignedDivision = a.newLabel()
    signedDivision = a.newLabel()
  }

  /// A failure path moved out of line: `prefix ; r0 = site ; r2 = detail ;
  /// b stub`, the prefix putting the failed address in r12:r1 where the
  /// check did not leave it there.
  struct ColdPath {
    var label: Label
    var site: Int
    var detail: UInt32
    var stub: Label
    var prefix: [Setup] = []
  }

  /// One move of a cold path's prefix.
  enum Setup {
    case move(Reg, Reg)
    case constant(Reg, UInt32)
  }

  // MARK: The function

  /// `wordFacts`: the range analysis' word facts of `function` (with
  /// `lengthFits`), if the caller has them; computed here otherwise.
  mutating func lower(_ function: FunctionIR.Function, wordFacts: [UInt16]? = nil)
    throws(CodeGenError) -> [UInt8]
  {
    accessFacts = function.accessFacts
    guard environment.regionCount <= 150 else {
      throw .immediateOutOfRange("\(environment.regionCount) memory regions (at most 150)")
    }
    // On a 32-bit host every register starts within 32 bits: 0, or the
    // context's address and length (below 4 GiB, as every region).
    upper = UpperZero(function, entry: 0x3FF)
    ops = function.ops
    let words =
      wordFacts
      ?? FunctionIR.RangeAnalysis.wordFacts(
        for: function, frameSize: environment.frameSize, lengthFits: true)
    fitsBefore = zip(upper.before, words).map { $0 | $1 }
    returnsByBranch = RegisterAllocation.lrIsFree(function)
    frameIsFree = RegisterAllocation.frameIsFree(function)
    homes = RegisterAllocation.homes(
      function, fits: fitsBefore, baseReadsHigh: function.ops.map(baseReadsHigh),
      helperReads: helperReads,
      hosts: RegisterAllocation.hosts + (returnsByBranch ? [.lr] : [])
        + (frameIsFree ? [ABI.frame] : []))
    if returnsByBranch, CallLiveness.isUseful(function, homes: homes) {
      var reads = HelperMasks()
      for id in environment.directHelpers.keys { reads[id] = helperArgumentMask(id) }
      liveness = CallLiveness(function) { reads[$0] }
    }
    constantRegisters = RegisterAllocation.constantRegisters(
      function.ops, homes: homes, fits: fitsBefore, frameIsFree: frameIsFree)
    labels = (0..<function.labelCount).map { _ in a.newLabel() }
    let body = a.newLabel()
    try prologue(body: body)
    try a.bind(body)
    for (i, op) in function.ops.enumerated() {
      index = i
      if i > loweredThrough { try lower(op) }
      trackStackDerived(op)
    }
    // The checker guarantees the last instruction is `exit` or a jump.
    a.udf(0)
    try emitEdges()
    try emitColdPaths()
    try emitStubs()
    if usesDivision { try emitDivisionRoutines() }
    return try a.finish()
  }

  /// Entry `(state: r0) -> r0:r1`: save r4–r12 and lr, make the frame, copy
  /// the regions, set up the eBPF registers, call the body, return r0.
  mutating func prologue(body: Label) throws(CodeGenError) {
    let frameSize = ABI.frameSize(regionCount: environment.regionCount)
    a.push(ABI.saved)
    try subtract(.sp, .sp, frameSize)
    a.mov(ABI.fp, .sp)
    // A function entered by a branch keeps sp here: the helper calls' area.
    if returnsByBranch { a.sub(.sp, .sp, imm: imm(40)) }
    a.str(.r0, ABI.fp, ABI.statePointer)
    a.mov(.r1, imm: imm(1))
    a.str(.r1, ABI.fp, ABI.callDepth)
    for i in 0..<environment.regionCount {
      a.ldr(.r1, .r0, Env.regionBase(i))
      a.str(.r1, ABI.fp, ABI.regionBase(i))
      for size in [1, 2, 4, 8] {
        a.ldr(.r1, .r0, Env.regionLimit(i, size: size))
        a.str(.r1, ABI.fp, ABI.regionLimit(i, size: size))
      }
    }
    if !frameIsFree { a.ldr(ABI.frame, .r0, Env.frameTop) }
    // r1 = context address, r2 = context length, everything else 0.
    a.ldrd(.r2, .r3, .r0, Env.argument1)
    write(FunctionIR.Register(1), ABI.b)
    a.ldrd(.r2, .r3, .r0, Env.argument2)
    write(FunctionIR.Register(2), ABI.b)
    a.mov(.r2, imm: imm(0))
    a.mov(.r3, imm: imm(0))
    for i: UInt8 in [0, 3, 4, 5, 6, 7, 8, 9] { write(FunctionIR.Register(i), ABI.b) }
    for (value, k) in constantRegisters { a.mov32(k, value) }
    if returnsByBranch { a.b(body) } else { a.bl(body) }
    // The body returned: r0:r1 = eBPF r0.
    try a.bind(returned)
    move(into: ABI.a, read(.r0, into: ABI.a))
    try a.bind(leave)
    a.mov(.sp, ABI.fp)
    try add(.sp, .sp, frameSize)
    a.pop(ABI.restored)
  }

  /// The eBPF registers a call of helper `id` passes (bit i: ri): r1–r5,
  /// or fewer for a direct helper with a known argument count.
  func helperArgumentMask(_ id: UInt32) -> UInt16 {
    guard environment.directHelpers[id] != nil, let n = helperArguments[id] else {
      return 0b11_1110
    }
    return UInt16((1 << (n + 1)) - 2)
  }

  /// `helperArgumentMask` of every direct helper with a known count.
  var helperReads: HelperMasks {
    var out = HelperMasks()
    for id in helperArguments.keys { out[id] = helperArgumentMask(id) }
    return out
  }

  mutating func lower(_ op: FunctionIR.Op) throws(CodeGenError) {
    switch op {
    case .label(let l): try a.bind(labels[l.id])
    case .alu(let op, let width, let dst, let src): try lowerALU(op, width, dst, src)
    case .negate(let width, let dst):
      let d = read(dst, into: ABI.a)
      if width == .w64 {
        negate64(d)
      } else {
        a.rsb(d.lo, d.lo, imm: imm(0))
        return writeLow(dst, d)
      }
      write(dst, d)
    case .signExtend(let width, let dst, let src, let bits):
      let s = read(src, into: ABI.a)
      let d = target(dst, ABI.a)
      switch bits {
      case 8: a.sxtb(d.lo, s.lo)
      case 16: a.sxth(d.lo, s.lo)
      default: if d.lo != s.lo { a.mov(d.lo, s.lo) }
      }
      guard width == .w64 else { return writeLow(dst, d) }
      a.asr(d.hi, d.lo, imm: 31)
      write(dst, d)
    case .zeroExtend(let dst, let bits):
      // A register within 32 bits is its own 32-bit zero extension, and
      // so is one kept in one host register (its high word is 0).
      guard bits < 64, bits == 16 || !fits(dst) else { return }
      if bits == 32, case .narrow = home(dst) { return }
      let d = read(dst, into: ABI.a)
      if bits == 16 { a.uxth(d.lo, d.lo) }
      writeLow(dst, d)
    case .byteSwap(let dst, let bits):
      let d = read(dst, into: ABI.a)
      switch bits {
      case 16:
        a.rev16(d.lo, d.lo)
        a.uxth(d.lo, d.lo)
        return writeLow(dst, d)
      case 32:
        a.rev(d.lo, d.lo)
        return writeLow(dst, d)
      default:
        a.rev(.r12, d.lo)
        a.rev(d.lo, d.hi)
        a.mov(d.hi, .r12)
      }
      write(dst, d)
    case .constant(let dst, let value):
      if sinkConstant(dst) { return }
      let d = target(dst, ABI.a)
      a.mov32(d.lo, UInt32(truncatingIfNeeded: value))
      guard value >> 32 != 0 else { return writeLow(dst, d) }
      a.mov32(d.hi, UInt32(truncatingIfNeeded: value >> 32))
      write(dst, d)
    case .load(let dst, let base, let offset, let size, let signExtend, let site):
      try lowerLoad(dst, base, offset, size: size, signExtend: signExtend, site: site)
    case .store(let base, let offset, let size, let value, let site):
      try lowerStore(base, offset, size: size, value: value, site: site)
    case .atomic(let op, let fetch, let size, let base, let offset, let source, let site):
      try lowerAtomic(
        op, fetch: fetch, size: size, base: base, offset: offset, source: source, site: site)
    case .packetLoad(let size, let index, let imm, let site):
      try lowerPacketLoad(size: size, index: index, imm: imm, site: site)
    case .jump(let l): a.b(labels[l.id])
    case .branch(let c, let width, let lhs, let rhs, let l):
      lowerBranch(c, width, lhs, rhs, branchTarget(labels[l.id]))
    case .callHelper(let id, let site):
      try callHelper(id: .immediate(Int32(bitPattern: id)), site: site)
    case .callHelperIndirect(let r, let site):
      try callHelper(id: .register(r), site: site)
    case .callLocal(let l, let site): try lowerLocalCall(labels[l.id], site: site)
    case .return: if returnsByBranch { a.b(returned) } else { a.bx(.lr) }
    case .budget(let cost, let site): try emitBudgetCheck(cost: cost, site: site)
    case .poll(let site): try emitPoll(site: site)
    case .charge(let cost, let l): try emitCharge(cost: cost, otherwise: labels[l.id])
    case .refund(let amount): try emitRefund(amount)
    }
  }

  /// Updates ``stackDerived`` after `op`: `r = r10` makes r a stack
  /// pointer, adding or subtracting a non-stack value keeps it one, any
  /// other write, a call or a label forgets it.
  mutating func trackStackDerived(_ op: FunctionIR.Op) {
    func bit(_ r: FunctionIR.Register) -> UInt16 { 1 << r.index }
    switch op {
    case .alu(.move, .w64, let d, .register(let s)):
      stackDerived =
        s == .r10 || stackDerived & bit(s) != 0 ? stackDerived | bit(d) : stackDerived & ~bit(d)
    case .alu(.add, .w64, _, .immediate), .alu(.sub, .w64, _, .immediate): break
    case .alu(.add, .w64, let d, .register(let s)), .alu(.sub, .w64, let d, .register(let s)):
      if s == .r10 || stackDerived & bit(s) != 0 { stackDerived &= ~bit(d) }
    case .alu(_, _, let d, _), .negate(_, let d), .signExtend(_, let d, _, _),
      .zeroExtend(let d, _),
      .byteSwap(let d, _), .constant(let d, _), .load(let d, _, _, _, _, _):
      stackDerived &= ~bit(d)
    case .atomic(_, _, _, _, _, let source, _): stackDerived &= ~(bit(source) | bit(.r0))
    case .store, .branch, .charge, .refund: break
    default: stackDerived = 0
    }
  }

  // MARK: eBPF registers

  /// The home of r0–r9 (r10 is not in `homes`).
  func home(_ r: FunctionIR.Register) -> RegisterAllocation.Home {
    r.index < 10 ? homes[Int(r.index)] : .slot
  }

  /// The host pair of `r`, when it is pinned to one.
  func pinned(_ r: FunctionIR.Register) -> Pair? {
    if case .pair(let p) = home(r) { return p }
    return nil
  }

  /// The host pair holding `r`: its pinned pair, or `scratch` loaded from
  /// its slot. r10 and a register kept in one host register are (host
  /// register, `scratch.hi` = 0).
  mutating func read(_ r: FunctionIR.Register, into scratch: Pair) -> Pair {
    if r == .r10 {
      a.mov(scratch.hi, imm: imm(0))
      return Pair(ABI.frame, scratch.hi)
    }
    switch home(r) {
    case .pair(let p): return p
    case .narrow(let h):
      a.mov(scratch.hi, imm: imm(0))
      return Pair(h, scratch.hi)
    case .slot:
      a.ldrd(scratch.lo, scratch.hi, ABI.fp, ABI.slot(r))
      return scratch
    }
  }

  /// `read` for operations that never read the high word (32-bit ones):
  /// a register kept in one host register comes without zeroing
  /// `scratch.hi`.
  mutating func readWord(_ r: FunctionIR.Register, into scratch: Pair) -> Pair {
    if case .narrow(let h) = home(r) { return Pair(h, scratch.hi) }
    return read(r, into: scratch)
  }

  /// The low word of `r` (for addresses): a pinned register, host r10, or
  /// `scratch` loaded from the slot.
  mutating func readLow(_ r: FunctionIR.Register, into scratch: Reg) -> Reg {
    if r == .r10 { return ABI.frame }
    switch home(r) {
    case .pair(let p): return p.lo
    case .narrow(let h): return h
    case .slot:
      a.ldr(scratch, ABI.fp, ABI.slot(r))
      return scratch
    }
  }

  /// Where to compute a new value of `r`: its pinned pair, its host
  /// register with `scratch.hi` (a high word computed there is 0 and
  /// dropped), else `scratch`.
  func target(_ r: FunctionIR.Register, _ scratch: Pair) -> Pair {
    switch home(r) {
    case .pair(let p): return p
    case .narrow(let h): return Pair(h, scratch.hi)
    case .slot: return scratch
    }
  }

  /// Makes `value` the value of `r` (nothing if it is already `r`'s pair).
  mutating func write(_ r: FunctionIR.Register, _ value: Pair) {
    precondition(r != .r10, "eBPF r10 is read-only")
    switch home(r) {
    case .pair(let p): move(into: p, value)
    // Its value fits 32 bits (before the next operation too): the high
    // word is 0.
    case .narrow(let h): if h != value.lo { a.mov(h, value.lo) }
    case .slot: a.strd(value.lo, value.hi, ABI.fp, ABI.slot(r))
    }
  }

  /// Whether `r`'s high word is 0 before the current operation (r10's
  /// always is: the frame is below 4 GiB).
  func fits(_ r: FunctionIR.Register) -> Bool {
    r == .r10
      || (r.index < 10 && index < fitsBefore.count && fitsBefore[index] & (1 << r.index) != 0)
  }

  /// Whether an operand's 64-bit value fits 32 bits (immediates sign-extend).
  func fits(_ o: FunctionIR.Operand) -> Bool {
    switch o {
    case .register(let r): fits(r)
    case .immediate(let i): i >= 0
    }
  }

  /// Makes `value.lo`, zero-extended, the value of `r`; `value.hi` is not
  /// read and may be set to 0. If `r` already fits 32 bits, its high word
  /// (register or slot) is 0 and stays so: only the low word is written.
  mutating func writeLow(_ r: FunctionIR.Register, _ value: Pair) {
    // One host register: the low word is all it keeps.
    if case .narrow(let h) = home(r) {
      if h != value.lo { a.mov(h, value.lo) }
      return
    }
    guard fits(r) else {
      if case .pair(let p) = home(r) {
        if p.lo != value.lo { a.mov(p.lo, value.lo) }
        a.mov(p.hi, imm: imm(0))
        return
      }
      a.mov(value.hi, imm: imm(0))
      return write(r, value)
    }
    switch home(r) {
    case .pair(let p): if p.lo != value.lo { a.mov(p.lo, value.lo) }
    case .narrow(let h): if h != value.lo { a.mov(h, value.lo) }
    case .slot: a.str(value.lo, ABI.fp, ABI.slot(r))
    }
  }

  /// `into = value` (64-bit register moves; none if they are the same).
  mutating func move(into d: Pair, _ value: Pair) {
    if d.lo == value.hi && d.hi == value.lo {
      a.mov(.r12, value.lo)
      a.mov(d.lo, value.lo)
      a.mov(d.hi, .r12)
      return
    }
    if d.lo == value.hi {
      a.mov(d.hi, value.hi)
      a.mov(d.lo, value.lo)
      return
    }
    if d.lo != value.lo { a.mov(d.lo, value.lo) }
    if d.hi != value.hi { a.mov(d.hi, value.hi) }
  }

  /// A scratch register not in `used`.
  func free(_ used: [Reg]) -> Reg {
    for r in ABI.scratch where !used.contains(r) { return r }
    preconditionFailure("no free scratch register besides \(used)")
  }

  // MARK: Constants

  /// A modified immediate known to be encodable (small constants of the lowering).
  func imm(_ value: UInt32) -> ModifiedImmediate {
    guard let m = ModifiedImmediate(exactly: value) else {
      preconditionFailure("\(value) is not a modified immediate")
    }
    return m
  }

  /// `d = n + value` (any value; r12 holds a constant no form encodes).
  mutating func add(_ d: Reg, _ n: Reg, _ value: Int32) throws(CodeGenError) {
    if value < 0 { return try subtract(d, n, -value) }
    if let m = ModifiedImmediate(exactly: UInt32(value)) {
      a.add(d, n, imm: m)
    } else if value < 4096 {
      a.addw(d, n, imm12: UInt16(value))
    } else {
      a.mov32(.r12, UInt32(value))
      a.add(d, n, .r12)
    }
  }

  /// `d = n - value` for 0 ≤ value.
  mutating func subtract(_ d: Reg, _ n: Reg, _ value: Int32) throws(CodeGenError) {
    if value < 0 { return try add(d, n, -value) }
    if let m = ModifiedImmediate(exactly: UInt32(value)) {
      a.sub(d, n, imm: m)
    } else if value < 4096 {
      a.subw(d, n, imm12: UInt16(value))
    } else {
      a.mov32(.r12, UInt32(value))
      a.sub(d, n, .r12)
    }
  }

  /// 64-bit `d = -d`.
  mutating func negate64(_ d: Pair) {
    a.rsbs(d.lo, d.lo, imm: imm(0))
    a.sbc(d.hi, d.hi, d.hi, .lsl(1))
  }

  // MARK: Stubs and the state block

  /// Stores `value` (r12 must be free) as the 8-byte state field `offset`,
  /// the state pointer in `state`, `zero` holding 0.
  mutating func storeWord(_ lo: Reg, zero: Reg, state: Reg, _ offset: Int32) {
    a.str(lo, state, offset)
    a.str(zero, state, offset + 4)
  }

  mutating func emitColdPaths() throws(CodeGenError) {
    for c in cold {
      try a.bind(c.label)
      for setup in c.prefix {
        switch setup {
        case .move(let d, let m): if d != m { a.mov(d, m) }
        case .constant(let d, let v): a.mov32(d, v)
        }
      }
      a.mov32(.r0, UInt32(truncatingIfNeeded: c.site))
      a.mov32(.r2, c.detail)
      a.b(c.stub)
    }
  }

  /// The shared failure stubs and the unwinding exit.
  mutating func emitStubs() throws(CodeGenError) {
    let state = Reg.r3
    try emitBudgetStub()
    try a.bind(outOfBounds)
    try storeError(.outOfBounds)
    try a.bind(packetOutOfBounds)
    try storeError(.packetOutOfBounds)
    try a.bind(depthExceeded)
    a.ldr(state, ABI.fp, ABI.statePointer)
    a.mov(.r1, imm: imm(0))
    storeWord(.r0, zero: .r1, state: state, Env.errorSite)
    a.mov(.r0, imm: imm(UInt32(FunctionIR.Status.callDepthExceeded.rawValue)))
    storeWord(.r0, zero: .r1, state: state, Env.status)
    try a.bind(errorExit)
    a.mov(.sp, ABI.fp)
    a.mov(.r0, imm: imm(0))
    a.mov(.r1, imm: imm(0))
    a.b(leave)
  }

  /// Records r0 = site, r12:r1 = address, r2 = detail and `status`, then unwinds.
  mutating func storeError(_ status: FunctionIR.Status) throws(CodeGenError) {
    let state = Reg.r3
    a.ldr(state, ABI.fp, ABI.statePointer)
    a.str(.r12, state, Env.errorAddress)
    a.str(.r1, state, Env.errorAddress + 4)
    a.mov(.r1, imm: imm(0))
    storeWord(.r0, zero: .r1, state: state, Env.errorSite)
    storeWord(.r2, zero: .r1, state: state, Env.errorDetail)
    a.mov(.r0, imm: imm(UInt32(status.rawValue)))
    storeWord(.r0, zero: .r1, state: state, Env.status)
    a.b(errorExit)
  }
}
