/// The interpreter's instruction budget and interrupt polls, and the exact
/// finish of a budget that a JIT ran out of at the start of a run.
extension Interpreter {
  /// `body` with the run costs (``BudgetBlocks``) and a cost of 1 per slot.
  func withBudgetTables<R>(
    _ body: (UnsafePointer<UInt32>, UnsafePointer<UInt32>) throws(EBPFError) -> R
  ) throws(EBPFError) -> R {
    try budgetCosts.withUnsafeBufferPointer { (costs) throws(EBPFError) -> R in
      try unitCosts.withUnsafeBufferPointer { (units) throws(EBPFError) -> R in
        guard let c = costs.baseAddress, let u = units.baseAddress else { throw .emptyProgram }
        return try body(c, u)
      }
    }
  }

  /// Finishes a run that a JIT stopped at the start of the straight-line
  /// run at slot `index` because the budget left, `remaining`, does not
  /// cover it: executes exactly `remaining` more instructions (all in that
  /// run, so no jump, call or `exit` among them) on `registers` (r0…r10,
  /// updated in place) and the JIT run's memory, then throws
  /// ``EBPFError/instructionBudgetExhausted(index:executed:)`` with
  /// `executed == budget`, as an interpreter-only run does. A fault or an
  /// unknown helper in those instructions ends the run as it would here.
  /// (Returns `r0` only if the program ends first, which a JIT that
  /// follows ``BudgetBlocks`` never asks for.)
  ///
  /// `stack`, `context` and `regions` are the run's regions at the
  /// addresses the program's registers hold (the JIT's stack block, the
  /// exposed context and memory map).
  public func finishBudget(
    at index: Int, registers: inout [UInt64], budget: UInt64, remaining: UInt64,
    stack: MemoryRegion, context: MemoryRegion, regions: [MemoryRegion]
  ) throws(EBPFError) -> UInt64 {
    let count = DecodedProgram.registerCount
    let regs = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
    regs.initialize(repeating: 0, count: count)
    defer { regs.deallocate() }
    for (i, v) in registers.prefix(11).enumerated() { regs[i] = v }
    defer { for i in 0..<min(11, registers.count) { registers[i] = regs[i] } }
    let state = State(
      regs: regs, stack: stack, context: context, map: MemoryMap(regions: regions),
      checked: options.boundsChecks)
    return try withBudgetTables { (_, units) throws(EBPFError) -> UInt64 in
      var tail = LimitedBudget(
        remaining: min(remaining, budget), initial: budget, costs: units, units: units,
        interrupter: nil)
      return try execute(state, from: index, budget: &tail)
    }
  }
}

/// The instruction budget of a run (``ExecutionOptions/instructionBudget``),
/// as a type parameter of the loop, so that a run without a budget pays
/// nothing for it.
protocol InstructionBudget {
  /// Called before an instruction runs; `index` is its slot.
  mutating func spend(_ index: () -> Int) throws(EBPFError)
  /// Whether `spend` must see every slot, so that the loop runs no
  /// superinstructions (`InterpreterFusion.swift`).
  static var spendsPerSlot: Bool { get }
}

struct UnlimitedBudget: InstructionBudget {
  @inline(__always) mutating func spend(_ index: () -> Int) {}
  static var spendsPerSlot: Bool { false }
}

/// Spends the cost of each straight-line run at its first slot
/// (``BudgetBlocks``) if the budget covers it; else it switches to a cost
/// of 1 per instruction (`units`), so that the run stops after exactly
/// the budget, inside that run. Polls the interrupter at each run start
/// (and at each instruction once counting one by one).
struct LimitedBudget: InstructionBudget {
  static var spendsPerSlot: Bool { true }
  var remaining: UInt64
  /// The budget at the start of the run.
  let initial: UInt64
  /// ``BudgetBlocks/costs(_:)`` per slot, or `units` after the switch.
  var costs: UnsafePointer<UInt32>
  /// 1 per slot.
  let units: UnsafePointer<UInt32>
  let interrupter: Interrupter?

  @inline(__always)
  mutating func spend(_ index: () -> Int) throws(EBPFError) {
    let i = index()
    let cost = UInt64(costs[i])
    guard cost != 0 else { return }
    if let interrupter, interrupter.consume() { throw .interrupted(index: i) }
    guard remaining >= cost else { return try spendSingly(i) }
    remaining -= cost
  }

  /// The budget does not cover the run at `i`: count its instructions one
  /// by one (the cold path of `spend`).
  @inline(never)
  mutating func spendSingly(_ i: Int) throws(EBPFError) {
    guard remaining > 0 else {
      throw .instructionBudgetExhausted(index: i, executed: initial - remaining)
    }
    costs = units
    remaining -= 1
  }
}
