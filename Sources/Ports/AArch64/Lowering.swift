import KilnCore
import KilnIR
import KilnPort

/// Code placed after a block's hot path, entered by a branch to `label`.
enum ColdPath {
  /// Page-walk miss (or, in flat mode, a fault at the access instruction at
  /// offset `faultSite`): host call, then back to `resume` (w16 = guest address).
  case access(
    label: Label, resume: Label, call: HostCall, register: GuestRegister?, value: Value?,
    size: KilnIR.AccessSize, signed: Bool, pc: UInt32, faultSite: Int?)
  /// JALR to a target with bit 1 set (w16 = target).
  case misalignedIndirect(label: Label, pc: UInt32)
  case fault(label: Label, GuestFault)
  /// Exit asking the dispatcher to chain the `b` at `siteAddress` to `pc`.
  case chainExit(label: Label, siteAddress: UInt, pc: UInt32)
  /// A conditional branch's way to a block not compiled yet: a patchable
  /// `b` (to the chain exit until the dispatcher patches it).
  case patchableJump(label: Label, pc: UInt32)
  /// The block's budget check failed (`emitBudgetCheck`): give `covered`
  /// back and leave.
  case budgetExit(label: Label, pc: UInt32, covered: Int)
}

/// Instruction selection for one block: IR operations and terminator to
/// AArch64 code. Slow paths (page-walk misses, chain exits, faults) are
/// emitted out of line after the block's hot code.
///
/// Operands: a pinned guest register is its host W register; a
/// memory-backed one is loaded into a scratch register (w16 for left
/// operands and results, w17 for right operands); the constant 0 is wzr.
struct BlockLowering {
  let abi: BlockABI
  let stubs: HostStubs
  let accessStubs: AccessStubs
  let lookup: (UInt32) -> UInt?
  var a: AArch64Assembler
  /// Out-of-line code, emitted after the terminator.
  var cold: [ColdPath] = []
  /// Flat memory: the access instructions and their slow paths.
  var faultSites: [FaultSite] = []
  /// The block being lowered (for the budget given back after a store
  /// into compiled code, `refundBudget(resumingAt:)`).
  var block: Block?
  /// A block that loops to itself with a budget (`lowerUnrolled`): the
  /// copy being lowered, how many there are, and the copy each cold path
  /// comes from.
  var copy = 0
  var copies = 1
  var coldCopies: [Int] = []
  /// A region of several blocks with a budget (`Regions.swift`): the
  /// region, its `BudgetPlan`, the block being lowered, each copy's block
  /// labels and the block each cold path comes from.
  var region: Region?
  var plan: BudgetPlan?
  var current = 0
  var regionLabels: [[Label]] = []
  var coldBlocks: [Int] = []
  /// The start of the block laid out after the current one (nil: none).
  var nextLabel: Label?

  init(
    abi: BlockABI, stubs: HostStubs, accessStubs: AccessStubs, baseAddress: UInt,
    lookup: @escaping (UInt32) -> UInt?
  ) {
    self.abi = abi
    self.stubs = stubs
    self.accessStubs = accessStubs
    self.lookup = lookup
    a = AArch64Assembler(baseAddress: baseAddress)
  }

  mutating func lower(_ block: Block) throws(CodeGenError) -> CompiledCode {
    self.block = block
    if let budget = abi.layout.budget, let copies = Self.loopCopies(block) {
      try lowerUnrolled(block, budget, copies: copies)
    } else {
      if let budget = abi.layout.budget {
        emitBudgetCheck(pc: block.startPC, cost: block.budgetCost, budget)
      }
      for operation in block.operations { try lower(operation) }
      try lower(block.terminator)
    }
    return try finish()
  }

  /// The cold paths, then the code.
  mutating func finish() throws(CodeGenError) -> CompiledCode {
    var i = 0
    while i < cold.count {  // cold paths may add cold paths
      if i < coldCopies.count { copy = coldCopies[i] }
      if i < coldBlocks.count { current = coldBlocks[i] }
      try emit(cold[i])
      i += 1
    }
    return CompiledCode(bytes: try a.finish(), faultSites: faultSites)
  }

  // MARK: operands

  /// The register-file slot of `g`.
  mutating func slot(_ g: GuestRegister) -> Address {
    abi.field(abi.slotOffset(g), size: .word, temp: .x17, &a)
  }

