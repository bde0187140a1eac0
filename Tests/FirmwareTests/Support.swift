import Foundation
import KilnTestSupport
import Testing

/// The tools the firmware's build and boot need, found on PATH.
enum Tools {
  static let firmwareBuild = [
    "swiftc", "clang", "ld.lld", "llvm-objcopy", "llvm-readelf", "llvm-size", "arm-none-eabi-gcc",
  ]
  static let qemu = "qemu-system-arm"

  static func missing(_ names: [String]) -> [String] { names.filter { which($0) == nil } }

  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // FirmwareTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// The bpf_conformance suite (`ConformanceSuite.locate`); a path that does
  /// not exist when it is missing.
  static let conformanceDirectory =
    ConformanceSuite.locate(repositoryRoot: repositoryRoot)
    ?? URL(fileURLWithPath: "/nonexistent/bpf_conformance/tests")

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
  var output: String
  var status: Int32

  var description: String { "status \(status)\n\(output.suffix(6000))" }
}

/// Runs `executable` to completion; stdout and stderr go to one file (read
/// afterwards, so a chatty child cannot block on a full pipe).
func runProcess(_ executable: URL, _ arguments: [String]) throws -> ProcessResult {
  let log = FileManager.default.temporaryDirectory
    .appendingPathComponent("kiln-firmware-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log")
  guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
  }
  defer { try? FileManager.default.removeItem(at: log) }
  let handle = try FileHandle(forWritingTo: log)
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.standardOutput = handle
  process.standardError = handle
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  try handle.close()
  let output = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
  let status =
    process.terminationReason == .uncaughtSignal
    ? 128 + process.terminationStatus : process.terminationStatus
  return ProcessResult(output: output, status: status)
}
