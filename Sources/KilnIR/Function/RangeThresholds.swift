extension FunctionIR.RangeAnalysis {
  /// Widening with thresholds: a register's bound that still grows at a
  /// loop head is first moved to the next constant the function compares
  /// that register against (c - 1, c or c + 1 for each `if r <op> c`), and
  /// given up only past the last one or after `thresholdSteps` such moves
  /// at that label (frame slots are widened as before). A counter
  /// `i = 0 … if i != 40 goto head` then settles at [0, 39] instead of
  /// [0, ∞), and the accesses it indexes can be proven.
  ///
  /// Sound like plain widening: a threshold is only ever a larger upper
  /// (smaller lower) bound than the joined one; the fixpoint iteration
  /// then checks it (a bound that does not hold grows again on the next
  /// pass and moves to the next threshold or to none).
  static let thresholdSteps = 8

  /// The sorted, distinct thresholds of `function`, by register: the
  /// constants that register is compared with (a bound only stops where a
  /// comparison of its own register can make it hold).
  static func thresholds(_ function: FunctionIR.Function) -> [[Int64]] {
    var values = [[Int64]](repeating: [], count: 11)
    for op in function.ops {
      guard case .branch(_, _, let r, .immediate(let c), _) = op, r.index < 11 else { continue }
      values[Int(r.index)] += [Int64(c) - 1, Int64(c), Int64(c) + 1]
    }
    return values.map { list in
      var distinct: [Int64] = []
      for v in list.sorted() where distinct.last != v { distinct.append(v) }
      return distinct
    }
  }

  /// The smallest threshold at least `h` (nil: none, give the bound up).
  static func threshold(atLeast h: Int64, _ thresholds: [Int64]) -> Int64? {
    thresholds.first { $0 >= h }
  }

  /// The largest threshold at most `l` (`.min`: none).
  static func threshold(atMost l: Int64, _ thresholds: [Int64]) -> Int64 {
    thresholds.last { $0 <= l } ?? .min
  }
}
