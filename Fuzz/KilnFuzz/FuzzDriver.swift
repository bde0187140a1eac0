/// The deterministic fuzz loop: input `i` of a run depends only on the
/// seed and `i`, so any finding reproduces with `-seed S -start I -runs 1`.
public struct FuzzDriver {
  public var target: FuzzTarget
  public var seed: UInt64
  public var seeds: [[UInt8]]
  /// Only the engines whose name contains this (nil: all of the target's).
  public var only: String?

  public init(target: FuzzTarget, seed: UInt64, seeds: [[UInt8]] = [], only: String? = nil) {
    self.only = only
    self.target = target
    self.seed = seed
    self.seeds = seeds
  }

  public struct Finding: Sendable {
    public var index: Int
    public var input: [UInt8]
    public var divergence: Divergence
  }

  public struct Report: Sendable {
    public var executions = 0
    public var findings: [Finding] = []
    /// How the reference runs ended (differential targets), by kind.
    public var outcomes: [String: Int] = [:]
  }

  /// The input at `index`.
  public func input(at index: Int) -> [UInt8] {
    var mutator = Mutator(seed: seed &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03, seeds: seeds)
    return mutator.input(for: target)
  }

  /// Runs inputs `start..<start+runs`; `before` sees each index first (for
  /// crash reports), `progress` every `every` executions.
  public func run(
    start: Int = 0, runs: Int, every: Int = 10_000, before: (Int) -> Void = { _ in },
    progress: (Report) -> Void = { _ in }
  ) throws -> Report {
    let runner = try target.makeRunner(only: only)
    var report = Report()
    for index in start..<(start + runs) {
      before(index)
      let input = input(at: index)
      if let divergence = try runner.run(input) {
        report.findings.append(Finding(index: index, input: input, divergence: divergence))
      }
      report.executions += 1
      if report.executions % every == 0 { progress(report) }
    }
    report.outcomes = runner.outcomes()
    return report
  }
}
