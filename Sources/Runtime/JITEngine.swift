import KilnCore
import KilnIR
import KilnPort
import RV32

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `VirtualMachine` sees of its JIT engine (whatever the port).
protocol CompiledEngine: AnyObject {
  func run(from start: UInt32, vm: VirtualMachine) throws(RuntimeError)
  func flush()
  var statistics: Statistics { get }
  var onBlockCompiled: ((CompiledBlockInfo) -> Void)? { get set }
  func slowPath(forFaultAt rip: UInt) -> UInt?
}

/// Lazy block compiler, code cache and dispatcher of the JIT engine, for
/// the host port `Port`, running generated code through `executor`.
///
/// Blocks are compiled on first execution into `code`, as the entry of a
/// `Region` (the blocks reachable from it by direct jumps and branches,
/// within `Region.Limits`) when the port lowers regions. Direct jumps to
/// blocks not yet compiled leave through a patchable exit; the dispatcher
/// compiles the target and patches the jump to go straight there. Indirect
/// jumps look up a direct-mapped jump cache in generated code and only come
/// back here on a miss. When the buffer is full, or guest code is written,
/// everything is dropped (`flush`) and recompiled on demand. Every write of
/// code is committed (W^X flip, instruction-cache flush) before it runs.
/// With `Config.compileThreshold`, a block first runs that many times in
/// the interpreter (tiered compilation), on the same registers and memory.
final class JITEngine<Port: BlockPort>: CompiledEngine {
  let state: GuestState
  let memory: any GuestMemory
  let config: Config
  let executor: any Executor
  let code: any CodeMemory
  let backend: Port.Blocks
  let stubs: HostStubs
  let stubsEnd: Int
  let translator: Translator

  private var cursor: Int
  private var blocks: [UInt32: UInt] = [:]
  /// Flat memory: host address of each compiled guest access → host address
  /// of its slow path (`FaultSite`), for `HostCall.memoryFault`.
  private var faultSites: [UInt: UInt] = [:]
  /// Incremented by every flush; patch sites from before a flush are stale.
  private(set) var generation = 0
  private var counters = Statistics()
  var onBlockCompiled: ((CompiledBlockInfo) -> Void)?
  /// Tiered compilation (`Config.compileThreshold`; 0 when the VM counts
  /// instructions): runs of each block in the interpreter so far, and the
  /// interpreter's decoded instructions. Generated code's stores do not
  /// maintain that cache; they reach `flush`, which empties it, because
  /// every page an interpreted block runs from is marked as code.
  private let compileThreshold: Int
  private var interpretedRuns: [UInt32: Int] = [:]
  private let tierCache = InstructionCache()
  /// Whether interpreted blocks marked pages as code since the last flush.
  private var tierMarkedCode = false

  var statistics: Statistics {
    var s = counters
    s.hostInstructionsExecuted = executor.executedInstructions
    return s
  }

  init(
    state: GuestState, memory: any GuestMemory, config: Config, executor: any Executor
  ) throws(VMError) {
    let facts = Port.facts
    guard config.maxCodeSize <= facts.maxCodeSize else {
      throw .invalidMaxCodeSize(config.maxCodeSize, limit: facts.maxCodeSize)
    }
    self.state = state
    self.memory = memory
    self.config = config
    self.executor = executor
    compileThreshold = config.countsInstructions ? 0 : config.compileThreshold
    do {
      code = try executor.makeCodeMemory(capacity: config.maxCodeSize, port: facts)
    } catch { throw .jitUnavailable(error.description) }
    var layout = state.layout
    if let flat = memory as? FlatMemory, executor.runsNatively {
      // Stores into compiled code fault natively: the port may drop its
      // code-page check (an emulator writes through host pointers of its own).
      do { try flat.enableCodeWriteProtection() } catch {
        throw .flatMemoryUnavailable(error.description)
      }
      layout.codePagesWriteProtected = true
    }
    if let paged = memory as? PagedMemory, let reservation = state.pagedReservation,
      case .paged(var tables) = layout.memory, tables.directTables != nil,
      facts.faultingPageWalk, facts.signalContextPC != nil, executor.runsNatively,
      reservation.register()
    {
      // `PageWalk.faulting`; otherwise (registry full, a port without it)
      // the direct walk, on the same tables.
      tables.missBase = Int32(reservation.missOffset)
      tables.guardedPool = paged.hasGuardedPool
      layout.memory = .paged(tables)
      paged.useMissRegion(at: reservation.missBase)
    }
    backend = Port.Blocks(layout: layout)
    do {
      stubs = try backend.makeStubs(baseAddress: code.address)
    } catch { throw .jitUnavailable(error.description) }
    code.install(stubs.bytes, at: 0)
    stubsEnd = (stubs.bytes.count + 63) & ~63
    cursor = stubsEnd
    translator = Translator(maxBlockInstructions: config.maxBlockInstructions)
    do { try HostCalls.install(in: state, executor: executor) } catch {
      throw .jitUnavailable(error.description)
    }
    if let flat = memory as? FlatMemory {
      // Natively the SIGSEGV handler reads the pc from the signal context;
      // an emulator reports the pc itself (`LazyMemory.touch`).
      let pcOffset = facts.signalContextPC ?? 0
      if executor.runsNatively && facts.signalContextPC == nil {
        throw .flatMemoryUnavailable("the \(facts.name) port has no native fault path")
      }
      flat.reservation.attachCode(
        start: code.address + UInt(stubsEnd), end: code.address + UInt(code.capacity),
        recovery: stubs.memoryFault, pcOffset: pcOffset)
    }
    if let reservation = state.pagedReservation, reservation.isRegistered,
      let pcOffset = facts.signalContextPC
    {
      reservation.attachCode(
        start: code.address + UInt(stubsEnd), end: code.address + UInt(code.capacity),
        recovery: stubs.memoryFault, pcOffset: pcOffset)
    }
  }

