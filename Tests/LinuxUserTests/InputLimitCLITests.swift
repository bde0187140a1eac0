import Foundation
import Testing

/// Inputs are size-checked before they are read (README, "Robustness"):
/// a file over the limit is one `kiln:` line and status 1, with nothing
/// read; pipes stop at the limit. Assembler input may use CRLF line ends, and
/// its errors quote the offending token.
@Suite("kiln input limits")
struct InputLimitCLITests {
  static let scratch: URL = {
    let dir = Tools.scratch.appendingPathComponent("input-limits", isDirectory: true)
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }()

  /// A sparse file of `size` bytes (no disk space, nothing to read but zeros).
  static func sparse(_ name: String, size: Int) throws -> String {
    let path = scratch.appendingPathComponent(name).path
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
    return path
  }

  @Test(
    arguments: [
      (["run"], 3 << 30, "file is 3221225472 bytes, more than the limit of 256 MiB"),
      (["disasm"], (256 << 20) + 1, "more than the limit of 256 MiB"),
      (["bpf", "disasm"], 256 << 20, "file is 268435456 bytes, more than the limit of 16 MiB"),
      (["bpf", "run"], (16 << 20) + 1, "more than the limit of 16 MiB"),
      (["bpf", "asm"], (16 << 20) + 1, "more than the limit of 16 MiB"),
    ] as [([String], Int, String)])
  func oversizedFilesAreRefusedBeforeReading(command: [String], size: Int, message: String)
    throws
  {
    let path = try Self.sparse("big-\(command.joined(separator: "-")).bin", size: size)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let start = Date()
    let r = try runProcess(Tools.kiln, command + [path])
    #expect(r.status == 1, "\(r)")
    CLITests.expectOneDiagnostic(r, containing: message)
    // Refused from its size: reading 3 GiB would take far longer.
    #expect(Date().timeIntervalSince(start) < 20)
  }

  /// A `--mem` file over the limit, and a pipe that goes on past it.
  @Test func memoryFileAndPipe() throws {
    let program = Self.scratch.appendingPathComponent("exit.s").path
    try Data("mov %r0, 7\nexit\n".utf8).write(to: URL(fileURLWithPath: program))
    let mem = try Self.sparse("mem.bin", size: (16 << 20) + 1)
    let r = try runProcess(Tools.kiln, ["bpf", "run", "--mem", mem, program])
    #expect(r.status == 1)
    CLITests.expectOneDiagnostic(r, containing: "more than the limit of 16 MiB")
    // stdin as the program, 20 MB through a pipe.
    let piped = try runProcess(
      Tools.kiln, ["bpf", "disasm", "/dev/stdin"], stdin: [UInt8](repeating: 0, count: 20 << 20))
    #expect(piped.status == 1)
    CLITests.expectOneDiagnostic(piped, containing: "file is larger than the limit of 16 MiB")
  }

  /// CRLF assembly runs; a bad token is quoted and cut short in one line.
  @Test func assemblerInputThroughTheCLI() throws {
    let crlf = Self.scratch.appendingPathComponent("crlf.s").path
    try Data("mov %r0, 1\r\nadd %r0, 41\r\nexit\r\n".utf8).write(to: URL(fileURLWithPath: crlf))
    let ok = try runProcess(Tools.kiln, ["bpf", "run", crlf])
    #expect(ok.status == 0, "\(ok)")
    #expect(ok.stdoutText == "42\n")

    let bad = Self.scratch.appendingPathComponent("bad.s").path
    var bytes = Array("mov %r0, \u{1b}[2J".utf8) + [0xff, 0xfe]
    bytes += [UInt8](repeating: UInt8(ascii: "A"), count: 100_000) + Array("\nexit\n".utf8)
    try Data(bytes).write(to: URL(fileURLWithPath: bad))
    for command in [["bpf", "run"], ["bpf", "asm"]] {
      let r = try runProcess(Tools.kiln, command + [bad])
      #expect(r.status == 1)
      CLITests.expectOneDiagnostic(r, containing: "line 1: invalid immediate: '\\x1b[2J\\x")
      #expect(!r.stderr.contains(UInt8(0x1b)) && !r.stderr.contains(UInt8(0xff)))
      #expect(r.stderr.count < 300, "\(r.stderr.count) bytes")
    }
  }
}
