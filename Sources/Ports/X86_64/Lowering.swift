import KilnCore
import KilnIR
import KilnPort

/// Where an IR value is while generated code runs.
enum Location: Equatable {
  case register(GPR)
  case memory(Memory)
  case immediate(UInt32)
}

/// Code placed after a block's hot path, entered by a jump to `label`.
enum ColdPath {
  /// Page-walk miss (or, in flat mode, a fault at the access instruction at
  /// offset `faultSite`): host call, then back to `resume` (eax = guest address,
  /// or, with `address`, recomputed from that base and offset first; with
  /// its `reuse`, rdx is the reused page walk again before resuming).
  case access(
    label: Label, resume: Label, call: HostCall, register: GuestRegister?, value: Value?,
    size: AccessSize, signed: Bool, pc: UInt32, writeBack: [GuestRegister], faultSite: Int?,
    address: (base: Value, offset: Int32, reuse: Bool)? = nil)
  /// JALR to a target with bit 1 set (eax = target).
  case misalignedIndirect(label: Label, pc: UInt32)
  case fault(label: Label, GuestFault)
  /// Exit asking the dispatcher to chain the rel32 at `siteAddress` to `pc`.
  case chainExit(label: Label, siteAddress: UInt, pc: UInt32)
  /// A block's budget check failed (`emitBudgetCheck`): give `covered`
  /// back, write back `writeBack`, then leave at the block's start.
  case budgetExit(label: Label, pc: UInt32, covered: Int, writeBack: [GuestRegister])
  /// A conditional edge that gives budget back (`leaveRefunding`).
  case refundEdge(label: Label, amount: Int, writeBack: [GuestRegister], target: Target)
  /// A conditional branch out of the region: write back `writeBack`, then
  /// jump to `target` (chained, compiled or a fault).
  case exit(label: Label, writeBack: [GuestRegister], target: Target)
}

/// Storage that `BlockLowering` reuses from one region to the next: its
/// arrays and label table were several allocations and frees per compiled
/// block (callgrind, `compile-bench`). One per `X86_64Blocks`; a lowering
/// moves the storage out while it runs (`init(…scratch:)`) and back when
/// done (`giveBack`), so a second lowering at the same time would only find
/// it empty, never shared.
final class LoweringScratch {
  var cold: [ColdPath] = []
  var owners: [(Int, Int)] = []
  var blockLabels: [Label] = []
  var labels = LabelTable<X86Fixup>()

  /// The label table, leaving an empty one without storage.
  func takeLabels() -> LabelTable<X86Fixup> {
    var taken = LabelTable<X86Fixup>(capacity: 0)
    swap(&taken, &labels)
    return taken
  }
}

/// Instruction selection for one region (one or more blocks, `Region`): IR
/// operations and terminators to x86-64 code. Jumps and branches between the
/// region's blocks are local jumps that keep the cache registers; slow paths
/// (page-walk misses, chain exits, faults) are emitted out of line after the
/// region's hot code.
struct BlockLowering {
  let abi: X86ABI
  let stubs: HostStubs
  /// The shared slow paths (`SharedStubs`); nil: every block inlines its own.
  let shared: SharedStubAddresses?
  let lookup: (UInt32) -> UInt?
  var a: X86Assembler
  /// Out-of-line code, emitted after the terminator.
  var cold: [ColdPath] = []
  /// Block-local register cache: guest register index → callee-saved host
  /// register, for the block's most used memory-backed registers.
  var cached = CacheMap()
  /// Cached registers written so far, in order: stored back before the
  /// block is left (an exit in the middle stores only those written before it).
  var dirty: [GuestRegister] = []
  /// The cached guest registers, in cache-register order.
  var cacheOrder: [GuestRegister] = []
  /// Flat memory: the access instructions and their slow paths.
  var faultSites: [FaultSite] = []
  /// The region being lowered, its analysis and one label per block.
  var region = Region(blocks: [])
  var analysis: RegionAnalysis?
  var blockLabels: [Label] = []
  /// The block each cold path comes from.
  var owners: [(Int, Int)] = []
  /// Index of the block being lowered.
  var current = 0
  /// Where the budget is checked and given back (nil: no budget).
  var budgetPlan: BudgetPlan?
  /// While lowering the unchecked copy of a counted loop's block: its start.
  var countedCopy: Label?
  /// The copy of the region's loop being lowered (`layOutLoopCopies`), how
  /// many there are, and the labels of copies 1... (copy 0: `blockLabels`).
  var copy = 0
  var copies = 1
  var copyLabels: [[Label]] = []
  /// The start of the block emitted after the current one (nil: none).
  var nextLabel: Label?
  /// Paged memory with a guarded pool: the loads of the current block that
  /// reuse an earlier load's page walk (`LoweringMemory.swift`), the index
  /// of the operation being lowered, and whether rdx holds the reused walk.
  var pageReuse = PageReuse()
  var pageRole = PageReuse.Role.walk
  var operationIndex = 0
  var walkInRDX = false

