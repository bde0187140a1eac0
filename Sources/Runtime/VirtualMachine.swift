import KilnCore
import KilnIR
import KilnPort
import RV32

/// Called on ECALL with the VM and the syscall number (a7). It reads and
/// writes guest state through the VM's API, may call `callFunction` again,
/// and throws to stop the guest (`RuntimeError.exited` for a normal exit).
public typealias SyscallHandler = (VirtualMachine, UInt32) throws(RuntimeError) -> Void

/// An RV32IM virtual machine: guest registers and memory (paged or flat,
/// `Config.memoryMode`), and an engine (JIT or interpreter) that runs guest
/// code. Single-threaded.
public final class VirtualMachine {
  /// `ra` is set to this address by `callFunction`; reaching it ends the call.
  public static let returnAddress: UInt32 = 0xFFFF_FFF0

  public let config: Config
  let state: GuestState
  let memory: any GuestMemory
  let syscallHandler: SyscallHandler
  var spill: SpillStack
  /// Bounds nesting by the host stack (the spill stack bounds it by `maxStackDepth`).
  var nesting = NestingGuard()
  var jit: (any CompiledEngine)?
  /// The interpreter's decoded instructions (empty for a JIT VM); writes
  /// through the memory API invalidate what they overwrite.
  let instructionCache = InstructionCache()
  /// The error a host call recorded before returning `HostCallStatus.error`.
  var pendingError: RuntimeError?
  /// Where generated code runs (natively, or in an emulator).
  let executor: any Executor
  /// The port and executor of the JIT, nil for an interpreter-only VM.
  public let host: HostTarget?

  /// Called after each block is compiled (for `-v` dumps and perf maps).
  public var onBlockCompiled: ((CompiledBlockInfo) -> Void)? {
    get { jit?.onBlockCompiled }
    set { jit?.onBlockCompiled = newValue }
  }

  public var statistics: Statistics {
    guard let jit else {
      var s = Statistics()
      s.guestInstructionsExecuted = UInt64(interpretedInstructions)
      return s
    }
    return jit.statistics
  }

  /// Guest instructions the interpreter has executed (all runs).
  var interpretedInstructions = 0
  /// Stops a running guest from another thread; nil unless
  /// `Config.interruptible`.
  public private(set) var interrupter: Interrupter?

  /// Creates a VM, allocating everything it will need: state and page tables,
  /// the page pool, the spill stack and the code buffer. `host` is the port
  /// the JIT compiles for and where its code runs (required for
  /// `Engine.jit`; `KilnHosts` makes them, and its
  /// `VirtualMachine(config:syscallHandler:)` picks this machine's port).
  public init(
    config: Config = Config(), host: HostTarget?, syscallHandler: @escaping SyscallHandler
  ) throws(VMError) {
    guard (1...Config.maxPages).contains(config.maxMemoryPages) else {
      throw .invalidMaxMemoryPages(config.maxMemoryPages)
    }
    let codeLimit = host?.port.facts.maxCodeSize ?? Int.max
    guard (Config.minCodeSize...codeLimit).contains(config.maxCodeSize) else {
      throw .invalidMaxCodeSize(config.maxCodeSize, limit: codeLimit)
    }
    guard (SpillStack.frameBytes...(64 << 20)).contains(config.maxStackDepth) else {
      throw .invalidMaxStackDepth(config.maxStackDepth)
    }
    guard (1...4096).contains(config.maxBlockInstructions) else {
      throw .invalidMaxBlockInstructions(config.maxBlockInstructions)
    }
    guard (0...Config.maxCompileThreshold).contains(config.compileThreshold) else {
      throw .invalidCompileThreshold(config.compileThreshold)
    }
    let jitHost: HostTarget?
    if config.engine == .jit {
      guard let host else {
        throw .jitUnavailable("no JIT port for this host architecture; use the interpreter")
      }
      jitHost = host
    } else {
      jitHost = nil
    }
    self.config = config
    self.syscallHandler = syscallHandler
    self.host = jitHost
    do { executor = try jitHost?.makeExecutor() ?? NativeExecutor() } catch {
      throw .jitUnavailable(error.description)
    }
    let hint = Translator.preferredRegisters
    let counts =
      config.countsInstructions
      ? GuestBudget(end: config.instructionBudget ?? .max, polls: config.interruptible) : nil
    switch config.memoryMode {
    case .paged:
      // The interpreter walks no tables: it needs no miss region.
      let walk = config.engine == .jit || config.pageWalk != .faulting ? config.pageWalk : .direct
      state = try GuestState(
        walk: walk, preferredRegisters: hint, budget: counts, executor: executor,
        poolPages: PagedMemory.guardedPoolPages(config.maxMemoryPages))
      memory = try PagedMemory(state: state, pages: config.maxMemoryPages, executor: executor)
    case .flat:
      let reservation = try FlatReservation(quota: config.maxMemoryPages)
      do throws(ExecutorError) {
        // Generated code reaches the state block at fixed offsets from the
        // reservation: it must be lent in place, not as a copy.
        let block = reservation.stateBlock
        guard try executor.expose(block, writable: true) == UInt(bitPattern: block.baseAddress)
        else {
          executor.withdraw(block)
          throw ExecutorError.unsupported("flat memory needs its state block in place")
        }
        try executor.attach(reservation)
      } catch { throw .flatMemoryUnavailable(error.description) }
      state = GuestState(flat: reservation, preferredRegisters: hint, budget: counts)
      memory = FlatMemory(reservation: reservation, state: state)
    }
    spill = try SpillStack(bytes: config.maxStackDepth)
    if let jitHost {
      guard let port = jitHost.port as? any BlockPort.Type else {
        throw .jitUnavailable("the \(jitHost.port.facts.name) port does not compile RV32 code")
      }
      jit = try makeJITEngine(
        port, state: state, memory: memory, config: config, executor: executor)
    }
    state.owner = Unmanaged.passUnretained(self).toOpaque()
    if config.interruptible { interrupter = Interrupter(state: state) }
  }