  // MARK: dispatcher

  func run(from start: UInt32, vm: VirtualMachine) throws(RuntimeError) {
    var pc = start
    let statePointer = UInt(bitPattern: state.pointer)
    while pc != VirtualMachine.returnAddress {
      if interpretsNext(pc) {
        try interpretBlock(at: &pc, vm: vm)
        continue
      }
      let host = try hostCode(for: pc)
      let generationAtEntry = generation
      let raw: UInt64
      do { raw = try executor.call(stubs.entry, statePointer, host) } catch {
        throw .internalError(error.description)
      }
      let reason = UInt32(truncatingIfNeeded: raw)
      counters.dispatcherExits += 1
      switch ExitReason(rawValue: reason) {
      case .chain:
        pc = state.exitPC
        let site = state.exitPatchSite
        guard site != 0, pc != VirtualMachine.returnAddress, !interpretsNext(pc) else { continue }
        let target = try hostCode(for: pc)
        if generation == generationAtEntry { try patch(site: site, target: target) }
      case .indirect:
        pc = state.exitPC
        guard pc != VirtualMachine.returnAddress, !interpretsNext(pc) else { continue }
        state.cacheJump(pc: pc, host: try hostCode(for: pc))
      case .synchronize:
        pc = state.exitPC
      case .budget:
        try vm.finishBudget(at: state.exitPC)
        pc = VirtualMachine.returnAddress
      case .error:
        let error = vm.pendingError ?? .internalError("exit without a recorded error")
        vm.pendingError = nil
        throw error
      case nil:
        throw .internalError("unknown exit reason \(reason)")
      }
    }
  }

  // MARK: tiered compilation

  /// Whether the block at `pc` runs in the interpreter this time: it is
  /// not compiled and has run there fewer than `compileThreshold` times.
  private func interpretsNext(_ pc: UInt32) -> Bool {
    compileThreshold > 0 && pc & 3 == 0 && blocks[pc] == nil
      && interpretedRuns[pc, default: 0] < compileThreshold
  }

  /// Runs the block at `pc` in the interpreter, as far as a compiled block
  /// would go (`straightLineLength`), handling a syscall or fault as the
  /// interpreter engine does.
  private func interpretBlock(at pc: inout UInt32, vm: VirtualMachine) throws(RuntimeError) {
    interpretedRuns[pc, default: 0] += 1
    let count = straightLineLength(at: pc)
    // Stores into these pages (generated code's too) now take the slow
    // path, whose flush empties `tierCache`.
    let first = pc >> 12
    let last = max(first, (pc &+ UInt32(count - 1) &* 4) >> 12)
    for page in first...last {
      do { try memory.markCode(page: page) } catch {
        throw .outOfMemory(pc: pc, address: page << 12)
      }
    }
    tierMarkedCode = true
    let before = vm.interpretedInstructions
    defer {
      counters.blocksInterpreted += 1
      counters.guestInstructionsInterpreted += vm.interpretedInstructions - before
    }
    if let event = try vm.interpret(from: &pc, budget: UInt64(count), cache: tierCache) {
      try vm.handle(event)
    }
  }

  /// Instructions from `pc` up to and including the first that may jump or
  /// leave the block (a branch, `jal`, `jalr`, a system instruction or a
  /// fence), at most `maxBlockInstructions`, and only while they can be
  /// fetched; at least 1 (an instruction that cannot be fetched faults in
  /// the interpreter, as it would at a compiled block's start).
  private func straightLineLength(at pc: UInt32) -> Int {
    var n = 0
    var address = pc
    while n < config.maxBlockInstructions {
      guard memory.permissions.isExecutable(address >> 12), let word = memory.fetch(address)
      else { break }
      n += 1
      switch word & 0x7F {
      case 0x63, 0x67, 0x6F, 0x73, 0x0F: return n
      default: address &+= 4
      }
    }
    return max(n, 1)
  }

  // MARK: code cache