  init(
    abi: X86ABI, stubs: HostStubs, shared: SharedStubAddresses?, baseAddress: UInt,
    lookup: @escaping (UInt32) -> UInt?, scratch: LoweringScratch? = nil
  ) {
    self.abi = abi
    self.stubs = stubs
    self.shared = shared
    self.lookup = lookup
    if let scratch {
      a = X86Assembler(baseAddress: baseAddress, labels: scratch.takeLabels())
      swap(&cold, &scratch.cold)
      swap(&owners, &scratch.owners)
      swap(&blockLabels, &scratch.blockLabels)
    } else {
      a = X86Assembler(baseAddress: baseAddress)
    }
  }

  /// Gives the reusable storage back to `scratch`, emptied.
  mutating func giveBack(_ scratch: LoweringScratch) {
    cold.removeAll(keepingCapacity: true)
    owners.removeAll(keepingCapacity: true)
    blockLabels.removeAll(keepingCapacity: true)
    swap(&cold, &scratch.cold)
    swap(&owners, &scratch.owners)
    swap(&blockLabels, &scratch.blockLabels)
    scratch.labels = a.takeLabels()
  }

  mutating func lower(_ region: Region) throws(CodeGenError) -> CompiledCode {
    let analysis = RegionAnalysis(region, registerCount: abi.layout.registerCount)
    self.region = region
    self.analysis = analysis
    budgetPlan = abi.layout.budget == nil ? nil : BudgetPlan(region)
    for _ in region.blocks { blockLabels.append(a.newLabel()) }
    allocateCache(analysis)
    let counted = countedLoop().map { ($0, a.newLabel()) }
    if let (loop, label) = counted { emitCountedCharge(loop, counted: label) }
    // One allocation each for a typical region (its growth from empty was
    // several reallocations per block, callgrind); nothing when reused.
    owners.reserveCapacity(16)
    cold.reserveCapacity(16)
    let order = layOutLoopCopies(counted: counted != nil)
    for (n, (copy, i)) in order.enumerated() {
      let block = region.blocks[i]
      self.copy = copy
      nextLabel = n + 1 < order.count ? copyLabel(order[n + 1]) : nil
      try emitBlockEntry(i, analysis: analysis, at: copyLabel((copy, i)))
      if let budget = abi.layout.budget { emitBudgetCheck(block, budget) }
      try lowerOperations(block.operations)
      try lower(block.terminator)
      owners += repeatElement((i, copy), count: cold.count - owners.count)
    }
    copy = 0
    nextLabel = nil
    if let (_, label) = counted {
      try lowerCountedCopy(at: label, analysis: analysis)
      owners += repeatElement((0, 0), count: cold.count - owners.count)
    }
    var next = 0
    while next < cold.count {  // cold paths may add cold paths (chain exits)
      if next < owners.count { (current, copy) = owners[next] }
      try emit(cold[next])
      next += 1
    }
    return CompiledCode(bytes: try a.finish(), faultSites: faultSites)
  }

  /// The start of guest block `index` of the region: the target of the
  /// local jumps to it. Every guest block's entry is emitted here, and only
  /// here (a per-block hook belongs here). The cache registers possibly
  /// written on the way in are dirty.
  mutating func emitBlockEntry(
    _ index: Int, analysis: RegionAnalysis, at label: Label? = nil
  ) throws(CodeGenError) {
    current = index
    startPageReuse()
    try a.bind(label ?? blockLabels[index])
    dirty = cacheOrder.filter { analysis.mayWriteIn[index].contains($0) }
  }

  // MARK: operands

  func location(_ g: GuestRegister) -> Location {
    if let r = abi.host(g) ?? cached[Int(g.index)] { return .register(r) }
    return .memory(abi.slot(g))
  }

