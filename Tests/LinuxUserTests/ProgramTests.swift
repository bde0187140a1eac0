import Foundation
import KilnTestSupport
import Runtime
import Testing

/// One C test program run: which source, how it is compiled and started.
struct GuestProgram: Sendable, CustomTestStringConvertible {
  var name: String
  var optimization = "2"
  var arguments: [String] = []
  var stdin = ""

  var testDescription: String { "\(name) -O\(optimization)" }
}

let guestPrograms: [GuestProgram] = [
  GuestProgram(name: "arith"),
  GuestProgram(name: "arith", optimization: "0"),
  GuestProgram(name: "divide"),
  GuestProgram(name: "divide", optimization: "0"),
  GuestProgram(name: "recursion"),
  GuestProgram(name: "recursion", optimization: "0"),
  GuestProgram(name: "switch"),
  GuestProgram(name: "switch", optimization: "0"),
  GuestProgram(name: "funcptr"),
  GuestProgram(name: "bigarray"),
  GuestProgram(name: "malloc"),
  GuestProgram(name: "memops"),
  GuestProgram(name: "memops", optimization: "0"),
  GuestProgram(name: "argv", arguments: ["one", "two words", "", "ünïcødé", "--flag"]),
  GuestProgram(
    name: "stdin", stdin: "the quick brown fox\njumps over\n\tthe lazy dog\nno newline at the end"),
  GuestProgram(name: "selfmod"),
  GuestProgram(name: "syscalls"),
]

/// C programs compiled with clang, run under `kiln run` on both engines and
/// memory modes and under qemu-riscv32: stdout and exit status must be identical.
@Suite("RV32 C programs vs qemu-riscv32")
struct ProgramTests {
  @Test(
    .fixturesAndQemu,
    arguments: guestPrograms, RunSetup.all)
  func matchesQemu(_ program: GuestProgram, setup: RunSetup) throws {
    let elf = try Fixtures.build(program.name, optimization: program.optimization)
    let qemu = try #require(Tools.qemu, "qemu-riscv32 not found on PATH")
    let stdin = Array(program.stdin.utf8)
    let expected = try runProcess(qemu, [elf] + program.arguments, stdin: stdin)
    #expect(!expected.timedOut)
    #expect(expected.stderr.isEmpty, "qemu-riscv32 wrote to stderr: \(expected)")

    let actual = try runProcess(
      Tools.kiln, ["run"] + setup.options + [elf] + program.arguments, stdin: stdin)
    #expect(!actual.timedOut)
    #expect(actual.stderrText == "", "kiln wrote to stderr")
    #expect(actual.status == expected.status, "exit status differs")
    #expect(
      actual.stdoutText == expected.stdoutText,
      "stdout differs at line \(firstDifferentLine(actual.stdoutText, expected.stdoutText))")
    #expect(!expected.stdout.isEmpty)
  }

  /// The bundled example behaves the same under kiln and qemu (no compiler needed).
  @Test(
    .requires(
      Tools.qemu != nil, "qemu-riscv32 not found on PATH (Scripts/setup.sh installs qemu-user)"),
    arguments: RunSetup.all)
  func exampleMatchesQemu(setup: RunSetup) throws {
    let qemu = try #require(Tools.qemu, "qemu-riscv32 not found on PATH")
    let elf = Tools.helloELF.path
    let expected = try runProcess(qemu, [elf, "Ada", "Grace"])
    let actual = try runProcess(
      Tools.kiln, ["run"] + setup.options + [elf, "Ada", "Grace"])
    #expect(actual.status == expected.status)
    #expect(actual.stdoutText == expected.stdoutText)
  }
}

/// "N: kiln «…» vs qemu «…»" for the first line that differs.
func firstDifferentLine(_ a: String, _ b: String) -> String {
  let la = a.split(separator: "\n", omittingEmptySubsequences: false)
  let lb = b.split(separator: "\n", omittingEmptySubsequences: false)
  for i in 0..<max(la.count, lb.count) {
    let x = i < la.count ? String(la[i]) : "<end>"
    let y = i < lb.count ? String(lb[i]) : "<end>"
    if x != y { return "\(i + 1): kiln «\(x)» vs qemu «\(y)»" }
  }
  return "none"
}
