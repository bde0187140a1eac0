import Foundation
import Testing

/// `kiln run --max-instructions N` and `--timeout SECONDS` (issue 12,
/// section 2): an infinite loop ends with one line and a status on every
/// engine, port and memory mode. Before, `kiln run` had neither option and
/// the loop ran until killed.
@Suite struct BudgetCLITests {
  /// At 0x10100: `1: addi a0, a0, 1; j 1b` — after n instructions the next
  /// pc is 0x10100 + 4·(n mod 2).
  static let spin: [UInt32] = [
    RV.addi(RV.a0, RV.a0, 1),
    0xFFDF_F06F,  // j .-4
  ]

  @Test(arguments: RunSetup.all)
  func maxInstructionsStopsAnInfiniteLoop(setup: RunSetup) throws {
    let path = try CLITests.file(
      "spin-\(setup.testDescription.filter(\.isLetter))", ELFBuilder.program(Self.spin).bytes())
    let r = try CLITests.kiln(["run", "--max-instructions", "1001"] + setup.options + [path])
    #expect(r.status == 134, "\(r.stderrText)")
    CLITests.expectOneDiagnostic(
      r, containing: "instruction budget of 1001 exhausted at pc 0x10104")
  }

  /// A program that ends within its budget runs as without one.
  @Test(arguments: RunSetup.all)
  func aBudgetThatSufficesChangesNothing(setup: RunSetup) throws {
    let path = try CLITests.file("exit7-budget", ELFBuilder.program(RV.exit(7)).bytes())
    let r = try CLITests.kiln(["run", "--max-instructions", "3"] + setup.options + [path])
    #expect(r.status == 7, "\(r.stderrText)")
    #expect(r.stderr.isEmpty)
  }

  @Test(arguments: RunSetup.all.filter { $0.emulatedPort == nil })
  func timeoutStopsAnInfiniteLoop(setup: RunSetup) throws {
    let path = try CLITests.file("spin-timeout", ELFBuilder.program(Self.spin).bytes())
    let r = try CLITests.kiln(["run", "--timeout", "0.2"] + setup.options + [path])
    #expect(r.status == 124, "\(r.stderrText)")
    CLITests.expectOneDiagnostic(r, containing: "interrupted at pc 0x1010")
  }

  @Test(arguments: ["0", "-1", "nan", "x"])
  func badTimeoutIsAUsageError(_ value: String) throws {
    let path = try CLITests.file("spin-bad", ELFBuilder.program(Self.spin).bytes())
    let r = try CLITests.kiln(["run", "--timeout", value, path])
    #expect(r.status == 64, "\(r.stderrText)")
  }

  @Test func helpShowsTheOptions() throws {
    let r = try CLITests.kiln(["run", "--help"])
    #expect(r.stdoutText.contains("--max-instructions <N>"))
    #expect(r.stdoutText.contains("--timeout <SECONDS>"))
  }

  /// `ja -1; exit` as the bpf_conformance runner sends it (hex on stdin).
  static let jumpToItself = "05 00 ff ff 00 00 00 00 95 00 00 00 00 00 00 00\n"

  /// The plugin hung on `ja -1`; with a budget it ends with the runner's
  /// error protocol (message on stdout, status 1) on every engine and port.
  @Test(arguments: [
    [], ["--engine", "interpreter"], ["--emulate"], ["--host", "aarch64"], ["--host", "thumb2"],
  ])
  func conformancePluginStopsJumpToItself(_ options: [String]) throws {
    let r = try runProcess(
      Tools.kiln, ["bpf", "conformance-plugin", "--max-instructions", "1000"] + options,
      stdin: Array(Self.jumpToItself.utf8))
    #expect(r.status == 1, "\(r)")
    #expect(
      r.stdoutText.contains(
        "instruction budget exhausted at instruction 0 after 1000 instructions"),
      "\(r)")
  }

  /// `kiln bpf run --max-instructions` on the JIT (it used to refuse one).
  @Test(arguments: [[], ["--engine", "interpreter"], ["--host", "thumb2"]])
  func bpfRunStopsJumpToItself(_ options: [String]) throws {
    let path = try CLITests.file("ja.s", Array("ja -1\nexit\n".utf8))
    let r = try runProcess(
      Tools.kiln, ["bpf", "run", "--max-instructions", "77"] + options + [path])
    #expect(r.status == 134, "\(r)")
    CLITests.expectOneDiagnostic(
      r, containing: "instruction budget exhausted at instruction 0 after 77 instructions")
  }
}
