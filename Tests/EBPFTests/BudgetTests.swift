import EBPF
import EBPFJIT
import Testing

/// The instruction budget (``ExecutionOptions/instructionBudget``) on every
/// engine row, issue 12 section 2: the same program stops at the same
/// instruction, with the same memory and the same count, on the interpreter
/// and on every JIT port. Before, the JITs refused a budget, so `ja -1`
/// could only be stopped by killing the process. Expected values follow
/// from ``BudgetBlocks``'s rule, worked out by hand for each program.
@Suite struct BudgetTests {
  /// The error of `source` on `engine` with `budget`, and the 8-byte context after.
  static func outcome(_ engine: Engine, _ source: String, budget: UInt64)
    throws -> (Result<UInt64, EBPFError>, UInt64)
  {
    let vm = try makeVM(engine, source, options: ExecutionOptions(instructionBudget: budget))
    var memory = [UInt8](repeating: 0, count: 8)
    let result = Result { () throws(EBPFError) in try vm.run(memory: &memory) }
    let word = memory.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
    return (result, word)
  }

  @Test(arguments: Engine.allCases)
  func jumpToItselfStopsAfterExactlyTheBudget(_ engine: Engine) throws {
    for n: UInt64 in [0, 1, 2, 1000, 100_001] {
      let (result, _) = try Self.outcome(engine, "ja -1\nexit", budget: n)
      #expect(throws: EBPFError.instructionBudgetExhausted(index: 0, executed: n)) {
        try result.get()
      }
    }
  }

  /// Runs: [0, 1] costs 2; the loop body [2, 5] costs 4 and stores 3k after
  /// k iterations; `exit` [6] costs 1. 43 in all.
  static let loop = """
    mov %r0, 0
    mov %r2, 10
    loop:
    add %r0, 3
    stxdw [%r1+0], %r0
    sub %r2, 1
    jne %r2, 0, loop
    exit
    """

  @Test(arguments: Engine.allCases)
  func loopStopsAtTheSameInstructionOnEveryEngine(_ engine: Engine) throws {
    for n: UInt64 in [0, 1, 2, 3, 5, 6, 7, 25, 41, 42, 43, 44] {
      let (result, stored) = try Self.outcome(engine, Self.loop, budget: n)
      if n >= 43 {
        #expect(try result.get() == 30, "budget \(n)")
        #expect(stored == 30)
        continue
      }
      let iterations = n < 2 ? 0 : min((n - 2) / 4, 10)
      let (index, executed): (Int, UInt64) =
        n < 2 ? (0, 0) : iterations == 10 ? (6, 42) : (2, 2 + 4 * iterations)
      #expect(throws: EBPFError.instructionBudgetExhausted(index: index, executed: executed)) {
        try result.get()
      }
      #expect(stored == 3 * iterations, "budget \(n)")
    }
  }

  /// A local call ends a run, so a callee that loops forever stops in
  /// itself with only the caller's instructions up to the call counted:
  /// [0, 1] (mov, call) costs 2, the callee's [4, 5] costs 2 per turn.
  @Test(arguments: Engine.allCases)
  func budgetRunsOutInsideALocalCall(_ engine: Engine) throws {
    let source = """
      mov %r0, 0
      call local f
      add %r0, 100
      exit
      f:
      add %r0, 1
      ja f
      """
    for n: UInt64 in [2, 3, 4, 101] {
      let (result, _) = try Self.outcome(engine, source, budget: n)
      #expect(throws: EBPFError.instructionBudgetExhausted(index: 4, executed: 2 + (n - 2) / 2 * 2))
      {
        try result.get()
      }
    }
  }

  /// Every run of a program has the whole budget.
  @Test(arguments: Engine.allCases)
  func everyRunHasTheWholeBudget(_ engine: Engine) throws {
    let vm = try makeVM(engine, Self.loop, options: ExecutionOptions(instructionBudget: 43))
    for _ in 0..<3 {
      var memory = [UInt8](repeating: 0, count: 8)
      #expect(try vm.run(memory: &memory) == 30)
    }
  }

  /// Without a budget a JIT compiles no check; with one, it does.
  @Test(arguments: Engine.jits)
  func checksAreCompiledOnlyWithABudget(_ engine: Engine) throws {
    let host = try #require(engine.host)
    let program = try Program(assembly: Self.loop)
    let sizes = try [nil, 100 as UInt64?].map { budget in
      try makeJITProgram(
        host: host, program: program, helpers: .conformance,
        options: ExecutionOptions(instructionBudget: budget)
      ).hostCode.count
    }
    #expect(sizes[1] > sizes[0])
  }

  /// ``BudgetBlocks``: where runs start and what they cost.
  @Test func runCostsFollowTheRule() throws {
    #expect(BudgetBlocks.costs(try Program(assembly: Self.loop)) == [2, 0, 4, 0, 0, 0, 1])
    let lddw = try Program(assembly: "lddw %r0, 0x100000000\ncall 5\nexit")
    #expect(BudgetBlocks.costs(lddw) == [3, 0, 0, 0])
  }
}
