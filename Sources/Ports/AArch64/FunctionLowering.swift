import KilnCore
import KilnIR

/// Instruction selection for ``FunctionIR`` functions (eBPF) on AArch64;
/// the register map and frame are drawn in `FunctionABI.swift`. One pass
/// over the operations; run-time failures jump to out-of-line paths that
/// record the site and continue in shared stubs at the end.
struct FunctionLowering {
  typealias Env = FunctionEnvironment
  var a: AArch64Assembler
  let environment: FunctionEnvironment
  /// The range analysis' facts, by access site (`FunctionIR.Function.accessFacts`).
  var accessFacts: [FunctionIR.AccessFact] = []
  /// The registers each local function may write (which pairs a call saves).
  var callWrites = FunctionIR.LocalCallWrites(FunctionIR.Function(ops: [], labelCount: 0))
  let features: CPUFeatures
  /// IR label → assembler label.
  var labels: [Label] = []
  /// Out-of-line failure paths, emitted after the body.
  var cold: [ColdPath] = []
  /// Shared stubs: x10 = site, x9 = address, x11 = detail.
  let outOfBounds: Label
  let packetOutOfBounds: Label
  let depthExceeded: Label
  /// x10 = site of a failed budget check (`FunctionBudget.swift`).
  let budgetExhausted: Label
  /// Status already stored: unwind to `savedStack` and return 0.
  let errorExit: Label
  /// Restores the callee-saved registers and returns x7 (r0).
  let epilogue: Label
  /// Whether the function has budget checks (then x23 holds the budget left).
  var countsBudget = false

  init(environment: FunctionEnvironment, features: CPUFeatures, baseAddress: UInt) {
    a = AArch64Assembler(baseAddress: baseAddress)
    self.environment = environment
    self.features = features
    outOfBounds = a.newLabel()
    packetOutOfBounds = a.newLabel()
    depthExceeded = a.newLabel()
    budgetExhausted = a.newLabel()
    errorExit = a.newLabel()
    epilogue = a.newLabel()
  }

  // MARK: Register views

  func host(_ r: FunctionIR.Register) -> GPR { FunctionABI.host(r) }
  func x(_ r: FunctionIR.Register) -> XReg { XReg(host(r)) }
  func w(_ r: FunctionIR.Register) -> WReg { WReg(host(r)) }
  static let state = XRegSP(FunctionABI.state)
  static let scratch = FunctionABI.scratch

  // MARK: The function

  mutating func lower(_ function: FunctionIR.Function) throws(CodeGenError) -> [UInt8] {
    accessFacts = function.accessFacts
    callWrites = FunctionIR.LocalCallWrites(function)
    countsBudget = function.ops.contains {
      switch $0 {
      case .budget, .charge: return true
      default: return false
      }
    }
    labels = (0..<function.labelCount).map { _ in a.newLabel() }
    let body = a.newLabel()
    try prologue(body: body)
    try a.bind(body)
    for op in function.ops { try lower(op) }
    // The checker guarantees the last instruction is `exit` or a jump;
    // a trap here would only catch an internal error.
    a.brk(0)
    try emitColdPaths()
    try emitStubs()
    return try a.finish()
  }

  /// Entry `(state: x0) -> x0`: save the callee-saved registers, set up the
  /// IR registers, call the body, return r0.
  mutating func prologue(body: Label) throws(CodeGenError) {
    let saved = savedPairs
    let frame = 16 * (saved.count + 1)
    guard let size = PairOffset(exactly: -frame) else {
      throw .immediateOutOfRange("prologue frame \(frame)")
    }
    a.stp(.x29, .x30, .preIndex(.sp, size))
    a.movSP(XRegSP(GPR.fp), .sp)
    for (i, pair) in saved.enumerated() {
      a.stp(XReg(pair.0), XReg(pair.1), .offset(.sp, PairOffset(layout: 16 * (i + 1))))
    }
    a.mov(XReg(FunctionABI.state), .x0)
    let t = XReg(Self.scratch.address)
    a.movSP(XRegSP(Self.scratch.address), .sp)
    try storeField(t, Env.savedStack)
    try loadField(x(FunctionIR.Register(1)), Env.argument1)
    try loadField(x(FunctionIR.Register(2)), Env.argument2)
    try loadField(x(.r10), Env.frameTop)
    for i: UInt8 in [0, 3, 4, 5, 6, 7, 8, 9] { a.mov(x(FunctionIR.Register(i)), .xzr) }
    if countsBudget { try loadField(XReg(FunctionABI.budget), Env.budgetRemaining) }
    a.bl(body)
    try a.bind(epilogue)
    a.mov(.x0, x(.r0))
    for (i, pair) in saved.enumerated().reversed() {
      a.ldp(XReg(pair.0), XReg(pair.1), .offset(.sp, PairOffset(layout: 16 * (i + 1))))
    }
    a.ldp(.x29, .x30, .postIndex(.sp, PairOffset(layout: frame)))
    a.ret()
  }

