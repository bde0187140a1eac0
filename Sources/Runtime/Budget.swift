import KilnIR
import RV32
import Synchronization

/// Stops a running `VirtualMachine` from another thread, or from a signal
/// handler (for a timeout): the guest stops at the JIT's next budget check
/// (a region's entry: every pass round a loop, every chained jump; a block
/// on ports that check per block) or within 65,536 instructions
/// (interpreter) with
/// `RuntimeError.interrupted`. A request made while no guest runs stops
/// the next run at its start; the request is consumed by the run it stops.
///
/// How: it sets a flag, then the budget limit in the state block to 0
/// (`BudgetLayout`), so generated code leaves at its next check; the
/// runtime then sees the flag. Both are single aligned stores, safe from a
/// signal handler.
public final class Interrupter: @unchecked Sendable {
  // @unchecked: `state` is only used for its budget limit word, written
  // with one aligned 8-byte store (atomic on every host Kiln supports);
  // the VM's thread reads it in generated code. The flag is atomic.
  private let state: GuestState
  let requested = Atomic<Bool>(false)

  init(state: GuestState) { self.state = state }

  /// Asks the guest to stop (idempotent).
  public func interrupt() {
    requested.store(true, ordering: .sequentiallyConsistent)
    state.budgetLimit.pointee = 0
  }
}

extension VirtualMachine {
  /// The limit word while no interrupt is pending: the budget, or no
  /// limit (the interpreter compares the count with it; generated code,
  /// which counts the budget left down, only polls it for 0).
  var configuredLimit: UInt64 { config.instructionBudget ?? .max }

  /// Whether runs count instructions (a budget, or interrupts).
  var countsInstructions: Bool { config.countsInstructions }

  /// Starts the budget of an outermost run. The limit is written before the
  /// interrupt flag is read, so a request made meanwhile is not lost.
  func startBudget() {
    guard countsInstructions else { return }
    state.budgetUsed = 0
    state.budgetLimit.pointee = configuredLimit
    if interrupter?.requested.load(ordering: .sequentiallyConsistent) == true {
      state.budgetLimit.pointee = 0
    }
  }

  /// The error that stops the run at `pc` if an interrupt is pending
  /// (consuming it), else nil.
  func pendingInterrupt(at pc: UInt32) -> RuntimeError? {
    guard let interrupter,
      interrupter.requested.exchange(false, ordering: .sequentiallyConsistent)
    else { return nil }
    state.budgetLimit.pointee = configuredLimit
    return .interrupted(pc: pc, executed: state.budgetUsed)
  }

  /// Generated code left before the block at `pc` (`ExitReason.budget`):
  /// an interrupt, or less budget left than the longest path from there
  /// to the next check (`BudgetPlan`). Then the interpreter runs what is
  /// left of the budget, handling syscalls as an interpreter-only run does,
  /// and the run ends where an interpreter-only run ends: the budget runs
  /// out (or an interrupt, a fault) and this throws, or the guest returns
  /// within it and this returns (the run is over).
  func finishBudget(at pc: UInt32) throws(RuntimeError) {
    // A fresh instruction cache: the JIT's stores do not maintain the VM's.
    try runInterpreterCounting(from: pc, cache: InstructionCache())
  }

  /// Runs the interpreter from `pc` for at most `budget` instructions,
  /// counting them in `budgetUsed` and `interpretedInstructions`.
  func interpret(from pc: inout UInt32, budget: UInt64, cache: InstructionCache)
    throws(RuntimeError) -> StepEvent?
  {
    if let flat = memory as? FlatMemory {
      return try interpret(from: &pc, budget: budget, memory: flat, cache: cache)
    } else if let paged = memory as? PagedMemory {
      return try interpret(from: &pc, budget: budget, memory: paged, cache: cache)
    }
    return try interpret(from: &pc, budget: budget, memory: memory, cache: cache)
  }

  private func interpret<M: GuestMemory>(
    from pc: inout UInt32, budget: UInt64, memory: M, cache: InstructionCache
  ) throws(RuntimeError) -> StepEvent? {
    var bus = InterpreterBus(memory: memory)
    var executed = 0
    let codeStores = memory.codeStores
    defer {
      state.budgetUsed &+= UInt64(executed)
      interpretedInstructions += executed
      // Stores into compiled code: as after the JIT's own (`HostCalls.store`).
      if memory.codeStores != codeStores { jit?.flush() }
    }
    do {
      return try Interpreter.run(
        registers: state.registers, pc: &pc, memory: &bus, cache: cache,
        stopPC: Self.returnAddress, budget: Int(clamping: budget), executed: &executed)
    } catch {
      throw memoryFault(pc: error.pc, address: error.address, size: 1)
    }
  }
}

/// What a VM that counts instructions tells its state block: the budget
/// (`Config.instructionBudget`, or no limit) and whether generated code
/// polls the interrupt (`Config.interruptible`).
struct GuestBudget {
  let end: UInt64
  let polls: Bool
}

extension BudgetLayout {
  /// This layout, with checks that poll `limit` or not.
  func polling(_ polls: Bool) -> BudgetLayout {
    BudgetLayout(remaining: remaining, limit: limit, polls: polls)
  }
}
