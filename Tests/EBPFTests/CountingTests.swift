import EBPF
import Testing

/// `Interpreter.countingRun`: executed instructions, counted by hand.
@Suite struct CountingTests {
  @Test func loopCountsEveryExecutedInstructionOnce() throws {
    // 2 before the loop, 3 per iteration × 10, exit: 33.
    let program = try Program(
      assembly: """
        mov %r0, 0
        mov %r1, 10
        loop:
        add %r0, 2
        sub %r1, 1
        jne %r1, 0, loop
        exit
        """)
    let (r0, executed) = try Interpreter(program: program).countingRun(context: nil)
    #expect(r0 == 20)
    #expect(executed == 33)
  }

  @Test func lddwCountsOnceAndLocalCallsCount() throws {
    // lddw (1, two slots), call (1), in the callee mov + exit (2), exit (1): 5.
    let program = try Program(
      assembly: """
        lddw %r0, 0x100000000
        call local func1
        exit
        func1:
        mov %r0, 7
        exit
        """)
    let (r0, executed) = try Interpreter(program: program).countingRun(context: nil)
    #expect(r0 == 7)
    #expect(executed == 5)
  }

  @Test func aLimitStillStopsACountingRun() throws {
    var interpreter = try Interpreter(program: try Program(assembly: "ja -1\nexit"))
    interpreter.options.instructionBudget = 100
    #expect(throws: EBPFError.self) { try interpreter.countingRun(context: nil) }
  }
}
