import Foundation
import KilnTestSupport
import Testing

/// The AArch64 cross tools some tests need: `aarch64-linux-gnu-gcc` (with a
/// static glibc) and `qemu-aarch64`, found on PATH (nil when missing).
enum CrossTools {
  static let gcc: String? = which("aarch64-linux-gnu-gcc")
  static let qemu: String? = which("qemu-aarch64")
  static var available: Bool { gcc != nil && qemu != nil }

  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // AArch64Tests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  static func which(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(tool)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Runs `tool` with `arguments`; returns (exit status, or nil if killed by
  /// a signal; the signal; standard output).
  @discardableResult
  static func run(_ tool: String, _ arguments: [String]) throws -> (
    status: Int32?, signal: Int32?, output: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    switch process.terminationReason {
    case .exit: return (process.terminationStatus, nil, output)
    case .uncaughtSignal: return (nil, process.terminationStatus, output)
    @unknown default: return (nil, nil, output)
    }
  }

  /// Cross-compiles `sources` (paths relative to the repository) into a
  /// static AArch64 executable in a fresh directory, passes its path to
  /// `body`, then removes the directory.
  static func withProgram<T>(
    _ sources: [String], flags: [String] = [], _ body: (String) throws -> T
  ) throws -> T {
    let gcc = try #require(gcc, "aarch64-linux-gnu-gcc not found")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-aarch64-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let program = dir.appendingPathComponent("probe").path
    let paths = sources.map { repositoryRoot.appendingPathComponent($0).path }
    let result = try run(gcc, ["-static", "-O1"] + flags + paths + ["-o", program, "-lpthread"])
    guard result.status == 0 else { throw Failure(description: "\(gcc) failed: \(result)") }
    return try body(program)
  }

  /// Runs an AArch64 executable under qemu-aarch64, on its CPU model `cpu`
  /// (`-cpu`; nil: qemu's default).
  static func emulate(_ program: String, _ arguments: [String] = [], cpu: String? = nil) throws
    -> (status: Int32?, signal: Int32?, output: String)
  {
    let qemu = try #require(qemu, "qemu-aarch64 not found")
    return try run(qemu, (cpu.map { ["-cpu", $0] } ?? []) + [program] + arguments)
  }
}

