import EBPF
import EBPFJIT
import Testing

/// Merged budget checks (``BudgetRegions``): a JIT checks the budget once
/// per region pass (function entries, loop heads, return points) for the
/// region's longest path, gives the difference back on shorter paths, and
/// finishes a budget that does not cover the longest path in a slow copy
/// checked per straight-line run. The stop must still be exact: for every
/// budget n, every engine row stops where the interpreter stepping one
/// instruction at a time (``Interpreter/finishBudget(at:registers:budget:remaining:stack:context:regions:)``
/// from slot 0 with a cost of 1 per instruction) stops, with the same error
/// (instruction, count), the same memory and, when the program ends first,
/// the same r0. Rows where the budget runs out inside a merged region on
/// its short and its long path, inside a callee called from a region, at a
/// return point, on a callee's `exit`, on both sides of a refund and of a
/// trampoline (a taken branch onto a shorter path).
@Suite struct BudgetRegionTests {
  /// The outcome of `program` with budget `n`, stepped one instruction at a
  /// time from slot 0 by the interpreter (the oracle), and the context after.
  static func stepped(_ program: Program, budget n: UInt64, helpers: HelperTable, memory: Int)
    throws -> (Result<UInt64, EBPFError>, [UInt8])
  {
    let interpreter = try Interpreter(
      program: program, helpers: helpers, options: ExecutionOptions(instructionBudget: n))
    let stackSize = ExecutionOptions.stackFrameSize * ExecutionOptions().maxCallDepth
    let stack = UnsafeMutableRawBufferPointer.allocate(byteCount: stackSize, alignment: 16)
    defer { stack.deallocate() }
    stack.initializeMemory(as: UInt8.self, repeating: 0)
    var context = [UInt8](repeating: 0, count: memory)
    let result = context.withUnsafeMutableBytes { c in
      let contextBase = UInt64(UInt(bitPattern: c.baseAddress))
      let stackBase = UInt64(UInt(bitPattern: stack.baseAddress))
      var registers = [UInt64](repeating: 0, count: 11)
      registers[1] = contextBase
      registers[2] = UInt64(memory)
      registers[10] = stackBase + UInt64(stackSize)
      return Result { () throws(EBPFError) in
        try interpreter.finishBudget(
          at: 0, registers: &registers, budget: n, remaining: n,
          stack: MemoryRegion(base: stackBase, length: UInt64(stackSize), writable: true),
          context: MemoryRegion(base: contextBase, length: UInt64(memory), writable: true),
          regions: [])
      }
    }
    return (result, context)
  }

  /// Every budget in `budgets` on `engine` against the stepped oracle;
  /// returns how many of them stopped for the budget (so a test can show
  /// that its sweep reaches the stops it means to).
  @discardableResult
  static func expectSameStops(
    _ engine: Engine, _ source: String, budgets: some Sequence<UInt64>,
    helpers: HelperTable = .conformance, memory: Int = 16
  ) throws -> Int {
    let program = try Program(assembly: source)
    var stops = 0
    for n in budgets {
      let (expected, expectedMemory) = try stepped(
        program, budget: n, helpers: helpers, memory: memory)
      let vm = try engine.make(
        program, helpers: helpers, options: ExecutionOptions(instructionBudget: n))
      var context = [UInt8](repeating: 0, count: memory)
      let result = Result { () throws(EBPFError) in try vm.run(memory: &context) }
      switch (result, expected) {
      case (.success(let r0), .success(let want)):
        #expect(r0 == want, "budget \(n)")
      case (.failure(let e), .failure(let want)):
        #expect(e == want, "budget \(n)")
        if case .instructionBudgetExhausted = want { stops += 1 }
      default:
        Issue.record("budget \(n): \(result), expected \(expected)")
      }
      #expect(context == expectedMemory, "budget \(n)")
    }
    return stops
  }

