import Foundation
import KilnTestSupport
import Testing

/// The guest stack is bounded as on Linux (issue 12, section 3): a guard gap
/// below the 8 MiB stack stops an overflowing guest with SIGSEGV (139), as
/// qemu-riscv32 does, instead of letting it overwrite the mmap2 area.
@Suite struct StackGuardTests {
  @Test(
    .fixturesAndQemu,
    arguments: RunSetup.all)
  func stackOverflowFaultsLikeQemu(setup: RunSetup) throws {
    let elf = try Fixtures.build("stackguard", optimization: "2")
    let qemu = try #require(Tools.qemu, "qemu-riscv32 not found on PATH")
    let expected = try runProcess(qemu, [elf])
    #expect(expected.status == 139, "qemu-riscv32: \(expected)")
    let actual = try runProcess(Tools.kiln, ["run"] + setup.options + [elf])
    #expect(actual.status == expected.status, "kiln: \(actual.stdoutText) \(actual.stderrText)")
    #expect(actual.stdoutText == "", "the guest got past the stack")
    #expect(actual.stderrText.contains("guard"), "\(actual.stderrText)")
  }
}
