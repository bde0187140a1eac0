import Foundation
import Testing

/// Every ```swift block of README.md and of the DocC articles
/// (`Sources/*/*.docc/*.md`) is compiled: `Samples.swift` holds each
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

  /// The DocC articles (`Sources/*/*.docc/*.md`), by path relative to the
  /// root, sorted: their samples are compiled the same way.
  static func articles() -> [String] {
    let sources = root.appendingPathComponent("Sources")
    var paths: [String] = []
    let fm = FileManager.default
    for target in (try? fm.contentsOfDirectory(atPath: sources.path)) ?? [] {
      let dir = sources.appendingPathComponent(target)
      for catalog in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
      where catalog.hasSuffix(".docc") {
        let files = (try? fm.contentsOfDirectory(atPath: dir.appendingPathComponent(catalog).path))
        for file in files ?? [] where file.hasSuffix(".md") {
          paths.append("Sources/\(target)/\(catalog)/\(file)")
        }
      }
    }
    return paths.sorted()
  }

  /// The contents `Samples.swift` must have for the README's `markdown` and
  /// the DocC `articles` (path, text): `readmeSampleN` for the README's
  /// blocks, `doccSample_<Article>_N` for an article's.
  static func samplesSource(_ markdown: String, articles: [(String, String)] = []) -> String {
    var imports = Set<String>()
    var functions = ""
    func add(_ blocks: [[Substring]], name: (Int) -> String) {
      for (i, block) in blocks.enumerated() {
        functions += "\nfunc \(name(i + 1))() throws {\n"
        for line in block {
          if line.hasPrefix("import ") {
            imports.insert(String(line.split(separator: " ")[1]))
          } else {
            functions += line.isEmpty ? "\n" : "  \(line)\n"
          }
        }
        functions += "}\n"
      }
    }
    add(swiftBlocks(markdown)) { "readmeSample\($0)" }
    for (path, text) in articles {
      let article = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      add(swiftBlocks(text)) { "doccSample_\(article)_\($0)" }
    }
    return """
      // Generated from README.md and the DocC articles (Sources/*/*.docc) by
      // ReadmeTests (do not edit): each ```swift block as the body of a
      // function, imports hoisted.
      // swift-format-ignore-file

      """ + imports.sorted().map { "import \($0)\n" }.joined() + functions
  }

  @Test func samplesMatchTheReadme() throws {
    let readme = try String(
      contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(Self.swiftBlocks(readme).count >= 2)
    let articles = try Self.articles().map {
      ($0, try String(contentsOf: Self.root.appendingPathComponent($0), encoding: .utf8))
    }
    #expect(articles.map(\.0).contains("Sources/Runtime/Runtime.docc/EmbeddingTheRV32VM.md"))
    #expect(articles.map(\.0).contains("Sources/EBPFJIT/EBPFJIT.docc/EmbeddingTheEBPFJIT.md"))
    #expect(articles.reduce(0) { $0 + Self.swiftBlocks($1.1).count } >= 4)
    let expected = Self.samplesSource(readme, articles: articles)
    let actual = try? String(contentsOf: Self.samplesFile, encoding: .utf8)
    if actual != expected {
      try expected.write(to: Self.samplesFile, atomically: true, encoding: .utf8)
      Issue.record(
        "The Swift samples of README.md or a DocC article changed: Tests/ReadmeTests/Samples.swift rewritten; rebuild to compile them"
      )
    }
  }

  /// The RV32 sample runs (it needs nothing outside the README).
  @Test func rv32SampleRuns() throws {
    try readmeSample1()
  }

  /// The articles' first samples run too (they need nothing outside the
  /// article): the RV32 VM's guest and syscall, the eBPF program on both engines.
  @Test func articleSamplesRun() throws {
    try doccSample_EmbeddingTheRV32VM_1()
    try doccSample_EmbeddingTheEBPFJIT_1()
  }
}
