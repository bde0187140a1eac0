import Foundation

/// The C test programs of `Tests/Fixtures/rv32`, compiled at test time with
/// the toolchain's clang into a temporary directory (once per program and
/// optimisation level per test run).
enum Fixtures {
  /// The flags of the issue: static RV32IM Linux, no libc, lld.
  static let flags = [
    "--target=riscv32-unknown-linux-elf", "-march=rv32im", "-mabi=ilp32", "-nostdlib", "-static",
    "-fuse-ld=lld", "-Wall", "-Werror",
  ]

  static let directory: URL = {
    let dir = Tools.scratch.appendingPathComponent("fixtures", isDirectory: true)
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }()

  private static let cache = Cache()

  /// Compiles `<name>.c` with the runtime at `-O<level>`; returns the ELF path.
  static func build(_ name: String, optimization: String, extra: [String] = []) throws -> String {
    let key = ([name, "O\(optimization)"] + extra.map { $0.filter(\.isLetter) }).joined(
      separator: "-")
    return try cache.value(for: key) {
      guard let clang = Tools.clang else { throw FixtureError("clang not found on PATH") }
      guard Tools.lld != nil else { throw FixtureError("ld.lld not found on PATH") }
      let output = directory.appendingPathComponent(key).path
      let sources = ["start.S", "rt.c", "\(name).c"].map {
        Tools.fixtures.appendingPathComponent($0).path
      }
      let result = try runProcess(
        clang,
        flags + extra + ["-O\(optimization)", "-I", Tools.fixtures.path] + sources + ["-o", output])
      guard result.status == 0 else {
        throw FixtureError("compiling \(name).c failed:\n\(result.stderrText)")
      }
      return output
    }
  }

  /// A lock-protected memo of build results (tests run in parallel).
  private final class Cache: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [String: Result<String, FixtureError>] = [:]

    func value(for key: String, _ make: () throws -> String) throws -> String {
      lock.lock()
      defer { lock.unlock() }
      if let r = results[key] { return try r.get() }
      let r: Result<String, FixtureError>
      do { r = .success(try make()) } catch let e as FixtureError { r = .failure(e) } catch {
        r = .failure(FixtureError("\(error)"))
      }
      results[key] = r
      return try r.get()
    }
  }
}

struct FixtureError: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}
