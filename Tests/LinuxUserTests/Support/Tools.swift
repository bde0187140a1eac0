import Foundation
import KilnTestSupport
import Testing

/// External tools the tests use, found on PATH (nil when missing: the tests
/// that need them are skipped with the reason, or fail under CI; see
/// `requires`).
enum Tools {
  static let clang: String? = which("clang")
  static let lld: String? = which("ld.lld")
  static let qemu: String? = which("qemu-riscv32")
  static var canCompile: Bool { clang != nil && lld != nil }

  /// The `kiln` executable built next to the test bundle (or $KILN_BINARY).
  static let kiln: String = {
    if let path = ProcessInfo.processInfo.environment["KILN_BINARY"] { return path }
    let exe =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    // macOS bundles: …/debug/KilnPackageTests.xctest/Contents/MacOS/KilnPackageTests
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("kiln").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("kiln").path
  }()

  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // LinuxUserTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// This test process's scratch directory, `$TMPDIR/kiln-tests/<pid>`.
  /// Directories left by earlier runs whose process is gone are removed.
  static let scratch: URL = {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("kiln-tests", isDirectory: true)
    for name in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] {
      if let pid = Int32(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
        try? fm.removeItem(at: root.appendingPathComponent(name))
      }
    }
    let dir = root.appendingPathComponent("\(getpid())", isDirectory: true)
    try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }()

  static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/rv32")
  static let helloELF = repositoryRoot.appendingPathComponent("Examples/hello/hello.elf")

  static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}

/// What a finished subprocess did.
struct ProcessResult: Sendable, CustomStringConvertible {
  var stdout: [UInt8]
  var stderr: [UInt8]
  /// The exit status, or 128 + signal when it was killed by a signal.
  var status: Int32
  var timedOut: Bool

  var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  var stderrText: String { String(decoding: stderr, as: UTF8.self) }
  var description: String {
    "status \(status)\(timedOut ? " (timed out)" : "")\n--- stdout ---\n\(stdoutText.prefix(4000))\n--- stderr ---\n\(stderrText.prefix(4000))"
  }
}

/// Collects a pipe's bytes on a background queue.
private final class PipeReader: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  private let group = DispatchGroup()

  init(_ handle: FileHandle) {
    group.enter()
    DispatchQueue.global().async {
      let d = handle.readDataToEndOfFile()
      self.lock.lock()
      self.data = d
      self.lock.unlock()
      self.group.leave()
    }
  }

  func wait() -> [UInt8] {
    group.wait()
    lock.lock()
    defer { lock.unlock() }
    return [UInt8](data)
  }
}

/// Runs a program to completion with the given stdin; stdout and stderr
/// are pipes.
func runProcess(
  _ executable: String, _ arguments: [String], stdin: [UInt8] = [], timeout: TimeInterval = 300,
  currentDirectory: URL? = nil
) throws -> ProcessResult {
  signal(SIGPIPE, SIG_IGN)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let currentDirectory { process.currentDirectoryURL = currentDirectory }
  let out = Pipe()
  let err = Pipe()
  let input = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  let done = DispatchSemaphore(value: 0)
  process.terminationHandler = { _ in done.signal() }
  try process.run()
  let outReader = PipeReader(out.fileHandleForReading)
  let errReader = PipeReader(err.fileHandleForReading)
  try? input.fileHandleForWriting.write(contentsOf: Data(stdin))
  try? input.fileHandleForWriting.close()

  var timedOut = false
  if done.wait(timeout: .now() + timeout) == .timedOut {
    timedOut = true
    process.terminate()
  }
  process.waitUntilExit()
  let stdout = outReader.wait()
  let stderr = errReader.wait()
  let status =
    process.terminationReason == .uncaughtSignal
    ? 128 + process.terminationStatus : process.terminationStatus
  return ProcessResult(stdout: stdout, stderr: stderr, status: status, timedOut: timedOut)
}

extension Trait where Self == ConditionTrait {
  /// What a test that builds the RV32 C fixtures and compares them with
  /// qemu-riscv32 needs: clang, ld.lld and qemu-riscv32 on PATH.
  static var fixturesAndQemu: Self {
    let tools = [("clang", Tools.clang), ("ld.lld", Tools.lld), ("qemu-riscv32", Tools.qemu)]
    let missing = tools.filter { $0.1 == nil }.map(\.0)
    return .requires(
      missing.isEmpty,
      "\(missing.joined(separator: ", ")) not found on PATH: cannot build the RV32 C fixtures "
        + "and compare them with qemu-riscv32 (Scripts/setup.sh installs them)")
  }
}
