import KilnCore
import KilnIR

/// Instruction selection for ``FunctionIR`` functions (eBPF) on x86-64; the
/// register map and frame are drawn in `FunctionABI.swift`. One pass over
/// the operations; run-time failures jump to shared stubs at the end.
struct FunctionLowering {
  typealias Env = FunctionEnvironment
  var a: X86Assembler
  let environment: FunctionEnvironment
  /// The range analysis' facts, by access site (`FunctionIR.Function.accessFacts`).
  var accessFacts: [FunctionIR.AccessFact] = []
  /// The registers each local function may write (which of r6–r9 a call saves).
  var callWrites = FunctionIR.LocalCallWrites(FunctionIR.Function(ops: [], labelCount: 0))
  /// IR label → assembler label.
  var labels: [Label] = []
  /// Out-of-line failure paths, emitted after the body.
  var cold: [ColdPath] = []
  /// Shared stubs: r10 = site, r11 = address, r9 = detail.
  let outOfBounds: Label
  let packetOutOfBounds: Label
  let depthExceeded: Label
  /// r10 = site, r9 = cost of a failed budget check (`FunctionBudget.swift`).
  let budgetExhausted: Label
  /// Status already stored: unwind to `savedStack` and return.
  let errorExit: Label

  init(environment: FunctionEnvironment, baseAddress: UInt) {
    a = X86Assembler(baseAddress: baseAddress)
    self.environment = environment
    outOfBounds = a.newLabel()
    packetOutOfBounds = a.newLabel()
    depthExceeded = a.newLabel()
    budgetExhausted = a.newLabel()
    errorExit = a.newLabel()
  }

  static let state = FunctionABI.state
  func host(_ r: FunctionIR.Register) -> GPR { FunctionABI.host(r) }
  func field(_ offset: Int32) -> Memory { FunctionABI.field(offset) }

  mutating func lower(_ function: FunctionIR.Function) throws(CodeGenError) -> [UInt8] {
    accessFacts = function.accessFacts
    callWrites = FunctionIR.LocalCallWrites(function)
    labels = (0..<function.labelCount).map { _ in a.newLabel() }
    let body = a.newLabel()
    prologue(body: body)
    try a.bind(body)
    for op in function.ops { try lower(op) }
    // The checker guarantees the last instruction is `exit` or a jump;
    // a trap here would only catch an internal error.
    a.ud2()
    try emitColdPaths()
    try emitStubs()
    return try a.finish()
  }

  /// Entry `(state: rdi) -> rax`: save callee-saved registers, set up the IR
  /// registers, call the body, return r0.
  mutating func prologue(body: Label) {
    for r in FunctionABI.calleeSaved { a.push(r) }
    a.mov(.qword, Self.state, .rdi)
    a.mov(.qword, field(Env.savedStack), .rsp)
    a.mov(.qword, .rdi, field(Env.argument1))
    a.mov(.qword, .rsi, field(Env.argument2))
    a.mov(.qword, .rbp, field(Env.frameTop))
    for r in [GPR.rax, .rdx, .rcx, .r8, .rbx, .r13, .r14, .r15] { a.alu(.xor, .dword, r, r) }
    a.call(body)
    epilogue()
  }

  mutating func epilogue() {
    for r in FunctionABI.calleeSaved.reversed() { a.pop(r) }
    a.ret()
  }

