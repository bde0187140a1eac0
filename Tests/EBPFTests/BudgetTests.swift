import EBPF
import EBPFJIT
import Foundation
import Testing

/// The instruction budget (``ExecutionOptions/instructionBudget``) on every
/// engine row, issue 12 section 2: the same program stops at the same
/// instruction, with the same memory and the same count, on the interpreter
/// and on every JIT port, after exactly the budget. Before, the JITs
/// refused a budget, so `ja -1` could only be stopped by killing the
/// process; then they stopped at the start of the first run the budget did
/// not cover, short of it. Expected values are worked out by hand from
/// each program's trace.
@Suite struct BudgetTests {
  /// The error of `source` on `engine` with `budget`, and the 8-byte context after.
  static func outcome(
    _ engine: Engine, _ source: String, budget: UInt64, helpers: HelperTable = .conformance
  ) throws -> (Result<UInt64, EBPFError>, UInt64) {
    let vm = try makeVM(
      engine, source, helpers: helpers, options: ExecutionOptions(instructionBudget: budget))
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

  /// The exact rule: with budget n a run executes the first n
  /// instructions of its trace (`lddw` counts once) and stops at the
  /// next, with `executed == n`, unless it ends first. `trace` is the
  /// program's sequence of executed slots, worked out by hand; `stored`
  /// the context word after the first n of them (also by hand); `r0` the
  /// result when the whole trace fits.
  static func expectExactStops(
    _ engine: Engine, _ source: String, trace: [Int], r0: UInt64?,
    budgets: some Sequence<UInt64>, helpers: HelperTable = .conformance,
    stored: (Int) -> UInt64
  ) throws {
    for n in budgets {
      let (result, word) = try Self.outcome(engine, source, budget: n, helpers: helpers)
      if n >= trace.count, let r0 {
        #expect(try result.get() == r0, "budget \(n)")
      } else {
        #expect(throws: EBPFError.instructionBudgetExhausted(index: trace[Int(n)], executed: n)) {
          try result.get()
        }
      }
      #expect(word == stored(min(Int(n), trace.count)), "budget \(n)")
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
  static let loopTrace = [0, 1] + Array(repeating: [2, 3, 4, 5], count: 10).joined() + [6]

  /// Every budget from 0 to past the end: the stop falls at every place of
  /// a run (its start, its middle, its last instruction).
  @Test(arguments: Engine.allCases)
  func loopStopsAfterExactlyTheBudget(_ engine: Engine) throws {
    try Self.expectExactStops(
      engine, Self.loop, trace: Self.loopTrace, r0: 30, budgets: 0...44
    ) { n in
      // The k-th store (slot 3) writes 3k.
      UInt64(3 * Self.loopTrace.prefix(n).filter { $0 == 3 }.count)
    }
  }

  /// A local call ends a run, so a callee that loops forever stops inside
  /// itself, after exactly the budget: the caller's [0, 1], then the
  /// callee's [4, 5, 6] over and over (its store writes its count of adds).
  @Test(arguments: Engine.allCases)
  func budgetRunsOutInsideALocalCall(_ engine: Engine) throws {
    let source = """
      mov %r0, 0
      call local f
      add %r0, 100
      exit
      f:
      add %r0, 1
      stxdw [%r1+0], %r0
      ja f
      """
    let trace = [0, 1] + Array(repeating: [4, 5, 6], count: 40).joined()
    try Self.expectExactStops(
      engine, source, trace: trace, r0: nil, budgets: Array(0...12) + [101]
    ) { n in
      UInt64(trace.prefix(n).filter { $0 == 5 }.count)
    }
  }

  /// The conformance helpers and helper 9, which adds 1 to the 64-bit
  /// word at its first argument (a count of the calls that ran).
  static let countingHelpers: HelperTable = {
    var helpers = HelperTable.conformance
    helpers.register(9) { address, _, _, _, _ in
      guard let p = UnsafeMutablePointer<UInt64>(bitPattern: UInt(address)) else { return 0 }
      p.pointee &+= 1
      return 0
    }
    return helpers
  }()

  /// Helper 9 adds 1 to the word at its first argument: the stop falls
  /// before and after a helper call inside a run, which the JITs finish in
  /// the interpreter (the helper runs exactly once, or not at all).
  @Test(arguments: Engine.allCases)
  func budgetRunsOutAroundAHelperCall(_ engine: Engine) throws {
    let helpers = Self.countingHelpers
    let source = """
      mov %r6, %r1
      call 9
      mov %r1, %r6
      call 9
      ldxdw %r0, [%r6+0]
      add %r0, 40
      stxdw [%r6+0], %r0
      exit
      """
    try Self.expectExactStops(
      engine, source, trace: Array(0...7), r0: 42, budgets: 0...9, helpers: helpers
    ) { n in
      n >= 7 ? 42 : n >= 4 ? 2 : n >= 2 ? 1 : 0
    }
  }

  /// `lddw` counts once: the stop falls on it, after it and between two.
  @Test(arguments: Engine.allCases)
  func budgetRunsOutOnALoadImm64(_ engine: Engine) throws {
    let source = """
      mov %r6, %r1
      lddw %r0, 0x100000002
      stxdw [%r6+0], %r0
      lddw %r0, 0x300000004
      stxdw [%r6+0], %r0
      lddw %r0, 0x7
      exit
      """
    try Self.expectExactStops(
      engine, source, trace: [0, 1, 3, 4, 6, 7, 9], r0: 7, budgets: 0...8
    ) { n in
      n >= 5 ? 0x3_0000_0004 : n >= 3 ? 0x1_0000_0002 : 0
    }
  }

  /// A budget that covers a faulting instruction in a run it does not
  /// cover whole: the fault is reported (as the interpreter reports it),
  /// with the stores before it done; one less stops just before it.
  @Test(arguments: Engine.allCases)
  func aFaultInTheLastPartialRunIsReported(_ engine: Engine) throws {
    let source = """
      mov %r6, %r1
      stdw [%r6+0], 5
      ldxdw %r0, [%r6+64]
      mov %r0, 1
      exit
      """
    for n: UInt64 in [2, 3, 4] {
      let (result, word) = try Self.outcome(engine, source, budget: n)
      #expect(word == 5)
      if n == 2 {
        #expect(throws: EBPFError.instructionBudgetExhausted(index: 2, executed: 2)) {
          try result.get()
        }
        continue
      }
      guard case .failure(.outOfBounds(let index, _, let size, let isWrite)) = result else {
        Issue.record("budget \(n): \(result)")
        continue
      }
      #expect(index == 2 && size == 8 && !isWrite)
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

/// ``Interrupter`` (issue 12 §2): another thread stops `ja -1` on every
/// engine row; a request made before a run stops it at its first
/// instruction and is consumed.
@Suite struct InterruptTests {
  /// Interrupts from a thread of its own (Dispatch's global queues are the
  /// test runner's threads, which the spinning programs keep busy).
  static func interrupt(_ interrupter: Interrupter, after seconds: Double) {
    let thread = Thread {
      Thread.sleep(forTimeInterval: seconds)
      interrupter.interrupt()
    }
    thread.start()
  }

  @Test(arguments: Engine.allCases)
  func anotherThreadStopsJumpToItself(_ engine: Engine) throws {
    let interrupter = Interrupter()
    let vm = try makeVM(engine, "ja -1\nexit", options: ExecutionOptions(interrupter: interrupter))
    Self.interrupt(interrupter, after: 0.05)
    #expect(throws: EBPFError.interrupted(index: 0)) { try vm.run() }
    #expect(!interrupter.isRequested)
  }

  /// With a budget too: the interrupt wins over a budget it comes before.
  @Test(arguments: Engine.allCases)
  func anInterruptStopsALoopWithABudget(_ engine: Engine) throws {
    let interrupter = Interrupter()
    let vm = try makeVM(
      engine, BudgetTests.loop.replacingOccurrences(of: "jne %r2, 0, loop", with: "ja loop"),
      options: ExecutionOptions(instructionBudget: 1 << 62, interrupter: interrupter))
    var memory = [UInt8](repeating: 0, count: 8)
    Self.interrupt(interrupter, after: 0.05)
    #expect(throws: EBPFError.interrupted(index: 2)) { try vm.run(memory: &memory) }
  }

  @Test(arguments: Engine.allCases)
  func aPendingRequestStopsTheNextRunOnce(_ engine: Engine) throws {
    let interrupter = Interrupter()
    let vm = try makeVM(
      engine, "mov %r0, 1\nexit", options: ExecutionOptions(interrupter: interrupter))
    interrupter.interrupt()
    #expect(throws: EBPFError.interrupted(index: 0)) { try vm.run() }
    #expect(try vm.run() == 1)
  }

  /// Without an interrupter a JIT compiles no poll; with one, it does.
  @Test(arguments: Engine.jits)
  func pollsAreCompiledOnlyWhenInterruptible(_ engine: Engine) throws {
    let host = try #require(engine.host)
    let program = try Program(assembly: BudgetTests.loop)
    let sizes = try [nil, Interrupter()].map { interrupter in
      try makeJITProgram(
        host: host, program: program, helpers: .conformance,
        options: ExecutionOptions(interrupter: interrupter)
      ).hostCode.count
    }
    #expect(sizes[1] > sizes[0])
  }
}
