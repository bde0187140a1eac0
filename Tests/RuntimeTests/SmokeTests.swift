import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct SmokeTests {
  @Test(arguments: Harness.setups)
  func addFunction(setup: Setup) throws {
    let (r, _) = try Harness.call(setup, "addi a0, a0, 5\nadd a0, a0, a1\nret", [10, 20])
    #expect(r == 35)
  }

  @Test(arguments: Harness.setups)
  func loopAndMemory(setup: Setup) throws {
    // sum of 1...a0 stored to and reloaded from memory at 0x20000
    let source = """
        li t1, 0
      1:
        add t1, t1, a0
        addi a0, a0, -1
        bnez a0, 1b
        lui t2, 0x20
        sw t1, 0(t2)
        lw a0, 0(t2)
        ret
      """
    let (r, _) = try Harness.call(setup, source, [100])
    #expect(r == 5050)
  }
}