  /// The page walk generated code uses: `config.pageWalk`, or `.direct`
  /// where the faulting walk is not available; nil in flat memory or
  /// without the JIT.
  public var pageWalk: PageWalk? {
    guard jit != nil, let paged = memory as? PagedMemory else { return nil }
    if paged.directOffset != 0 { return .faulting }
    return config.pageWalk == .pageTable ? .pageTable : .direct
  }

  // MARK: program and memory

  /// Copies `code` into guest memory at `address` (mapping pages as needed).
  public func loadProgram(_ code: [UInt8], at address: UInt32) throws(VMError) {
    do { try writeMemory(at: address, code) } catch { throw .memory(error) }
  }

  public func readMemory(at address: UInt32, count: Int) throws(MemoryError) -> [UInt8] {
    try memory.read(at: address, count: count)
  }

  /// Writes guest memory; compiled code of the pages written is invalidated.
  public func writeMemory(at address: UInt32, _ bytes: [UInt8]) throws(MemoryError) {
    // Also after a failed write, which may have written a part.
    defer { instructionCache.invalidate(address: address, count: bytes.count) }
    if try memory.write(at: address, bytes) { jit?.flush() }
  }

  /// Unmaps and zeroes all guest memory and drops all compiled code.
  public func clearMemory() {
    jit?.flush()
    instructionCache.invalidateAll()
    memory.clear()
    if let flat = memory as? FlatMemory { executor.lazyMemoryCleared(flat.reservation) }
  }

  /// Guest pages (4 KiB page numbers) that are never mapped, such as the
  /// guard gap below a Linux guest's stack: a guest access to them ends the
  /// run with `RuntimeError.guardPage` on every engine and memory mode;
  /// `readMemory`/`writeMemory` fail with `MemoryError.outOfMemory`. Pages
  /// of the range already mapped stay mapped (set it before loading).
  public var guardPages: Range<UInt32> {
    get { memory.guardPages }
    set { memory.guardPages = newValue }
  }

  /// Makes guest pages `pages` read-only unless `writable` and not
  /// executable unless `executable`, mapping them (counted against
  /// `maxMemoryPages`), as a Linux loader does from ELF segment flags. A guest
  /// store to a read-only page, or execution of a page that is not
  /// executable, ends the run with `RuntimeError.protectionFault` on every
  /// engine and memory mode (SIGSEGV on Linux). The memory API
  /// (`readMemory`, `writeMemory`) still reaches the pages; `clearMemory`
  /// makes every page writable and executable again.
  public func protect(pages: Range<UInt32>, writable: Bool, executable: Bool) throws(MemoryError) {
    for page in pages {
      try memory.protect(page: page, writable: writable, executable: executable)
    }
    // Code compiled (or decoded) from these pages before may no longer run.
    jit?.flush()
    instructionCache.invalidateAll()
  }

  /// Whether guest pages that `protect` never gave permissions (or that
  /// `unprotect` gave back) may be executed. True by default; a Linux process
  /// sets it false, since the kernel maps the stack, the heap and anonymous
  /// memory without execute permission. `clearMemory` keeps the setting.
  public var unprotectedPagesExecutable: Bool {
    get { memory.permissions.defaultExecutable }
    set {
      memory.setDefaultExecutable(newValue)
      jit?.flush()
      instructionCache.invalidateAll()
    }
  }

  /// Gives `pages` the default permissions again: writable, and executable
  /// if `unprotectedPagesExecutable` (what munmap does, and mprotect with
  /// PROT_READ | PROT_WRITE). Maps nothing.
  public func unprotect(pages: Range<UInt32>) {
    var changed = false
    for page in pages where memory.permissions.isMarked(page) {
      memory.unprotect(page: page)
      changed = true
    }
    guard changed else { return }
    jit?.flush()
    instructionCache.invalidateAll()
  }

