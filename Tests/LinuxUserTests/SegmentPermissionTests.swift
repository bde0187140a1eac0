import Foundation
import KilnTestSupport
import Testing

/// `kiln run` honours the ELF segment flags (issue 12, section 3): a write to
/// a read-only segment or a jump into a segment that is not executable stops
/// the guest with SIGSEGV (139), as under qemu-riscv32, on every engine and
/// memory mode; reading them is allowed.
@Suite struct SegmentPermissionTests {
  static let modes: [(mode: String, message: String)] = [
    ("rodata", "write to read-only memory at address"),
    ("text", "write to read-only memory at address"),
    ("data", "execution of non-executable memory at pc"),
  ]

  @Test(
    .requires(Tools.clang != nil, "clang not found on PATH: cannot compile the RV32 C fixtures"),
    .requires(Tools.lld != nil, "ld.lld not found on PATH: cannot link the RV32 C fixtures"),
    .requires(
      Tools.qemu != nil, "qemu-riscv32 not found on PATH (Scripts/setup.sh installs qemu-user)"),
    arguments: RunSetup.all)
  func violationsFaultLikeQemu(setup: RunSetup) throws {
    let elf = try Fixtures.build("segperm", optimization: "1")
    let qemu = try #require(Tools.qemu, "qemu-riscv32 not found on PATH")
    for (mode, message) in Self.modes {
      let expected = try runProcess(qemu, [elf, mode])
      #expect(expected.status == 139, "qemu-riscv32 \(mode): \(expected)")
      let actual = try runProcess(Tools.kiln, ["run"] + setup.options + [elf, mode])
      #expect(actual.status == expected.status, "kiln \(mode): \(actual)")
      #expect(!actual.stdoutText.contains("survived"), "kiln \(mode): \(actual)")
      #expect(actual.stderrText.contains(message), "kiln \(mode): \(actual.stderrText)")
    }
    // Reading the read-only segments is allowed, by both.
    let read = try runProcess(Tools.kiln, ["run"] + setup.options + [elf, "read"])
    let qemuRead = try runProcess(qemu, [elf, "read"])
    #expect(qemuRead.status == 0 && qemuRead.stdoutText == "read 1\n", "\(qemuRead)")
    #expect(read.status == qemuRead.status && read.stdoutText == qemuRead.stdoutText, "\(read)")
  }
}
