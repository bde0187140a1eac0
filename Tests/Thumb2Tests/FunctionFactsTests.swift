import KilnPort
import Testing
import Thumb2Port

/// The Thumb-2 port's facts: the register map the CLI prints comes from
/// `FunctionABI`, and the Unicorn and Capstone numbers are the headers'
/// (unicorn/arm.h, unicorn/unicorn.h, capstone/capstone.h of Debian's
/// libunicorn-dev 2.0.1 and libcapstone-dev 4.0.2).
@Suite struct FunctionFactsTests {
  let facts = Thumb2Port.facts

  @Test func registerMapHasOneRowPerRegister() {
    #expect(facts.registerMap.count == 16)
    #expect(Set(facts.registerMap.map(\.host)).count == 16)
    let row = { (name: String) in facts.registerMap.first { $0.host == name }?.functions ?? "" }
    #expect(row("r4").contains("allocated"))
    #expect(row("r9").contains("allocated"))
    #expect(row("r10").contains("r10 low word"))
    #expect(row("r11").contains("frame base"))
    #expect(row("lr").contains("return address"))
  }

  @Test func emulatorAndDisassemblerTargets() {
    #expect(facts.architecture == "thumb2")
    #expect(facts.pointerBits == 32)
    #expect(facts.branchReach == 16 << 20)
    #expect(facts.signalContextPC == nil)
    // CS_ARCH_ARM = 0, CS_MODE_THUMB = 1 << 4, CS_MODE_MCLASS = 1 << 5.
    #expect(facts.capstone == CapstoneTarget(architecture: 0, mode: 0x30))
    // UC_ARCH_ARM = 1, UC_MODE_THUMB = 16, UC_CPU_ARM_CORTEX_M4 = 9; r0 = 66, r1 = 67,
    // pc = 11, sp = 12, lr = 10.
    let u = facts.unicorn
    #expect(u.architecture == 1 && u.mode == 16 && u.cpuModel == 9)
    #expect(u.pc == 11 && u.stackPointer == 12 && u.returnAddress == .register(10))
    #expect(u.arguments == [66, 67, 68, 69] && u.result == 66 && u.resultHigh == 67)
    #expect(u.convention == .aapcs32)
  }
}