  /// A loop whose body has a long path (every fourth iteration, a taken
  /// `jeq` onto it) and a short one that jumps over it (`ja`: a refund
  /// before the jump), then a taken `jne` onto a shorter tail (a
  /// trampoline) or the fall-through onto the longer one.
  static let branchyLoop = """
    mov %r0, 0
    mov %r2, 12
    loop:
    mov %r3, %r2
    and %r3, 3
    jeq %r3, 0, long
    add %r0, 1
    ja next
    long:
    add %r0, 10
    stxdw [%r1+0], %r0
    add %r0, 10
    stxdw [%r1+0], %r0
    add %r0, 10
    next:
    mov %r4, %r2
    and %r4, 1
    jne %r4, 0, odd
    stxdw [%r1+8], %r2
    add %r0, 2
    add %r0, 3
    odd:
    sub %r2, 1
    jne %r2, 0, loop
    stxdw [%r1+0], %r0
    exit
    """

  @Test(arguments: Engine.allCases)
  func shortAndLongPathsOfARegion(_ engine: Engine) throws {
    let stops = try Self.expectSameStops(engine, Self.branchyLoop, budgets: 0...140)
    #expect(stops > 100)
  }

  /// A loop calling a local function with two exits from a region; the
  /// callee calls another one; the budget runs out in the caller's region
  /// before the call, in the callee (both exits), in the nested callee, at
  /// the return points and after them.
  static let calls = """
    mov %r9, %r1
    mov %r6, 0
    mov %r7, 6
    loop:
    mov %r1, %r7
    call local f
    add %r6, %r0
    stxdw [%r9+0], %r6
    sub %r7, 1
    jne %r7, 0, loop
    mov %r0, %r6
    exit
    f:
    mov %r0, %r1
    and %r0, 1
    jeq %r0, 0, even
    mul %r1, 3
    add %r1, 1
    mov %r0, %r1
    exit
    even:
    call local g
    add %r0, 1
    exit
    g:
    stxdw [%r10-8], %r1
    ldxdw %r0, [%r10-8]
    rsh %r0, 1
    exit
    """

  @Test(arguments: Engine.allCases)
  func stopsInCalleesAndAtReturnPoints(_ engine: Engine) throws {
    let stops = try Self.expectSameStops(engine, Self.calls, budgets: 0...90)
    #expect(stops > 60)
  }

  /// A callee that loops forever, called from inside a loop's region: the
  /// stop is always inside the callee.
  @Test(arguments: Engine.allCases)
  func aRunawayCalleeCalledFromARegion(_ engine: Engine) throws {
    let source = """
      mov %r6, 0
      loop:
      add %r6, 1
      jgt %r6, 2, deep
      call local f
      ja loop
      deep:
      call local spin
      exit
      f:
      mov %r0, 1
      exit
      spin:
      add %r0, 1
      stxdw [%r1+0], %r0
      jne %r0, 0, spin
      exit
      """
    try Self.expectSameStops(engine, source, budgets: Array(0...40) + [1001])
  }

  /// A helper call inside a merged region (helper 9 adds 1 to the word at
  /// its first argument): it runs exactly once per pass, or not at all.
  @Test(arguments: Engine.allCases)
  func aHelperCallInsideARegion(_ engine: Engine) throws {
    let helpers = BudgetTests.countingHelpers
    let source = """
      mov %r6, %r1
      mov %r7, 5
      loop:
      mov %r1, %r6
      jeq %r7, 3, skip
      call 9
      skip:
      sub %r7, 1
      jne %r7, 0, loop
      ldxdw %r0, [%r6+0]
      exit
      """
    try Self.expectSameStops(engine, source, budgets: 0...30, helpers: helpers)
  }