  func location(_ v: Value) -> Location {
    switch v {
    case .register(let g): location(g)
    case .immediate(let i): .immediate(i)
    }
  }

  /// dst (a host register) = v.
  mutating func load(_ dst: GPR, _ v: Value) {
    switch location(v) {
    case .register(let r): if r != dst { a.mov(.dword, dst, r) }
    case .memory(let m): a.mov(.dword, dst, m)
    case .immediate(let i): a.mov(dst, imm32: i)
    }
  }

  /// guest register g = src (a host register).
  mutating func store(_ g: GuestRegister, from src: GPR) {
    switch location(g) {
    case .register(let r): if r != src { a.mov(.dword, r, src) }
    case .memory(let m): a.mov(.dword, m, src)
    case .immediate: preconditionFailure("a register location is never an immediate")
    }
  }

  /// `op dst, v` for a two-operand ALU instruction, any operand kind.
  mutating func alu(_ op: ALUOp, _ dst: GPR, _ v: Value) {
    switch location(v) {
    case .register(let r): a.alu(op, .dword, dst, r)
    case .memory(let m): a.alu(op, .dword, dst, m)
    case .immediate(let i): a.alu(op, .dword, dst, imm: Int32(bitPattern: i))
    }
  }

  // MARK: operations

  mutating func lower(_ operation: Operation) throws(CodeGenError) {
    notePageRole(operation)
    switch operation {
    case .move(let dst, let v):
      lower(move: dst, v)
    case .binary(let op, let dst, let lhs, let rhs):
      try lowerBinary(op, dst, lhs, rhs)
    case .load(let dst, let base, let offset, let size, let signed, let pc):
      try lowerLoad(dst, base: base, offset: offset, size: size, signed: signed, pc: pc)
    case .store(let value, let base, let offset, let size, let pc):
      try lowerStore(value, base: base, offset: offset, size: size, pc: pc)
    }
  }
}

extension BlockLowering {
  mutating func emit(_ path: ColdPath) throws(CodeGenError) {
    switch path {
    case .access(
      let label, let resume, let call, let register, let value, let size, let signed, let pc,
      let writeBack, let faultSite, let address):
      try a.bind(label)
      if let faultSite { faultSites.append(FaultSite(access: faultSite, slowPath: a.offset)) }
      if let address { effectiveAddress(address.base, address.offset) }
      if let shared, abi.layout.budget == nil {
        try sharedSlowAccess(
          shared.access(size, signed: signed, store: call == .store, stubs: stubs), pc: pc,
          value: value, writeBack: writeBack)
      } else {
        try slowAccess(
          call, size: size, signed: signed, pc: pc, value: value, writeBack: writeBack)
      }
      if let register { store(register, from: .rax) }
      if address?.reuse == true { reloadReusedWalk() }
      a.jmp(resume)
    case .misalignedIndirect(let label, let pc):
      try a.bind(label)
      a.mov(.dword, .rcx, .rax)
      try fault(.misalignedJump, pc: pc, detailInECX: true)
    case .fault(let label, let f):
      try a.bind(label)
      try fault(f)
    case .exit(let label, let writeBack, let target):
      try a.bind(label)
      for g in writeBack { self.writeBack(g) }
      try jump(to: target)
    case .chainExit(let label, let siteAddress, let pc):
      try a.bind(label)
      if let shared {
        // edx = pc, rax = the field's host address (RIP-relative: the
        // code's own address), then the shared chain exit.
        a.mov(.rdx, imm32: pc)
        a.leaRIP(.rax, target: Int(siteAddress - a.buffer.baseAddress))
        try a.jmp(absolute: shared.chain(stubs))
        return
      }
      a.mov(.dword, abi.field(abi.layout.exitPC), imm32: Int32(bitPattern: pc))
      a.mov(.rax, imm64: UInt64(siteAddress))
      a.mov(.qword, abi.field(abi.layout.exitPatchSite), .rax)
      try exit(.chain)
    case .budgetExit(let label, let pc, let covered, let writeBack):
      try emitBudgetExit(label, pc: pc, covered: covered, writeBack: writeBack)
    case .refundEdge(let label, let amount, let writeBack, let target):
      try emitRefundEdge(label, amount: amount, writeBack: writeBack, target: target)
    }
  }
}