  /// True if guest stores may write all of `address ..< address + count`
  /// (no byte lies in a read-only page): a syscall checks this before it
  /// writes a guest buffer, and fails with EFAULT where the guest's own
  /// store would fault. The memory API itself ignores page permissions.
  public func isWritable(address: UInt32, count: Int) -> Bool {
    guard count > 0 else { return true }
    let first = address >> 12
    let last = UInt32(truncatingIfNeeded: (UInt64(address) + UInt64(count) - 1) >> 12)
    guard last >= first else { return false }  // wraps past 0xFFFF_FFFF
    return !(first...last).contains { memory.permissions.isReadOnly($0) }
  }

  /// `executionOutsideMemory` at a pc whose page is mapped but not
  /// executable is a protection fault; other errors pass unchanged (a page
  /// never mapped stays outside memory, executable or not).
  func executionFault(_ error: RuntimeError) -> RuntimeError {
    guard case .executionOutsideMemory(let pc) = error,
      !memory.permissions.isExecutable(pc >> 12), memory.fetch(pc) != nil
    else { return error }
    return .protectionFault(pc: pc, address: pc, write: false)
  }

  /// The error of a guest access that memory refused; `address` is its
  /// first refused byte (`MemoryError.firstRefusedByte`, `size` 1) on every
  /// engine, or the access's own address with its `size`.
  func memoryFault(pc: UInt32, address: UInt32, size: Int) -> RuntimeError {
    let last = address &+ UInt32(max(1, size) - 1)
    // Loads from read-only pages never fail (they are mapped): a store did.
    if memory.permissions.isReadOnly(address >> 12) {
      return .protectionFault(pc: pc, address: address, write: true)
    }
    if memory.permissions.isReadOnly(last >> 12) {  // the first byte in the next page
      return .protectionFault(pc: pc, address: last & ~0xFFF, write: true)
    }
    for a in [address, last] where memory.guardPages.contains(a >> 12) {
      return .guardPage(pc: pc, address: a)
    }
    return .outOfMemory(pc: pc, address: address)
  }

  /// Number of 4 KiB guest pages mapped (counted against `maxMemoryPages`).
  public var mappedPages: Int { memory.used }

  // MARK: registers

  /// A guest register (x0 and out-of-range indices read 0). After a run
  /// ends with a `RuntimeError`, the registers are those before the failing
  /// instruction (a failed load does not write its destination), whatever
  /// the engine and memory mode: in flat memory a faulting access resumes in
  /// the same slow path that paged memory takes, which stores the block's
  /// register cache back before leaving.
  public func readRegister(_ index: Int) -> UInt32 {
    guard (1..<32).contains(index) else { return 0 }
    return state.registers[index]
  }

  /// Writes a guest register; writes to x0 (and out-of-range indices) are ignored.
  public func writeRegister(_ index: Int, _ value: UInt32) {
    guard (1..<32).contains(index) else { return }
    state.registers[index] = value
  }

  // MARK: execution

  /// Calls the guest function at `address` with up to 8 arguments in a0–a7
  /// and `ra` = `returnAddress`; returns a0 when it returns. May be called
  /// from a syscall handler (nested), up to the depth `maxStackDepth` and
  /// the calling thread's host stack allow (`RuntimeError.stackOverflow`
  /// beyond); a nested call restores the caller's registers when it ends.
  public func callFunction(at address: UInt32, arguments: [UInt32] = []) throws(RuntimeError)
    -> UInt32
  {
    guard arguments.count <= 8 else { throw .tooManyArguments(arguments.count) }
    return try inSpillFrame(pc: address) { () throws(RuntimeError) -> UInt32 in
      for (i, value) in arguments.enumerated() { state.registers[10 + i] = value }
      state.registers[1] = Self.returnAddress
      try execute(from: address)
      return state.registers[10]
    }
  }

  /// Runs from `pc` with the current registers until the guest returns to
  /// `returnAddress`, or an error (or the syscall handler) stops it.
  public func run(from pc: UInt32) throws(RuntimeError) {
    try inSpillFrame(pc: pc) { () throws(RuntimeError) in try execute(from: pc) }
  }

  /// Runs `body` with the current registers saved on the spill stack (which
  /// bounds the nesting depth, as does the host stack: `NestingGuard`); a
  /// nested run restores them when it ends, the outermost leaves the final
  /// registers readable.
  private func inSpillFrame<R>(pc: UInt32, _ body: () throws(RuntimeError) -> R)
    throws(RuntimeError) -> R
  {
    let nested = spill.depth > 0
    if !nested { startBudget() }
    let mark = try nesting.enter(here: HostStack.currentAddress(), depth: spill.depth)
    defer { nesting.leave(restoring: mark) }
    try spill.push(state.registers, pc: pc)
    defer {
      if nested { _ = spill.pop(into: state.registers) } else { spill.discard() }
    }
    return try body()
  }

  private func execute(from pc: UInt32) throws(RuntimeError) {
    guard pc & 3 == 0 else { throw .misalignedJump(pc: pc, target: pc) }
    if let jit {
      try jit.run(from: pc, vm: self)
    } else {
      try runInterpreter(from: pc, cache: instructionCache)
    }
  }
}
