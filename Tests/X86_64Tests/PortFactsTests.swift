import CCapstone
import CKilnFault
import KilnIR
import KilnPort
import Testing
import X86_64Port

/// The x86-64 port's facts, checked against the C headers that define them
/// (Capstone's enums, glibc's ucontext_t through the C compiler's offsetof)
/// rather than against the port's own numbers.
@Suite struct PortFactsTests {
  let facts = X86_64Port.facts

  @Test func capstoneTargetIsX86In64BitMode() {
    #expect(UInt32(facts.capstone.architecture) == CS_ARCH_X86.rawValue)
    #expect(facts.capstone.mode == CS_MODE_64.rawValue)
  }

  @Test func signalContextPCIsWhereGlibcKeepsRIP() {
    #expect(facts.signalContextPC == kiln_signal_pc_offset())
  }

  @Test func codeBufferStaysInRel32Reach() {
    // Two points in a buffer of maxCodeSize bytes are at most that far apart,
    // well inside rel32's ±2 GiB.
    #expect(facts.maxCodeSize <= Int(Int32.max))
    #expect(facts.pointerBits == 64)
    #expect(facts.instructionCache == .coherent)
  }

  @Test func registerMapHasOneRowPerRegisterAndFollowsTheHint() {
    #expect(facts.registerMap.count == 16)
    #expect(Set(facts.registerMap.map(\.host)).count == 16)
    let r13 = facts.registerMap.first { $0.host == "r13" }
    #expect(r13?.blocks == "pinned: register hint 0")
    #expect(facts.registerMap.first { $0.host == "r15" }?.blocks == "state pointer")
    #expect(facts.registerMap.first { $0.host == "r11" }?.blocks == "pinned: register hint 6")
    #expect(facts.registerMap.first { $0.host == "rbp" }?.functions == "r10 (frame pointer)")
  }
}
