import Foundation
import KilnTestSupport

/// One `.data` file of the bpf_conformance suite (format: ../shared/bpf_conformance/README.md).
struct ConformanceFile: Sendable {
  var name: String
  var asm: String = ""
  var raw: [UInt64]? = nil
  var memory: [UInt8] = []
  var hasMemory = false
  var result: UInt64? = nil
  var error: String? = nil

  /// The suite's directory (`ConformanceSuite.locate`); a path that does
  /// not exist when the suite is missing.
  static let directory: URL =
    ConformanceSuite.locate(
      repositoryRoot: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // EBPFTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent())  // package root
    ?? URL(fileURLWithPath: "/nonexistent/bpf_conformance/tests")

  /// All test file names, sorted (empty if the suite is missing).
  static let names: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".data") }.sorted()
  }()

  static func load(_ name: String) throws -> ConformanceFile {
    let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    var file = ConformanceFile(name: name)
    var section = ""
    var sections: [String: [String]] = [:]
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("-- ") {
        section = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
        sections[section, default: []] = []
        continue
      }
      if line.hasPrefix("#") && section != "asm" { continue }
      sections[section, default: []].append(String(line))
    }
    file.asm = (sections["asm"] ?? []).joined(separator: "\n")
    if let raw = sections["raw"] {
      file.raw = raw.compactMap { line in
        let t = line.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        return UInt64(t.hasPrefix("0x") ? String(t.dropFirst(2)) : t, radix: 16)
      }
    }
    if let mem = sections["mem"] {
      file.hasMemory = true
      file.memory = mem.joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == "\t" })
        .compactMap { UInt8($0, radix: 16) }
    }
    if let result = sections["result"] {
      let t = result.joined().trimmingCharacters(in: .whitespaces)
      file.result = t.hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
    }
    if let error = sections["error"] {
      file.error = error.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return file
  }
}
