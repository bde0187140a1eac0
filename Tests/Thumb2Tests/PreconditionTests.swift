import Testing

@testable import Thumb2Port

/// Operands that the types cannot rule out stop the process at the one place
/// they are checked, instead of emitting a wrong or UNPREDICTABLE instruction.
@Suite struct PreconditionTests {
  @Test func loadStoreOffsetOutOfRange() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.ldr(.r0, .r1, 4096)
    }
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.str(.r0, .r1, -256)
    }
  }

  @Test func doublewordOffsetNotAMultipleOfFour() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.ldrd(.r0, .r1, .r2, 6)
    }
  }

  @Test func shiftAmountOutOfRange() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.lsl(.r0, .r1, imm: 32)
    }
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.add(.r0, .r1, .r2, .ror(0))  // would be RRX
    }
  }

  @Test func pcIsNotADataOperand() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.add(.pc, .r0, .r1)
    }
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.ldr(.r0, .pc, 4)
    }
  }

  @Test func spOnlyWhereTheEncodingAllowsIt() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.and(.sp, .sp, .r0)
    }
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.mul(.r0, .sp, .r1)
    }
  }

  @Test func branchInsideAnITBlock() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      let l = a.newLabel()
      a.it(.eq)
      a.b(l)
    }
  }

  @Test func itBlockOfFiveOrNested() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.it(.eq, [true, true, true, true])
    }
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.it(.eq, [true])
      a.it(.ne)
    }
  }

  @Test func multiplyLongWithOneDestination() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.umull(.r0, .r0, .r1, .r2)
    }
  }

  @Test func itBlockLeftOpenOrJumpedInto() async {
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      a.it(.eq, [false])
      a.nop()
      _ = try? a.finish()
    }
    await #expect(processExitsWith: .failure) {
      var a = Thumb2Assembler()
      let l = a.newLabel()
      a.it(.eq, [true])
      a.nop()
      try? a.bind(l)
    }
  }
}
