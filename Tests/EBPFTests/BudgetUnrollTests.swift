import EBPF
import EBPFJIT
import Testing

/// Unrolled tiny loops (``BudgetUnroll``): a loop that is one region has
/// its budgeted fast code laid out several times, with one check for all
/// the copies' iterations and the iterations not started given back where
/// the loop is left. The oracle is the interpreter stepping one
/// instruction at a time (``BudgetRegionTests/expectSameStops``): for every
/// budget, every engine row stops at the same instruction with the same
/// count, memory and r0. The sweeps put the stop at every iteration of a
/// multi-iteration charge, and leave the loop from every copy.
@Suite struct BudgetUnrollTests {
  /// A counted loop with an early exit (`jeq` onto `out`, a loop exit) at
  /// iteration `early`, a shorter path on even iterations (a refund on a
  /// taken branch), and a store per iteration; `trips` iterations at most.
  static func loop(trips: Int, early: Int) -> String {
    """
    mov %r0, 0
    mov %r2, \(trips)
    loop:
    add %r0, 1
    jeq %r0, \(early), out
    mov %r3, %r0
    and %r3, 1
    jeq %r3, 0, even
    add %r0, 0
    stxdw [%r1+0], %r0
    even:
    sub %r2, 1
    jne %r2, 0, loop
    out:
    stxdw [%r1+8], %r2
    exit
    """
  }

  @Test func theLoopIsUnrolled() throws {
    let plan = BudgetRegions.Plan(try Program(assembly: Self.loop(trips: 5, early: 100)))
    let unroll = BudgetUnroll(plan)
    // Slots 2…10 (head 2, longest path 9): 8 copies (8 × 9 ≥ 64).
    #expect(unroll.loops.map { [$0.head, $0.times, $0.longest] } == [[2, 8, 9]])
    #expect(unroll.loops.map(\.slots) == [Array(2...10)])
    // The loop from BudgetTests (head 2, 4 instructions): 8 copies too.
    let counted = BudgetUnroll(BudgetRegions.Plan(try Program(assembly: BudgetTests.loop)))
    #expect(counted.loops.map(\.times) == [8])
  }

  /// Every trip count up to two full charges and an early exit from every
  /// copy, each with every budget up to past the end.
  @Test(arguments: Engine.allCases)
  func stopsInsideAndLeavesFromEveryCopy(_ engine: Engine) throws {
    var stops = 0
    for (trips, early) in (1...17).map({ ($0, 100) }) + (1...9).map({ (12, $0) }) {
      let total = UInt64(2 + 9 * min(trips, early) + 2)
      stops += try BudgetRegionTests.expectSameStops(
        engine, Self.loop(trips: trips, early: early), budgets: 0...total + 1)
    }
    #expect(stops > 1000)
  }

  /// A tiny loop in a local function, left by an `exit` inside the loop
  /// (back to the caller's return point) from every copy, and a call of a
  /// function that loops (not inlined: the call ends the region) from
  /// inside the loop; the caller calls it twice.
  @Test(arguments: Engine.allCases)
  func exitsAndCallsFromInsideTheLoop(_ engine: Engine) throws {
    for k in 1...10 {
      let source = """
        mov %r6, %r1
        mov %r1, \(k)
        call local f
        mov %r7, %r0
        mov %r1, 3
        call local f
        add %r0, %r7
        stxdw [%r6+0], %r0
        exit
        f:
        mov %r0, 0
        loop:
        add %r0, 1
        jne %r0, %r1, more
        exit
        more:
        jeq %r0, 7, spin
        jne %r0, 12, loop
        ja loop
        spin:
        call local g
        ja loop
        g:
        mov %r2, 3
        again:
        sub %r2, 1
        jne %r2, 0, again
        exit
        """
      let program = try Program(assembly: source)
      #expect(BudgetUnroll(BudgetRegions.Plan(program)).loops.map(\.head) == [10, 19])
      try BudgetRegionTests.expectSameStops(engine, source, budgets: 0...(UInt64(8 * k) + 60))
    }
  }

  /// An interrupter still stops a tiny loop that never ends, with a
  /// budget that covers it (its copies have no poll; copy 0's head has).
  @Test(arguments: Engine.allCases)
  func anInterruptStopsAnUnrolledLoop(_ engine: Engine) throws {
    let source = "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit"
    #expect(
      BudgetUnroll(BudgetRegions.Plan(try Program(assembly: source))).loops.map(\.times) == [8])
    let interrupter = Interrupter()
    let vm = try makeVM(
      engine, source,
      options: ExecutionOptions(instructionBudget: 1 << 62, interrupter: interrupter))
    InterruptTests.interrupt(interrupter, after: 0.05)
    #expect(throws: EBPFError.interrupted(index: 1)) { try vm.run() }
  }

  /// Loop exits (``BudgetRegions/checkPoints(_:)``): an inner loop's exit
  /// into its enclosing loop's body is a check point; an edge that leaves
  /// one loop's slots into the middle of a loop's that do not enclose them
  /// (a layout like sort's Shell sort) is not, so the other loop's
  /// iteration stays one region. Every budget stops as the oracle does.
  static let interleaved = """
    mov %r0, 0
    mov %r6, 6
    ja body
    inner:
    add %r0, 1
    jlt %r0, %r7, inner
    add %r0, 2
    jgt %r6, 3, tail
    ja outer
    body:
    mov %r7, %r0
    add %r7, 2
    ja inner
    tail:
    sub %r6, 1
    jne %r6, 0, body
    outer:
    sub %r6, 1
    jgt %r6, 0, body
    stxdw [%r1+0], %r0
    exit
    """

  @Test func exitsIntoLoopsThatDoNotEncloseTheExitedOne() throws {
    let program = try Program(assembly: Self.interleaved)
    let points = BudgetRegions.checkPoints(program)
    // Heads 3 (inner) and 8 (body). Slots [3…4] exit to 5 inside [3…10],
    // which encloses them: a check point. [3…10] exits to 11 (tail) and
    // 13 (outer), inside [8…12] and [8…14], which do not enclose it: not
    // check points (before, both were). [8…12] exits to 13 inside [8…14],
    // which encloses it: a check point; [8…14] exits to 15.
    #expect(points.indices.filter { points[$0] } == [0, 3, 5, 8, 13, 15])
  }

  @Test(arguments: Engine.allCases)
  func stopsInInterleavedLoops(_ engine: Engine) throws {
    let stops = try BudgetRegionTests.expectSameStops(engine, Self.interleaved, budgets: 0...80)
    #expect(stops > 60)
  }
}
