import Foundation
import Testing

/// `kiln bpf run --repeat N`: N runs of one compiled program, r0 of the last,
/// then the mean time per run, as bpftool's `prog run … repeat N` reports.
@Suite("kiln bpf run --repeat")
struct BPFRepeatCLITests {
  /// Adds 1 to the word at r1 and returns it: r0 counts the runs, because
  /// each run sees the memory the run before left.
  static let counter = "ldxw %r0, [%r1]\nadd %r0, 1\nstxw [%r1], %r0\nexit\n"

  @Test(arguments: ["jit", "interpreter"])
  func runsNTimes(engine: String) throws {
    let path = try BPFRunCLITests.file("repeat-counter.s", Self.counter)
    let r = try BPFRunCLITests.kiln([
      "run", "--engine", engine, "--repeat", "1000", "--mem-hex", "05 00 00 00", path,
    ])
    #expect(r.status == 0, "\(r)")
    let lines = r.stdoutText.split(separator: "\n").map(String.init)
    #expect(lines.count == 2, "\(r)")
    #expect(lines.first == "1005")
    let timing = try #require(lines.last)
    #expect(timing.hasPrefix("duration (average): ") && timing.hasSuffix(" ns, 1000 runs"))
    let ns = timing.dropFirst("duration (average): ".count).prefix { $0.isNumber }
    #expect(UInt64(ns) != nil, "\(timing)")
  }

  /// Without --repeat the output is r0 alone; with a helper that traces, the
  /// trace shows every run.
  @Test func traceShowsEveryRun() throws {
    let path = try BPFRunCLITests.file("repeat-trace.s", "mov %r1, 9\ncall 6\nmov %r0, 2\nexit\n")
    let once = try BPFRunCLITests.kiln(["run", path])
    #expect(once.stdoutText == "2\n")
    let r = try BPFRunCLITests.kiln(["run", "--repeat", "3", path])
    #expect(r.status == 0)
    #expect(r.stderrText == "trace: 9\ntrace: 9\ntrace: 9\n")
    #expect(r.stdoutText.hasPrefix("2\nduration (average): "))
  }

  @Test(arguments: ["0", "-1", "1000000001", "x"])
  func badCountsAreUsageErrors(count: String) throws {
    let path = try BPFRunCLITests.file("repeat-bad.s", "mov %r0, 1\nexit\n")
    let r = try BPFRunCLITests.kiln(["run", "--repeat", count, path])
    #expect(r.status == 64, "\(r)")
    CLITests.expectOneDiagnostic(r, containing: "(see 'kiln bpf run --help')")
  }
}
