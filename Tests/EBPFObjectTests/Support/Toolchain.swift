import Foundation
import KilnTestSupport
import Testing

/// External tools (clang, llvm-readelf) and the C fixtures of
/// `Tests/Fixtures/bpf`, compiled at test time into this process's scratch
/// directory. Tests that need a missing tool print why and skip (under CI
/// they fail instead; see `requires`).
enum Toolchain {
  static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  static let clang = which("clang")
  static let readelf = which("llvm-readelf")

  static let fixtures: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // EBPFObjectTests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/bpf")

  /// `$TMPDIR/kiln-ebpf-object-tests/<pid>`; directories of finished runs are removed.
  static let scratch: URL = {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("kiln-ebpf-object-tests")
    for name in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] {
      if let pid = Int32(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
        try? fm.removeItem(at: root.appendingPathComponent(name))
      }
    }
    let dir = root.appendingPathComponent("\(getpid())")
    try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }()

  /// Flags for every eBPF fixture (`-fno-builtin`: no calls to memcpy/strlen,
  /// which eBPF does not have).
  static let bpfFlags = ["--target=bpf", "-O2", "-Wall", "-Werror", "-fno-builtin", "-c"]

  /// Compiles `Tests/Fixtures/bpf/<name>.c` (or C `source` text) for eBPF; returns the object's bytes.
  static func bpfObject(_ name: String, source: String? = nil, extraFlags: [String] = [])
    throws -> [UInt8]
  {
    let path = try cache.value(for: "bpf:\(name):\(source ?? ""):\(extraFlags)") {
      guard let clang else { throw ToolError("clang not found on PATH") }
      var input = fixtures.appendingPathComponent("\(name).c").path
      if let source {
        input = scratch.appendingPathComponent("\(name).c").path
        try source.write(toFile: input, atomically: true, encoding: .utf8)
      }
      let output = scratch.appendingPathComponent("\(name).bpf.o").path
      try run(clang, bpfFlags + extraFlags + ["-I", fixtures.path, input, "-o", output])
      return output
    }
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Compiles `<name>.c` natively with the harness calling `entry`; returns the executable.
  static func nativeHarness(_ name: String, entry: String) throws -> String {
    try cache.value(for: "native:\(name):\(entry)") {
      guard let clang else { throw ToolError("clang not found on PATH") }
      let output = scratch.appendingPathComponent("\(name)-\(entry).native").path
      let sources = ["harness.c", "\(name).c"].map { fixtures.appendingPathComponent($0).path }
      try run(
        clang,
        ["-O2", "-Wall", "-Werror", "-fno-builtin", "-DENTRY=\(entry)", "-I", fixtures.path]
          + sources + ["-o", output])
      return output
    }
  }

  /// Runs a tool; throws with its output unless it exits 0. Returns stdout.
  @discardableResult
  static func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes concurrently so a chatty tool cannot block on a full pipe.
    let errData = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData.set(err.fileHandleForReading.readDataToEndOfFile())
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ToolError(
        "\(tool) \(arguments.joined(separator: " ")) failed:\n\(String(decoding: errData.get(), as: UTF8.self))"
      )
    }
    return String(decoding: outData, as: UTF8.self)
  }

  private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.withLock { data = d } }
    func get() -> Data { lock.withLock { data } }
  }

  private static let cache = Cache()

  /// A lock-protected memo of build results (tests run in parallel).
  private final class Cache: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [String: Result<String, ToolError>] = [:]

    func value(for key: String, _ make: () throws -> String) throws -> String {
      lock.lock()
      defer { lock.unlock() }
      if let r = results[key] { return try r.get() }
      let r: Result<String, ToolError>
      do { r = .success(try make()) } catch let e as ToolError { r = .failure(e) } catch {
        r = .failure(ToolError("\(error)"))
      }
      results[key] = r
      return try r.get()
    }
  }
}

struct ToolError: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}