  /// The callee-saved pairs the prologue saves: with budget checks, also
  /// x23 (the budget left, `FunctionABI.budget`) and x24.
  var savedPairs: [(GPR, GPR)] {
    FunctionABI.calleeSavedPairs + (countsBudget ? [(FunctionABI.budget, GPR.x24)] : [])
  }

  mutating func lower(_ op: FunctionIR.Op) throws(CodeGenError) {
    switch op {
    case .label(let l): try a.bind(labels[l.id])
    case .alu(let op, let width, let dst, let src): try lowerALU(op, width, dst, src)
    case .negate(let width, let dst):
      if width == .w64 { a.neg(x(dst), x(dst)) } else { a.neg(w(dst), w(dst)) }
    case .signExtend(let width, let dst, let src, let bits):
      lowerSignExtend(width, dst, src, bits: bits)
    case .zeroExtend(let dst, let bits):
      switch bits {
      case 16: a.uxth(w(dst), w(dst))
      case 32: a.mov(w(dst), w(dst))
      default: break
      }
    case .byteSwap(let dst, let bits):
      switch bits {
      case 16:
        a.rev16(w(dst), w(dst))
        a.uxth(w(dst), w(dst))
      case 32: a.rev(w(dst), w(dst))
      default: a.rev(x(dst), x(dst))
      }
    case .constant(let dst, let value): a.mov(x(dst), imm: value)
    case .load(let dst, let base, let offset, let size, let signExtend, let site):
      let address = try access(base, offset, size: size, write: false, site: site)
      lowerLoad(dst, address, size: size, signExtend: signExtend)
    case .store(let base, let offset, let size, let value, let site):
      let address = try access(base, offset, size: size, write: true, site: site)
      lowerStore(address, size: size, value: value)
    case .atomic(let op, let fetch, let size, let base, let offset, let source, let site):
      try lowerAtomic(
        op, fetch: fetch, size: size, base: base, offset: offset, source: source, site: site)
    case .packetLoad(let size, let index, let imm, let site):
      try lowerPacketLoad(size: size, index: index, imm: imm, site: site)
    case .jump(let l): a.b(labels[l.id])
    case .branch(let c, let width, let lhs, let rhs, let l):
      lowerBranch(c, width, lhs, rhs, labels[l.id])
    case .callHelper(let id, let site):
      let t = Self.scratch.address
      a.mov(WReg(t), imm: id)
      try storeField(XReg(t), Env.helperID)
      try callHelper(site: site, checkStatus: false)
    case .callHelperIndirect(let r, let site):
      try storeField(x(r), Env.helperID)
      try callHelper(site: site, checkStatus: true)
    case .callLocal(let l, let site):
      try lowerLocalCall(labels[l.id], writes: callWrites.writes(l), site: site)
    case .return: a.ret()
    case .budget(let cost, let site): try emitBudgetCheck(cost: cost, site: site)
    case .poll(let site): try emitPoll(site: site)
    case .charge(let cost, let l): try emitCharge(cost: cost, otherwise: labels[l.id])
    case .refund(let amount): try emitRefund(amount)
    }
  }

  // MARK: The state block

  /// The `[x26, #offset]` operand of a state field (8-byte words).
  func field(_ offset: Int32) throws(CodeGenError) -> Address {
    guard let scaled = ScaledOffset(bytes: Int(offset), size: .doubleword) else {
      throw .immediateOutOfRange("state field offset \(offset)")
    }
    return .offset(Self.state, scaled)
  }

  mutating func loadField(_ t: XReg, _ offset: Int32) throws(CodeGenError) {
    a.ldr(t, try field(offset))
  }

  mutating func storeField(_ t: XReg, _ offset: Int32) throws(CodeGenError) {
    a.str(t, try field(offset))
  }

  /// Stores a status constant (x11 is free at every error path).
  mutating func storeStatus(_ status: FunctionIR.Status) throws(CodeGenError) {
    let t = XReg(Self.scratch.b)
    a.mov(t, imm: status.rawValue)
    try storeField(t, Env.status)
  }

  /// The shared failure stubs and the unwinding exit.
  mutating func emitStubs() throws(CodeGenError) {
    let s = Self.scratch
    try emitBudgetStub()
    try a.bind(outOfBounds)
    try storeError(.outOfBounds)
    try a.bind(packetOutOfBounds)
    try storeError(.packetOutOfBounds)
    try a.bind(depthExceeded)
    try storeField(XReg(s.a), Env.errorSite)
    try storeStatus(.callDepthExceeded)
    try a.bind(errorExit)
    let t = XReg(s.address)
    try loadField(t, Env.savedStack)
    guard let tSP = t.orSP else { throw .immediateOutOfRange("savedStack scratch") }
    a.movSP(.sp, tSP)
    a.mov(x(.r0), .xzr)
    a.b(epilogue)
  }

  /// Records x10 = site, x9 = address, x11 = detail and `status`, then unwinds.
  mutating func storeError(_ status: FunctionIR.Status) throws(CodeGenError) {
    let s = Self.scratch
    try storeField(XReg(s.a), Env.errorSite)
    try storeField(XReg(s.address), Env.errorAddress)
    try storeField(XReg(s.b), Env.errorDetail)
    try storeStatus(status)
    a.b(errorExit)
  }
}
