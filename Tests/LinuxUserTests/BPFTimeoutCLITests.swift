import Foundation
import Testing

/// `kiln bpf run --timeout SECONDS` (issue 12, section 2): `ja -1` ends
/// with one line and status 124, as `kiln run --timeout` does, on both
/// engines and on an emulated port. Before, it ran until killed.
@Suite struct BPFTimeoutCLITests {
  @Test(arguments: [[], ["--engine", "interpreter"], ["--host", "thumb2"], ["--emulate"]])
  func timeoutStopsJumpToItself(_ options: [String]) throws {
    let path = try CLITests.file("ja-timeout.s", Array("ja -1\nexit\n".utf8))
    let r = try runProcess(Tools.kiln, ["bpf", "run", "--timeout", "0.2"] + options + [path])
    #expect(r.status == 124, "\(r)")
    CLITests.expectOneDiagnostic(r, containing: "interrupted at instruction 0")
  }

  /// A program that ends in time prints r0 as without a timeout.
  @Test func aProgramThatEndsInTimeIsNotStopped() throws {
    let path = try CLITests.file("r0-timeout.s", Array("mov %r0, 7\nexit\n".utf8))
    let r = try runProcess(Tools.kiln, ["bpf", "run", "--timeout", "100", path])
    #expect(r.status == 0, "\(r)")
    #expect(r.stdoutText == "7\n")
  }

  @Test(arguments: ["0", "-1", "nan", "x"])
  func badTimeoutIsAUsageError(_ value: String) throws {
    let path = try CLITests.file("ja-bad-timeout.s", Array("ja -1\nexit\n".utf8))
    let r = try runProcess(Tools.kiln, ["bpf", "run", "--timeout", value, path])
    #expect(r.status == 64, "\(r)")
  }
}
