import Foundation

/// Assembles x86-64 test code with LLVM, the outside oracle for encodings:
///
///     clang --target=x86_64-linux-gnu -c t.s -o t.o
///     llvm-objcopy -O binary --only-section=.text t.o t.bin
///
/// Tests that need it are skipped (with the reason shown) when clang or
/// llvm-objcopy is missing, unless the environment variable `CI` is set:
/// then they run and fail.
enum Assembler {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func find(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
    for dir in path.split(separator: ":") + ["/opt/swift/usr/bin", "/usr/bin"] {
      let candidate = "\(dir)/\(tool)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  static let clang = find("clang")
  static let objcopy = find("llvm-objcopy")
  static let isCI = ProcessInfo.processInfo.environment["CI"] != nil
  /// Whether tests that assemble run: the tools are there, or CI wants a failure.
  static let enabled = (clang != nil && objcopy != nil) || isCI
  static let skipReason = "clang and llvm-objcopy are needed to assemble x86-64 test code"

  /// The machine code of x86-64 `source` (Intel syntax, one instruction or
  /// label per line), as the bytes of its .text section.
  static func x86(_ source: String) throws -> [UInt8] {
    guard let clang, let objcopy else { throw Failure(description: skipReason) }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-emu-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let s = dir.appendingPathComponent("t.s").path
    let o = dir.appendingPathComponent("t.o").path
    let bin = dir.appendingPathComponent("t.bin").path
    try (".intel_syntax noprefix\n.text\n" + source + "\n").write(
      toFile: s, atomically: true, encoding: .utf8)
    try run(clang, ["--target=x86_64-linux-gnu", "-c", s, "-o", o])
    try run(objcopy, ["-O", "binary", "--only-section=.text", o, bin])
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: bin)))
  }

  private static func run(_ tool: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        description: "\(tool) \(arguments.joined(separator: " ")):\n"
          + String(decoding: data, as: UTF8.self))
    }
  }
}
