import Foundation
import KilnTestSupport
import Testing

/// kiln's own output to a full stdout (`>/dev/full`, every write fails with
/// ENOSPC) is reported as one `kiln: …` line with status 74 (EX_IOERR),
/// instead of exiting 0 with the output lost.
@Suite("kiln output errors")
struct OutputErrorCLITests {
  /// Runs kiln with stdout on /dev/full; stderr is collected from a pipe.
  static func kilnToDevFull(_ args: [String], stdin: String? = nil) throws -> (
    status: Int32, stderr: String
  ) {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    defer { try? full.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Tools.kiln)
    process.arguments = args
    let err = Pipe()
    process.standardOutput = full
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    if let stdin {
      let file = Tools.scratch.appendingPathComponent("stdin-\(UUID().uuidString)")
      try Data(stdin.utf8).write(to: file)
      process.standardInput = try FileHandle(forReadingFrom: file)
    }
    try process.run()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
  }

  static func commands() throws -> [[String]] {
    let dir = Tools.scratch.appendingPathComponent("output-errors", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let source = dir.appendingPathComponent("answer.s")
    try Data("mov %r0, 1\nadd %r0, 41\nexit\n".utf8).write(to: source, options: .atomic)
    let elf = dir.appendingPathComponent("exit0.elf")
    try Data(ELFBuilder.program(RV.exit(0)).bytes()).write(to: elf, options: .atomic)
    return [
      ["bpf", "run", source.path], ["bpf", "asm", source.path], ["bpf", "disasm", source.path],
      ["disasm", elf.path],
    ]
  }

  @Test(.requires(FileManager.default.fileExists(atPath: "/dev/full"), "/dev/full not present"))
  func fullStdoutIsOneLineAndStatus74() throws {
    for args in try Self.commands() {
      let r = try Self.kilnToDevFull(args)
      #expect(
        r.status == 74, "kiln \(args.joined(separator: " ")): status \(r.status), \(r.stderr)")
      let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.count == 2 && lines[1].isEmpty, "stderr: \(r.stderr)")
      #expect(
        r.stderr.hasPrefix("kiln: cannot write to standard output: "), "stderr: \(r.stderr)")
    }
  }

  /// The conformance plugin's r0 goes through the same checked writer.
  @Test(.requires(FileManager.default.fileExists(atPath: "/dev/full"), "/dev/full not present"))
  func conformancePluginToFullStdout() throws {
    // mov %r0, 42; exit (as `kiln bpf asm` would print them, byte by byte).
    let program = "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00\n"
    let r = try Self.kilnToDevFull(["bpf", "conformance-plugin"], stdin: program)
    #expect(r.status == 74, "status \(r.status), \(r.stderr)")
    #expect(r.stderr == "kiln: cannot write to standard output: No space left on device\n")
  }
}
