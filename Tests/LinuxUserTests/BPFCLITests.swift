import EBPF
import Foundation
import KilnTestSupport
import Testing

/// `kiln bpf conformance-plugin`, driven exactly as bpf_conformance's runner
/// drives a plugin: memory in argv[1] ("00  01  ", left out when empty),
/// program hex on stdin, r0 in hex on stdout; expected values from the suite.
@Suite(
  "kiln bpf conformance-plugin",
  .requires(
    !BPFConformanceData.files(in: BPFConformanceData.suite).isEmpty,
    ConformanceSuite.missingReason))
struct BPFPluginTests {
  /// The whole suite (a subprocess each: about a second in all).
  static let sample = BPFConformanceData.files(in: BPFConformanceData.suite).map(
    \.lastPathComponent)

  static let errorFiles = BPFConformanceData.files(in: BPFConformanceData.errors).map(
    \.lastPathComponent)

  /// Runs the plugin as the runner does; returns the process result.
  static func plugin(
    _ file: BPFConformanceData, elf: Bool = false, options: [String] = [],
    via executable: [String]? = nil
  ) throws -> ProcessResult {
    var args: [String] = []
    if !file.memory.isEmpty { args.append(BPFConformanceData.runnerHex(file.memory)) }
    args += options
    if elf { args.append("--elf") }
    var program = try file.programBytes()
    if elf { program = BPFConformanceData.runnerELF(program) }
    let stdin = Array((BPFConformanceData.runnerHex(program) + "\n").utf8)
    let command = executable ?? [Tools.kiln, "bpf", "conformance-plugin"]
    return try runProcess(command[0], Array(command.dropFirst()) + args, stdin: stdin)
  }

  /// The runner's verdict: r0 parsed as hex equals `-- result`, or a non-zero exit with a message for `-- error`.
  static func expectRunnerPass(_ file: BPFConformanceData, _ r: ProcessResult) {
    if file.error != nil {
      #expect(r.status != 0, "\(file.name): expected a failure, got \(r)")
      #expect(
        !r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
        "\(file.name): no message")
      return
    }
    #expect(r.status == 0, "\(file.name): \(r)")
    var text = r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    if text.hasPrefix("0x") { text.removeFirst(2) }
    #expect(UInt64(text, radix: 16) == file.result, "\(file.name): \(r)")
  }

  @Test func sampleIsLargeEnough() throws {
    #expect(
      Self.sample.count >= 30, "\(ConformanceSuite.missingReason)")
    let files = try Self.sample.map {
      try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent($0))
    }
    #expect(files.contains { !$0.memory.isEmpty })
    #expect(files.contains { $0.raw != nil })
    #expect(Self.errorFiles.count >= 5)
  }

  /// Every file on the default engine (the JIT) and on the interpreter.
  @Test(arguments: sample, [[], ["--engine", "interpreter"]])
  func suiteFile(_ name: String, options: [String]) throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent(name))
    Self.expectRunnerPass(file, try Self.plugin(file, options: options))
  }

  @Test(arguments: errorFiles, [[], ["--engine", "interpreter"]])
  func errorFile(_ name: String, options: [String]) throws {
    let file = try BPFConformanceData(BPFConformanceData.errors.appendingPathComponent(name))
    #expect(file.error != nil)
    Self.expectRunnerPass(file, try Self.plugin(file, options: options))
  }

  /// `--elf`: the same programs inside the runner's ELF objects.
  @Test(arguments: sample.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
  func suiteFileAsELF(_ name: String) throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent(name))
    Self.expectRunnerPass(file, try Self.plugin(file, elf: true))
  }

  /// Plugin options after the memory, as separate words or as one argument
  /// (older runners pass `--plugin_options` as a single string).
  @Test(arguments: [
    ["--engine", "interpreter"], ["--engine interpreter"], ["--engine=interpreter", "--unchecked"],
    ["--engine", "jit"], ["--engine=jit", "--unchecked"], ["--emulate"],
    ["--host", "x86_64", "--emulate", "--unchecked"], ["--host x86_64 --emulate"],
    ["--host", "aarch64"], ["--host", "aarch64", "--unchecked"], ["--host aarch64"],
  ])
  func pluginOptions(_ options: [String]) throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent("ldxw.data"))
    #expect(!file.memory.isEmpty)
    Self.expectRunnerPass(file, try Self.plugin(file, options: options))
  }

  /// Files on the JIT running in Unicorn (`--emulate`), natively compiled for this machine.
  @Test(arguments: sample.enumerated().filter { $0.offset % 4 == 0 }.map(\.element))
  func suiteFileEmulated(_ name: String) throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent(name))
    Self.expectRunnerPass(file, try Self.plugin(file, options: ["--emulate"]))
  }

  /// Files on the AArch64 JIT (`--host aarch64`, always in Unicorn here),
  /// checked and unchecked.
  @Test(arguments: sample.enumerated().filter { $0.offset % 4 == 1 }.map(\.element))
  func suiteFileOnAArch64(_ name: String) throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent(name))
    Self.expectRunnerPass(file, try Self.plugin(file, options: ["--host", "aarch64"]))
    Self.expectRunnerPass(
      file, try Self.plugin(file, options: ["--host", "aarch64", "--unchecked"]))
  }

  @Test func unknownHostIsAnError() throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent("add.data"))
    let r = try Self.plugin(file, options: ["--host", "vax"])
    #expect(r.status != 0)
    #expect((r.stdoutText + r.stderrText).contains("unknown host 'vax'"))
  }

  @Test func unknownEngineIsAUsageError() throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent("add.data"))
    let r = try Self.plugin(file, options: ["--engine", "llvm"])
    #expect(r.status != 0)
    #expect((r.stdoutText + r.stderrText).contains("--engine"))
  }

  /// `Scripts/kiln-bpf-plugin`, the path given to the runner, with `$KILN`.
  @Test(arguments: ["add.data", "ldxh.data"])
  func wrapperScript(_ name: String) throws {
    let file = try BPFConformanceData(BPFConformanceData.suite.appendingPathComponent(name))
    let script = Tools.repositoryRoot.appendingPathComponent("Scripts/kiln-bpf-plugin").path
    #expect(FileManager.default.isExecutableFile(atPath: script))
    Self.expectRunnerPass(
      file, try Self.plugin(file, via: ["/usr/bin/env", "KILN=\(Tools.kiln)", script]))
  }
}
