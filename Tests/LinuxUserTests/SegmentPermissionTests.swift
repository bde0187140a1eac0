import Foundation
import KilnTestSupport
import Testing

/// `kiln run` honours the ELF segment flags (issue 12, section 3): a write to
/// a read-only segment or a jump into a segment that is not executable stops
/// the guest with SIGSEGV (139), as under qemu-riscv32, on every engine and
/// memory mode; reading them is allowed. The stack, the heap and anonymous
/// mappings are not executable, mmap2 and mprotect set permissions, and a
/// syscall writing into read-only memory fails with EFAULT, as on Linux.
@Suite struct SegmentPermissionTests {
  static let modes: [(mode: String, message: String)] = [
    ("rodata", "write to read-only memory at address"),
    ("text", "write to read-only memory at address"),
    ("data", "execution of non-executable memory at pc"),
    ("stack", "execution of non-executable memory at pc"),
    ("heap", "execution of non-executable memory at pc"),
    ("mmap", "execution of non-executable memory at pc"),
    ("mprotectw", "write to read-only memory at address"),
  ]
  /// Modes that run to the end on Linux, with output to compare.
  static let allowed = ["read", "mmapx", "mprotect", "syscall"]

  @Test(
    .fixturesAndQemu,
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
    // Reading the read-only segments is allowed, by both; so are code in
    // PROT_EXEC mappings, and a failed read(2) into .rodata (EFAULT).
    for mode in Self.allowed {
      let expected = try runProcess(qemu, [elf, mode])
      let actual = try runProcess(Tools.kiln, ["run"] + setup.options + [elf, mode])
      #expect(expected.status == 0 && !expected.stdoutText.isEmpty, "qemu \(mode): \(expected)")
      #expect(
        actual.status == expected.status && actual.stdoutText == expected.stdoutText,
        "kiln \(mode): \(actual), qemu: \(expected.stdoutText)")
    }
  }

  /// With PT_GNU_STACK executable (`-z execstack`), code on the stack runs.
  @Test(
    .fixturesAndQemu,
    arguments: RunSetup.all)
  func executableStackRunsLikeQemu(setup: RunSetup) throws {
    let elf = try Fixtures.build("segperm", optimization: "1", extra: ["-Wl,-z,execstack"])
    let qemu = try #require(Tools.qemu, "qemu-riscv32 not found on PATH")
    let expected = try runProcess(qemu, [elf, "stack"])
    #expect(expected.stdoutText.hasPrefix("f(1) = 2\n"), "qemu: \(expected)")
    let actual = try runProcess(Tools.kiln, ["run"] + setup.options + [elf, "stack"])
    #expect(
      actual.status == expected.status && actual.stdoutText == expected.stdoutText,
      "kiln: \(actual), qemu: \(expected)")
  }
}
