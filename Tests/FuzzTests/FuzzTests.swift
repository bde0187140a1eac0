import Foundation
import KilnFuzz
import Testing

/// The fuzzers' committed findings replayed, and every fuzz target run for
/// a short fixed budget (the CI share of `Scripts/fuzz.sh`; the figures of
/// long runs are in the README's robustness section).
@Suite struct FuzzTests {
  static let fuzzRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fuzz")

  static func files(_ folder: String) -> [URL] {
    let dir = fuzzRoot.appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appendingPathComponent($0) }
  }

  /// (target, file) for every committed regression input.
  static let regressions: [String] = FuzzTarget.allCases.flatMap { target in
    files("Regressions/\(target.rawValue)").map { "\(target.rawValue)/\($0.lastPathComponent)" }
  }

  @Test func regressionsArePresent() {
    #expect(Self.regressions.count >= 2, "\(Self.regressions)")
  }

  @Test(arguments: regressions)
  func replay(_ name: String) throws {
    let parts = name.split(separator: "/")
    let target = try #require(FuzzTarget(rawValue: String(parts[0])))
    let url = Self.fuzzRoot.appendingPathComponent("Regressions/\(name)")
    let data = try Data(contentsOf: url)
    let runner = try target.makeRunner()
    let ext = url.pathExtension
    if ext == "rv32" || ext == "bpf" {
      let parsed = try RegressionFile.parse(String(decoding: data, as: UTF8.self), kind: ext)
      if let reason = parsed.disabled {
        print("\(name): disabled (known divergence): \(reason)")
        return
      }
      #expect(parsed.rv32 != nil || parsed.bpf != nil)
      if let divergence = try runner.program(parsed) { Issue.record("\(name): \(divergence)") }
    } else if let divergence = try runner.run([UInt8](data)) {
      Issue.record("\(name): \(divergence)")
    }
  }

  /// Executions per target in the short budget: Unicorn rows are slower.
  static func budget(_ target: FuzzTarget) -> Int {
    switch target {
    case .bpfEmulated, .rv32Emulated: 25
    case .bpfNative, .rv32Native: 200
    default: 300
    }
  }

  @Test(arguments: FuzzTarget.allCases)
  func shortBudget(_ target: FuzzTarget) throws {
    let seeds = Self.files("Corpus/\(target.rawValue)").compactMap {
      try? [UInt8](Data(contentsOf: $0))
    }
    let driver = FuzzDriver(target: target, seed: 0x4B49_4C4E, seeds: seeds)
    let report = try driver.run(runs: Self.budget(target))
    #expect(report.executions == Self.budget(target))
    for f in report.findings.prefix(3) {
      Issue.record("\(target.rawValue) input \(f.index): \(f.divergence)")
    }
    if !report.outcomes.isEmpty {
      // Most generated programs run to their end: the oracle compares real work.
      let exits = (report.outcomes["exit"] ?? 0) + (report.outcomes["return"] ?? 0)
      #expect(exits * 3 >= report.executions, "\(report.outcomes)")
    }
  }
}