  /// Host code for the block at `pc`, compiling it if needed.
  func hostCode(for pc: UInt32) throws(RuntimeError) -> UInt {
    if let host = blocks[pc] { return host }
    guard pc & 3 == 0 else { throw .misalignedJump(pc: pc, target: pc) }
    return try compile(at: pc)
  }

  private func compile(at pc: UInt32) throws(RuntimeError) -> UInt {
    let started = monotonicNanoseconds()
    // A page that is not executable ends the block (or faults at its start).
    let region = Region.form(at: pc, limits: regionLimits) { [translator, memory] address in
      translator.translate(at: address) { a in
        memory.permissions.isExecutable(a >> 12) ? memory.fetch(a) : nil
      }
    }
    var compiled = try emit(region)
    counters.codeGenerationNanoseconds += monotonicNanoseconds() &- started
    if compiled.bytes.count > code.capacity - cursor {
      flush()
      guard compiled.bytes.count <= code.capacity - cursor else {
        throw .codeBufferTooSmall(pc: pc, needed: compiled.bytes.count)
      }
      compiled = try emit(region)
    }
    // Before the code can run: stores to its pages must take the slow path.
    for block in region.blocks where block.endPC != block.startPC {
      for page in (block.startPC >> 12)...((block.endPC &- 1) >> 12) {
        do { try memory.markCode(page: page) } catch {
          throw .outOfMemory(pc: block.startPC, address: page << 12)
        }
      }
    }
    let bytes = compiled.bytes
    let host = code.address + UInt(cursor)
    code.install(bytes, at: cursor)
    cursor = (cursor + bytes.count + 15) & ~15
    blocks[pc] = host
    for site in compiled.faultSites {
      faultSites[host + UInt(site.access)] = host + UInt(site.slowPath)
    }
    counters.blocksCompiled += region.blocks.count
    counters.guestInstructionsTranslated += region.guestInstructionCount
    counters.hostBytesEmitted += bytes.count
    counters.compileNanoseconds += monotonicNanoseconds() &- started
    if let onBlockCompiled {
      var words: [UInt32] = []
      var pcs: [UInt32] = []
      for block in region.blocks {
        var a = block.startPC
        while a != block.endPC, let w = memory.fetch(a) {
          words.append(w)
          pcs.append(a)
          a &+= 4
        }
      }
      onBlockCompiled(
        CompiledBlockInfo(
          startPC: pc, guestWords: words, hostAddress: host, hostCode: bytes, guestPCs: pcs))
    }
    return host
  }

  /// How far regions go: single blocks for ports that do not lower regions
  /// (AArch64: regions with a budget only, `BlockBackend.regionLimits`).
  private var regionLimits: Region.Limits { backend.regionLimits }

  private func emit(_ region: Region) throws(RuntimeError) -> CompiledCode {
    let base = code.address + UInt(cursor)
    do {
      return try backend.compile(region, baseAddress: base, stubs: stubs) { [blocks] pc in
        blocks[pc]
      }
    } catch { throw .internalError(error.description) }
  }

  private func patch(site: UInt, target: UInt) throws(RuntimeError) {
    let bytes: [UInt8]
    do { bytes = try backend.patchJump(site: site, target: target) } catch {
      throw .internalError(error.description)
    }
    code.install(bytes, at: Int(site - code.address))
    counters.chainedJumps += 1
  }

  /// Drops all compiled code. Installed bytes stay in place until new code is
  /// compiled over them, so a block that is still running (the one whose
  /// store invalidated code) can finish its exit sequence. With nothing
  /// compiled (a loader protecting pages one by one) there is nothing to do
  /// and nothing to count. The interpreter's decoded instructions (tiered
  /// compilation) are dropped too, and their blocks start counting again.
  func flush() {
    let compiled = !(blocks.isEmpty && cursor == stubsEnd)
    guard compiled || tierMarkedCode else { return }
    if tierMarkedCode {
      tierCache.invalidateAll()
      interpretedRuns.removeAll(keepingCapacity: true)
      tierMarkedCode = false
    }
    memory.unmarkAllCode()
    counters.cacheFlushes += 1
    guard compiled else { return }
    blocks.removeAll(keepingCapacity: true)
    faultSites.removeAll(keepingCapacity: true)
    cursor = stubsEnd
    state.resetJumpCache()
    generation += 1
  }

  /// Where generated code resumes after the signal handler sent the guest
  /// access at host address `rip` to the recovery stub: that access's slow
  /// path. Nil if `rip` is not a compiled access (a bug in the port).
  func slowPath(forFaultAt rip: UInt) -> UInt? { faultSites[rip] }
}

/// Makes the JIT engine of `port` (opened from the existential `HostTarget.port`).
func makeJITEngine<Port: BlockPort>(
  _ port: Port.Type, state: GuestState, memory: any GuestMemory, config: Config,
  executor: any Executor
) throws(VMError) -> any CompiledEngine {
  try JITEngine<Port>(state: state, memory: memory, config: config, executor: executor)
}

func monotonicNanoseconds() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
