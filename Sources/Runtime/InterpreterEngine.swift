import KilnIR
import RV32

/// The guest memory as the interpreter sees it (generic, so each memory
/// mode gets its own specialised interpreter loop). An access inside one
/// mapped page is a host load or store; the others (first touches, page
/// crossings) take the memory's own `load` and `store`.
struct InterpreterBus<M: GuestMemory>: RV32Memory {
  let memory: M

  @inline(__always)
  mutating func load(_ address: UInt32, size: Int, pc: UInt32) throws(RV32MemoryFault) -> UInt32 {
    if let p = memory.mappedHost(address, size: size) { return loadLittleEndian(p, size: size) }
    return try loadSlow(address, size: size, pc: pc)
  }

  @inline(never)
  func loadSlow(_ address: UInt32, size: Int, pc: UInt32) throws(RV32MemoryFault) -> UInt32 {
    do { return try memory.load(address, size: size) } catch {
      throw RV32MemoryFault(pc: pc, address: error.firstRefusedByte(ofAccessAt: address))
    }
  }

  /// Stores into compiled code need no report: an interpreting VM compiles none.
  @inline(__always)
  mutating func store(_ address: UInt32, size: Int, value: UInt32, pc: UInt32)
    throws(RV32MemoryFault)
  {
    if let p = memory.mappedHostForStore(address, size: size) {
      storeLittleEndian(p, size: size, value)
      return
    }
    try storeSlow(address, size: size, value: value, pc: pc)
  }

  @inline(never)
  func storeSlow(_ address: UInt32, size: Int, value: UInt32, pc: UInt32) throws(RV32MemoryFault) {
    do { _ = try memory.store(address, size: size, value: value) } catch {
      // The refused byte, which may be past a page boundary (`memoryFault`).
      throw RV32MemoryFault(pc: pc, address: error.firstRefusedByte(ofAccessAt: address))
    }
  }

  /// Nil (execution outside memory) for a page that is not executable.
  mutating func fetch(_ pc: UInt32) -> UInt32? {
    memory.permissions.isExecutable(pc >> 12) ? memory.fetch(pc) : nil
  }
}

extension VirtualMachine {
  /// Runs the reference interpreter from `pc` until the return address, on
  /// the VM's register file (its 33 slots are the interpreter's) and its
  /// instruction cache.
  func runInterpreter(from pc: UInt32, cache: InstructionCache) throws(RuntimeError) {
    if countsInstructions { return try runInterpreterCounting(from: pc, cache: cache) }
    // One specialised loop per memory mode: the concrete type, not the existential.
    if let flat = memory as? FlatMemory {
      try runInterpreter(from: pc, memory: flat, cache: cache)
    } else if let paged = memory as? PagedMemory {
      try runInterpreter(from: pc, memory: paged, cache: cache)
    } else {
      try runInterpreter(from: pc, memory: memory, cache: cache)
    }
  }

  private func runInterpreter<M: GuestMemory>(
    from pc: UInt32, memory: M, cache: InstructionCache
  ) throws(RuntimeError) {
    var bus = InterpreterBus(memory: memory)
    let registers = state.registers
    var pc = pc
    while true {
      let event: StepEvent?
      do {
        event = try Interpreter.run(
          registers: registers, pc: &pc, memory: &bus, cache: cache, stopPC: Self.returnAddress,
          executed: &interpretedInstructions)
      } catch {
        throw memoryFault(pc: error.pc, address: error.address, size: 1)
      }
      guard let event else { return }
      try handle(event)
    }
  }

  /// What both interpreter loops do when the interpreter stops for an
  /// event: a syscall, a breakpoint (which ends the run only with
  /// `haltOnBreakpoint`), `fence.i` (nothing: the instruction cache checks
  /// itself) or a fault.
  func handle(_ event: StepEvent) throws(RuntimeError) {
    switch event {
    case .ecall:
      try syscallHandler(self, state.registers[17])
    case .ebreak(let pc):
      if config.haltOnBreakpoint { throw .breakpoint(pc: pc) }
    case .fenceI:
      break
    case .fault(let fault):
      throw executionFault(RuntimeError(fault))
    }
  }
}

extension VirtualMachine {
  /// The interpreter under a budget or interrupts: runs in slices (of at
  /// most 65,536 instructions when interruptible, to look at the flag),
  /// counting in the state block's `budgetUsed` as generated code does.
  func runInterpreterCounting(from start: UInt32, cache: InstructionCache)
    throws(RuntimeError)
  {
    var pc = start
    while true {
      if let interrupt = pendingInterrupt(at: pc) { throw interrupt }
      let used = state.budgetUsed
      let limit = state.budgetLimit.pointee
      guard limit == configuredLimit, used <= limit else {
        throw .interrupted(pc: pc, executed: used)
      }
      let slice = config.interruptible ? min(limit - used, 1 << 16) : limit - used
      if let event = try interpret(from: &pc, budget: slice, cache: cache) {
        try handle(event)
      } else {
        if pc == Self.returnAddress { return }
        if state.budgetUsed >= configuredLimit {
          throw .instructionBudgetExhausted(pc: pc, executed: state.budgetUsed)
        }
      }
    }
  }
}

extension RuntimeError {
  init(_ fault: GuestFault) {
    switch fault {
    case .illegalInstruction(let pc, let word): self = .illegalInstruction(pc: pc, word: word)
    case .fetchOutsideMemory(let pc): self = .executionOutsideMemory(pc: pc)
    case .misalignedJump(let pc, let target): self = .misalignedJump(pc: pc, target: target)
    }
  }
}
