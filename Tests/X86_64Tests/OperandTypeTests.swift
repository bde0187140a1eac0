import Testing

@testable import X86_64Port

/// Condition codes, register names and the `Memory` precondition.
@Suite struct OperandTypeTests {
  @Test func invertedConditionsPairUp() {
    for cc in ConditionCode.allCases {
      #expect(cc.inverted != cc)
      #expect(cc.inverted.inverted == cc)
    }
    #expect(ConditionCode.e.inverted == .ne)
    #expect(ConditionCode.l.inverted == .ge)
    #expect(ConditionCode.be.inverted == .a)
  }

  @Test func registerNames() {
    #expect(GPR.rax.description == "rax")
    #expect(GPR.r8.name(.dword) == "r8d")
    #expect(GPR.rsi.byteName == "sil")
    #expect(GPR.r15.wordName == "r15w")
    #expect(
      Memory(base: .rbx, index: .r12, scale: .x4, displacement: -8).description
        == "[rbx + 4*r12 - 8]")
  }

  @Test func rspCannotBeAnIndex() async {
    await #expect(processExitsWith: .failure) {
      _ = Memory(base: .rax, index: .rsp)
    }
  }
}
