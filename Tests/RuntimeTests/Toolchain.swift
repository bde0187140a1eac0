import Foundation
import KilnTestSupport
import Testing

/// Builds RV32 test code with LLVM (the outside oracle for encodings): the
/// toolchain's clang assembles, ld.lld links to a flat binary at `address`.
enum Toolchain {
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
  static let lld = find("ld.lld")
  static var available: Bool { clang != nil && lld != nil }
  static let unavailableReason = "clang and ld.lld are needed to assemble RV32 test code"

  @discardableResult
  static func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw Failure(description: "\(tool) \(arguments.joined(separator: " ")):\n\(output)")
    }
    return output
  }

  /// Assembles RV32IM `source` (GNU syntax) into the bytes of a flat image at `address`.
  static func assemble(_ source: String, at address: UInt32 = 0x1000) throws -> [UInt8] {
    guard let clang, let lld else {
      let missing = [("clang", clang), ("ld.lld", lld)].filter { $0.1 == nil }.map(\.0)
      throw Failure(
        description: "\(unavailableReason); not found: \(missing.joined(separator: ", "))")
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-asm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let s = dir.appendingPathComponent("t.s").path
    let o = dir.appendingPathComponent("t.o").path
    let bin = dir.appendingPathComponent("t.bin").path
    try (".text\n.globl _start\n_start:\n" + source + "\n").write(
      toFile: s, atomically: true, encoding: .utf8)
    try run(clang, ["--target=riscv32-unknown-elf", "-march=rv32im", "-c", s, "-o", o])
    let a = "0x" + String(address, radix: 16)
    try run(lld, ["-Ttext=\(a)", "--image-base=\(a)", "--oformat", "binary", o, "-o", bin])
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: bin)))
  }
}