  /// A register holding `v`: its pinned register, wzr for 0, or `scratch`
  /// loaded with it.
  mutating func read(_ v: Value, into scratch: WReg) -> WReg {
    switch v {
    case .register(let g):
      if let r = abi.host(g) { return r }
      a.ldr(scratch, slot(g))
      return scratch
    case .immediate(0):
      return .wzr
    case .immediate(let i):
      a.mov(scratch, imm: i)
      return scratch
    }
  }

  /// dst = v (a host register).
  mutating func load(_ dst: WReg, _ v: Value) {
    let r = read(v, into: dst)
    if r != dst { a.mov(dst, r) }
  }

  /// The register to compute guest register `g` into: its pinned register,
  /// or `scratch` (then `store(_:from:)` writes it to the slot).
  func target(_ g: GuestRegister, scratch: WReg = BlockABI.scratch0) -> WReg {
    abi.host(g) ?? scratch
  }

  /// guest register g = r.
  mutating func store(_ g: GuestRegister, from r: WReg) {
    if let host = abi.host(g) {
      if host != r { a.mov(host, r) }
    } else {
      a.str(r, slot(g))
    }
  }

  /// `[x28 + offset]` for a 32-bit state word (through x17 if far).
  mutating func stateWord(_ offset: Int32) -> Address {
    abi.field(Int(offset), size: .word, temp: .x17, &a)
  }

  // MARK: operations

  mutating func lower(_ operation: Operation) throws(CodeGenError) {
    switch operation {
    case .move(let dst, let v):
      lower(move: dst, v)
    case .binary(let op, let dst, let lhs, let rhs):
      lowerBinary(op, dst, lhs, rhs)
    case .load(let dst, let base, let offset, let size, let signed, let pc):
      try lowerLoad(dst, base: base, offset: offset, size: size, signed: signed, pc: pc)
    case .store(let value, let base, let offset, let size, let pc):
      try lowerStore(value, base: base, offset: offset, size: size, pc: pc)
    }
  }

  /// dst = v.
  mutating func lower(move dst: GuestRegister, _ v: Value) {
    if let host = abi.host(dst) {
      load(host, v)
    } else {
      // w17: a JALR's link is written while w16 holds its target.
      let r = read(v, into: BlockABI.scratch1)
      a.str(r, slot(dst))
    }
  }
}

extension BlockLowering {
  mutating func emit(_ path: ColdPath) throws(CodeGenError) {
    switch path {
    case .access(
      let label, let resume, let call, let register, let value, let size, let signed, let pc,
      let faultSite):
      try a.bind(label)
      if let faultSite { faultSites.append(FaultSite(access: faultSite, slowPath: a.offset)) }
      try slowAccess(call, size: size, signed: signed, pc: pc, value: value)
      if let register { store(register, from: BlockABI.result) }
      a.b(resume)
    case .misalignedIndirect(let label, let pc):
      try a.bind(label)
      try fault(.misalignedJump, pc: pc, detail: BlockABI.scratch0)
    case .fault(let label, let f):
      try a.bind(label)
      try fault(f)
    case .chainExit(let label, let siteAddress, let pc):
      try a.bind(label)
      a.mov(BlockABI.scratch1, imm: pc)
      a.str(BlockABI.scratch1, stateWord(abi.layout.exitPC))
      a.mov(XReg.x17, imm: UInt64(siteAddress))
      a.str(XReg.x17, abi.field(Int(abi.layout.exitPatchSite), size: .doubleword, temp: .x16, &a))
      try exit(.chain)
    case .patchableJump(let label, let pc):
      try a.bind(label)
      try patchableJump(to: pc)
    case .budgetExit(let label, let pc, let covered):
      try emitBudgetExit(label, pc: pc, covered: covered)
    }
  }

  /// `b` to a chain exit for `pc`, recorded as the site the dispatcher patches.
  mutating func patchableJump(to pc: UInt32) throws(CodeGenError) {
    let stub = a.newLabel()
    a.keepTogether(words: 1)
    let site = a.offset
    a.b(stub)
    cold.append(.chainExit(label: stub, siteAddress: a.buffer.baseAddress + UInt(site), pc: pc))
  }

  /// mov w0, reason ; b exit
  mutating func exit(_ reason: ExitReason) throws(CodeGenError) {
    a.mov(BlockABI.result, imm: reason.rawValue)
    try a.b(absolute: stubs.exit)
  }
}
