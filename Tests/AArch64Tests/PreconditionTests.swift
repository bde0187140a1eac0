import Testing

@testable import AArch64Port

/// Operands that the types cannot rule out stop the process at the one place
/// they are checked, instead of emitting a wrong or UNPREDICTABLE instruction.
@Suite struct PreconditionTests {
  @Test func offsetNotEncodableForTheAccessSize() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.ldr(.x0, .offset(.x1, 4))  // not a multiple of 8
    }
  }

  @Test func literalOutOfRange() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.str(.x0, .preIndex(.sp, 256))
    }
  }

  @Test func shiftAmountAsWideAsTheRegister() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.add(.w0, .w1, .w2, .lsl(32))
    }
  }

  @Test func addCannotRotate() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.add(.x0, .x1, .x2, .ror(1))
    }
  }

  @Test func halfwordShiftBeyondAWRegister() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.movk(.w0, 1, .lsl32)
    }
  }

  @Test func writebackToTheDataRegister() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.ldr(.x3, .postIndex(.x3, 8))
    }
  }

  @Test func csetWithoutACondition() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.cset(.x0, .al)
    }
  }

  @Test func storeExclusiveStatusIsTheData() async {
    await #expect(processExitsWith: .failure) {
      var a = AArch64Assembler()
      a.stxr(.w1, .x1, .x2)
    }
  }
}
