import Foundation
import Testing

/// Every ```swift block of README.md is compiled: `Samples.swift` holds each
/// one as the body of a function (its imports hoisted to the file), so
/// building the tests type-checks the README against the library. This test
/// keeps the two in step: when the README's samples change it rewrites
/// `Samples.swift` and fails; the next build compiles the new samples.
@Suite struct ReadmeTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let samplesFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Samples.swift")

  /// The fenced ```swift blocks of `markdown`, in order.
  static func swiftBlocks(_ markdown: String) -> [[Substring]] {
    var blocks: [[Substring]] = []
    var current: [Substring]?
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if current == nil, trimmed == "```swift" {
        current = []
      } else if current != nil, trimmed == "```" {
        blocks.append(current ?? [])
        current = nil
      } else if current != nil {
        current?.append(line)
      }
    }
    return blocks
  }

  /// The contents `Samples.swift` must have for `markdown`.
  static func samplesSource(_ markdown: String) -> String {
    let blocks = swiftBlocks(markdown)
    var imports = Set<String>()
    var functions = ""
    for (i, block) in blocks.enumerated() {
      functions += "\nfunc readmeSample\(i + 1)() throws {\n"
      for line in block {
        if line.hasPrefix("import ") {
          imports.insert(String(line.split(separator: " ")[1]))
        } else {
          functions += line.isEmpty ? "\n" : "  \(line)\n"
        }
      }
      functions += "}\n"
    }
    return """
      // Generated from README.md by ReadmeTests (do not edit): each ```swift
      // block of the README as the body of a function, imports hoisted.
      // swift-format-ignore-file

      """ + imports.sorted().map { "import \($0)\n" }.joined() + functions
  }

  @Test func samplesMatchTheReadme() throws {
    let readme = try String(
      contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(Self.swiftBlocks(readme).count >= 2)
    let expected = Self.samplesSource(readme)
    let actual = try? String(contentsOf: Self.samplesFile, encoding: .utf8)
    if actual != expected {
      try expected.write(to: Self.samplesFile, atomically: true, encoding: .utf8)
      Issue.record(
        "README.md's Swift samples changed: Tests/ReadmeTests/Samples.swift rewritten; rebuild to compile them"
      )
    }
  }

  /// The RV32 sample runs (it needs nothing outside the README).
  @Test func rv32SampleRuns() throws {
    try readmeSample1()
  }
}