  /// Costs and refunds beyond the short immediates of every port (AArch64's
  /// 12 bits, Thumb-2's modified immediates): a 5,000-instruction arm and a
  /// 2-instruction arm, two iterations each; budgets around every boundary.
  @Test(arguments: Engine.allCases)
  func largeCostsAndRefunds(_ engine: Engine) throws {
    let long = Array(repeating: "add %r0, 1", count: 5000).joined(separator: "\n")
    let source = """
      mov %r0, 0
      mov %r2, 4
      loop:
      jgt %r2, 2, short
      \(long)
      stxdw [%r1+0], %r0
      short:
      add %r0, 2
      sub %r2, 1
      jne %r2, 0, loop
      exit
      """
    // Iterations: short, short (5 each after the 2-instruction entry),
    // long, long (5,005 each).
    var budgets: Set<UInt64> = [0, 1, 2, 3]
    for b: UInt64 in [2, 7, 12, 5017, 10022] {
      for d in 0..<4 { budgets.insert(b + UInt64(d)) }
      budgets.insert(b - 1)
    }
    budgets.formUnion([100, 2500, 5000, 5010, 7000, 10021, 10030])
    try Self.expectSameStops(engine, source, budgets: budgets.sorted())
  }

  /// Where the check points are and what each region's longest path costs.
  @Test func checkPointsAndLongestPaths() throws {
    let loop = BudgetRegions.Plan(try Program(assembly: BudgetTests.loop))
    #expect(loop.points == [true, false, true, false, false, false, true])
    // [0, 1] then the loop head; [2…5] then the head or the loop's exit [6].
    #expect(loop.longest == [2, 1, 4, 3, 2, 1, 1])
    // f (11…20) and g (21…24) have no loop: both are inlined, so the
    // only check points are the entry, the loop head and the loop's exit.
    // g costs 4; f 10 (its `even` path: 11, 12, 13, the call (1 + 4), 19,
    // 20); a pass of the loop 16 (3, the call (1 + 10), 5…8).
    let calls = BudgetRegions.Plan(try Program(assembly: Self.calls))
    #expect(calls.points.indices.filter { calls.points[$0] } == [0, 3, 9])
    #expect(calls.inlineEntry.indices.filter { calls.inlineEntry[$0] } == [11, 21])
    #expect([calls.longest[3], calls.longest[11], calls.longest[21]] == [16, 10, 4])
    // Recursion and a loop in a callee: not inlined; their entries and
    // return points are check points.
    let recursive = BudgetRegions.Plan(
      try Program(
        assembly: """
          call local f
          call local h
          exit
          f:
          jeq %r1, 0, done
          sub %r1, 1
          call local f
          done:
          exit
          h:
          add %r0, 1
          jne %r0, 5, h
          exit
          """))
    #expect(recursive.points.indices.filter { recursive.points[$0] } == [0, 1, 2, 3, 6, 7, 9])
    #expect(!recursive.inlineEntry.contains(true))
  }

  /// Budgets whose low 32 bits run out before the program ends (Thumb-2
  /// keeps the count-down in the low word and lets the high word pay on a
  /// borrow): every row finishes as the oracle does.
  @Test(arguments: Engine.allCases)
  func budgetsAboveFourGiB(_ engine: Engine) throws {
    let budgets: [UInt64] =
      (0...12).map { (UInt64(1) << 32) + UInt64($0) } + [(UInt64(2) << 32) + 3, .max]
    for source in [BudgetTests.loop, Self.branchyLoop, Self.calls] {
      let stops = try Self.expectSameStops(engine, source, budgets: budgets)
      #expect(stops == 0)
    }
  }

  /// Recursion (never inlined) with the budget running out at every depth.
  @Test(arguments: Engine.allCases)
  func recursiveCallee(_ engine: Engine) throws {
    let source = """
      mov %r1, 5
      call local f
      stxdw [%r10-8], %r0
      exit
      f:
      jeq %r1, 0, done
      add %r0, %r1
      sub %r1, 1
      call local f
      add %r0, 1
      done:
      exit
      """
    try Self.expectSameStops(engine, source, budgets: 0...40)
  }
}
