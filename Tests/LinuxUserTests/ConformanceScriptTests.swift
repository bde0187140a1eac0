import Foundation
import KilnTestSupport
import Testing

/// `Scripts/conformance.sh`, which finds the bpf_conformance suite for
/// `Scripts/test.sh` on a fresh clone: from `$KILN_BPF_CONFORMANCE`,
/// `../shared`, an earlier checkout, or a new checkout of the pinned commit;
/// otherwise one line saying how to get it.
@Suite struct ConformanceScriptTests {
  static let script = Tools.repositoryRoot.appendingPathComponent("Scripts/conformance.sh")

  /// A fresh clone: `<dir>/clone/Scripts/conformance.sh`, with no `../shared`.
  static func freshClone() throws -> URL {
    let dir = Tools.scratch.appendingPathComponent("fresh-\(UUID().uuidString)")
    let scripts = dir.appendingPathComponent("clone/Scripts")
    try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: script, to: scripts.appendingPathComponent("conformance.sh"))
    return dir
  }

  /// Runs the clone's script with `environment` on top of a cleaned one.
  static func run(_ clone: URL, _ environment: [String]) throws -> ProcessResult {
    try runProcess(
      "/usr/bin/env",
      ["-u", "KILN_BPF_CONFORMANCE"] + environment + [
        clone.appendingPathComponent("clone/Scripts/conformance.sh").path
      ])
  }

  @Test func missingSuiteIsOneLineSayingHowToGetIt() throws {
    let clone = try Self.freshClone()
    let r = try Self.run(clone, ["KILN_NO_FETCH=1"])
    #expect(r.status == 1, "\(r)")
    #expect(r.stdout.isEmpty)
    let lines = r.stderrText.split(separator: "\n")
    #expect(lines.count == 1, "\(r)")
    #expect(r.stderrText.hasPrefix("bpf_conformance suite not found: set KILN_BPF_CONFORMANCE"))
    #expect(r.stderrText.contains("github.com/Alan-Jowett/bpf_conformance at commit f558566"))
  }

  @Test func environmentVariableWins() throws {
    let clone = try Self.freshClone()
    let data = clone.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try Data("-- asm\nexit\n".utf8).write(to: data.appendingPathComponent("exit.data"))
    let r = try Self.run(clone, ["KILN_NO_FETCH=1", "KILN_BPF_CONFORMANCE=\(data.path)"])
    #expect(r.status == 0, "\(r)")
    #expect(r.stdoutText == data.resolvingSymlinksInPath().path + "\n")
    // A directory without .data files is refused in one line.
    let empty = try runProcess(
      "/usr/bin/env",
      [
        "KILN_NO_FETCH=1", "KILN_BPF_CONFORMANCE=\(clone.path)",
        clone.appendingPathComponent("clone/Scripts/conformance.sh").path,
      ])
    #expect(empty.status == 1)
    #expect(empty.stderrText.split(separator: "\n").count == 1, "\(empty)")
  }

  /// Without ../shared, the script checks out the pinned commit of the
  /// upstream repository (here a local one, as the network may be closed)
  /// into `.build/bpf_conformance` and uses it from then on.
  @Test(.requires(Tools.which("git") != nil, "git not found"))
  func checksOutThePinnedCommit() throws {
    let clone = try Self.freshClone()
    let upstream = clone.appendingPathComponent("upstream")
    try FileManager.default.createDirectory(
      at: upstream.appendingPathComponent("tests"), withIntermediateDirectories: true)
    func git(_ args: [String]) throws -> String {
      let r = try runProcess(
        "/usr/bin/env",
        [
          "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t",
          "GIT_COMMITTER_EMAIL=t@t", "git", "-C", upstream.path,
        ] + args)
      try #require(r.status == 0, "git \(args): \(r)")
      return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    _ = try git(["init", "-q"])
    try Data("-- asm\nexit\n".utf8).write(to: upstream.appendingPathComponent("tests/a.data"))
    _ = try git(["add", "."])
    _ = try git(["commit", "-q", "-m", "pinned"])
    let pinned = try git(["rev-parse", "HEAD"])
    // A later commit the script must not take.
    try Data("-- asm\nexit\n".utf8).write(to: upstream.appendingPathComponent("tests/b.data"))
    _ = try git(["add", "."])
    _ = try git(["commit", "-q", "-m", "later"])

    let r = try Self.run(
      clone,
      ["KILN_BPF_CONFORMANCE_URL=\(upstream.path)", "KILN_BPF_CONFORMANCE_COMMIT=\(pinned)"])
    let checkout = clone.appendingPathComponent("clone/.build/bpf_conformance/tests")
    #expect(r.status == 0, "\(r)")
    #expect(r.stdoutText == checkout.path + "\n")
    let names = try FileManager.default.contentsOfDirectory(atPath: checkout.path)
    #expect(names == ["a.data"])
    // The next run finds the checkout without fetching.
    let again = try Self.run(clone, ["KILN_NO_FETCH=1"])
    #expect(again.status == 0, "\(again)")
    #expect(again.stdoutText == checkout.path + "\n")
  }
}