  mutating func lower(_ op: FunctionIR.Op) throws(CodeGenError) {
    switch op {
    case .label(let l): try a.bind(labels[l.id])
    case .alu(let op, let w, let dst, let src): try lowerALU(op, w, host(dst), src)
    case .negate(let w, let dst): a.neg(size(w), host(dst))
    case .signExtend(let w, let dst, let src, let bits):
      lowerSignExtend(size(w), host(dst), host(src), bits: bits)
    case .zeroExtend(let dst, let bits):
      switch bits {
      case 16: a.movzx16(host(dst), host(dst))
      case 32: a.mov(.dword, host(dst), host(dst))
      default: break
      }
    case .byteSwap(let dst, let bits):
      switch bits {
      case 16:
        a.bswap(.dword, host(dst))
        a.shift(.shr, .dword, host(dst), imm: 16)
      case 32: a.bswap(.dword, host(dst))
      default: a.bswap(.qword, host(dst))
      }
    case .constant(let dst, let value): loadConstant(host(dst), value)
    case .load(let dst, let base, let offset, let size, let signExtend, let site):
      let m = try address(
        host(base), offset, size: size, write: false, site: site)
      lowerLoad(host(dst), m, size: size, signExtend: signExtend)
    case .store(let base, let offset, let size, let value, let site):
      let m = try address(
        host(base), offset, size: size, write: true, site: site)
      lowerStore(m, size: size, value: value)
    case .atomic(let op, let fetch, let size, let base, let offset, let source, let site):
      try lowerAtomic(
        op, fetch: fetch, size: size, base: host(base), offset: offset, source: host(source),
        site: site)
    case .packetLoad(let size, let index, let imm, let site):
      try lowerPacketLoad(size: size, index: index.map { host($0) }, imm: imm, site: site)
    case .jump(let l): a.jmp(labels[l.id])
    case .branch(let c, let w, let lhs, let rhs, let l):
      lowerBranch(c, w, host(lhs), rhs, labels[l.id])
    case .callHelper(let id, let site):
      a.mov(FunctionABI.scratch.a, imm32: id)
      a.mov(.qword, field(Env.helperID), FunctionABI.scratch.a)
      try callHelper(site: site, checkStatus: false)
    case .callHelperIndirect(let r, let site):
      a.mov(.qword, field(Env.helperID), host(r))
      try callHelper(site: site, checkStatus: true)
    case .callLocal(let l, let site):
      lowerLocalCall(labels[l.id], writes: callWrites.writes(l), site: site)
    case .return: a.ret()
    case .budget(let cost, let site): try emitBudgetCheck(cost: cost, site: site)
    case .poll(let site): emitPoll(site: site)
    case .charge(let cost, let l): try emitCharge(cost: cost, otherwise: labels[l.id])
    case .refund(let amount): try emitRefund(amount)
    }
  }

  func size(_ w: FunctionIR.Width) -> OperandSize { w == .w64 ? .qword : .dword }

  /// dst = value, in the shortest form.
  mutating func loadConstant(_ dst: GPR, _ value: UInt64) {
    if value == 0 {
      a.alu(.xor, .dword, dst, dst)
    } else if value <= UInt64(UInt32.max) {
      a.mov(dst, imm32: UInt32(value))
    } else if Int64(Int32(truncatingIfNeeded: Int64(bitPattern: value))) == Int64(bitPattern: value)
    {
      a.mov(dst, simm32: Int32(truncatingIfNeeded: Int64(bitPattern: value)))
    } else {
      a.mov(dst, imm64: value)
    }
  }

  /// The shared failure stubs and the unwinding exit.
  mutating func emitStubs() throws(CodeGenError) {
    let s = FunctionABI.scratch
    try emitBudgetStub()
    try a.bind(outOfBounds)
    a.mov(.qword, field(Env.status), imm32: Int32(FunctionIR.Status.outOfBounds.rawValue))
    try storeError()
    try a.bind(packetOutOfBounds)
    a.mov(.qword, field(Env.status), imm32: Int32(FunctionIR.Status.packetOutOfBounds.rawValue))
    try storeError()
    try a.bind(depthExceeded)
    a.mov(.qword, field(Env.status), imm32: Int32(FunctionIR.Status.callDepthExceeded.rawValue))
    a.mov(.qword, field(Env.errorSite), s.b)
    try a.bind(errorExit)
    a.mov(.qword, .rsp, field(Env.savedStack))
    a.alu(.xor, .dword, .rax, .rax)
    epilogue()
  }

  /// Records r10 = site, r11 = address, r9 = detail, then unwinds.
  mutating func storeError() throws(CodeGenError) {
    let s = FunctionABI.scratch
    a.mov(.qword, field(Env.errorSite), s.b)
    a.mov(.qword, field(Env.errorAddress), s.address)
    a.mov(.qword, field(Env.errorDetail), s.a)
    a.jmp(errorExit)
  }
}
