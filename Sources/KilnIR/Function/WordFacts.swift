extension FunctionIR.RangeAnalysis {
  /// Which registers the range analysis knows to hold a value in
  /// `[0, 2^32)` before each operation (bit i: ri), for ports whose words
  /// are 32 bits wide (they may keep such a register in one host register;
  /// ``UpperZero`` finds the same from the operations' widths, this from
  /// the values' intervals: a loop counter below a bound, a frame pointer
  /// minus a constant).
  ///
  /// A value fits when it is a number whose interval (with its affine
  /// relation) is within `[0, 2^32)` (an upper bound in `L`, the context
  /// length, counts if `lengthFits` (the length itself is below 2^32, as
  /// on a 32-bit host) and the bound is at most `L`), a frame pointer in
  /// `[r10 - frameSize, r10)` (inside the stack region), or a context
  /// pointer below `r1 + L` (inside the context region): a region lies
  /// inside the host's address space, so its addresses fit a word on a
  /// 32-bit host. Unreachable operations report every register (as
  /// `UpperZero`); if the analysis does not converge, none.
  ///
  /// Runs the analysis to its fixed point, then once more over the
  /// operations to record the state before each: linear per pass.
  public static func wordFacts(
    for function: FunctionIR.Function, frameSize: Int, lengthFits: Bool
  ) -> [UInt16] {
    factsAndWordFacts(for: function, frameSize: frameSize, lengthFits: lengthFits).words
  }

  /// The access facts (``facts(for:frameSize:)``) and the word facts
  /// (``wordFacts(for:frameSize:lengthFits:)``) from one run of the
  /// analysis, for a caller that needs both (a JIT on a 32-bit device:
  /// the fixed point is most of the analysis' cost, paid once here).
  ///
  /// `frameReach`: how many bytes below r10 the accesses through a frame
  /// pointer (r10 plus or minus a known amount) reach at most, on the
  /// paths the analysis follows (`frameSize` where a bound is unknown; 0
  /// if there are none). With the facts: a `.proven` access whose base is
  /// a frame pointer stays within `frameReach` bytes below r10.
  public static func factsAndWordFacts(
    for function: FunctionIR.Function, frameSize: Int, lengthFits: Bool
  ) -> (facts: [FunctionIR.AccessFact], words: [UInt16], frameReach: Int) {
    var run = makeRun(for: function, frameSize: frameSize)
    var converged = false
    for _ in 0..<maxPasses where !run.pass() {
      converged = true
      break
    }
    guard converged else {
      return (
        [FunctionIR.AccessFact](repeating: .checked, count: run.facts.count),
        [UInt16](repeating: 0, count: function.ops.count), frameSize
      )
    }
    let (words, reach) = walk(run, frameSize: frameSize, lengthFits: lengthFits)
    return (run.facts, words, reach)
  }

  /// The word facts of `run` at its fixed point, and the frame reach: one
  /// more walk over the operations, recording the state before each.
  static func walk(_ run: Run, frameSize: Int, lengthFits: Bool) -> ([UInt16], Int) {
    let ops = run.function.ops
    let all: UInt16 = 0x3FF
    var out = [UInt16](repeating: all, count: ops.count)
    var reach: Int64 = 0
    let size = Int64(frameSize)
    var current: State? = .entry(context: true)
    for (i, op) in ops.enumerated() {
      if case .label(let l) = op {
        // At the fixed point the label's state includes the fall-through.
        current = run.labelIn.indices.contains(l.id) ? run.labelIn[l.id] : nil
      }
      guard var s = current else { continue }
      out[i] = fitting(s, frameSize: size, lengthFits: lengthFits)
      switch op {
      case .load(_, let base, let offset, _, _, _), .store(let base, let offset, _, _, _),
        .atomic(_, _, _, let base, let offset, _, _):
        let v = s[base]
        if v.base == .frame {
          let lo = s.range(of: v).0
          reach =
            lo == .min || lo < -size || Int64(offset) < -size
            ? size : max(reach, -(lo + Int64(offset)))
        }
      default: break
      }
      switch op {
      case .label, .charge: break
      case .jump, .return: current = nil
      case .branch(let cond, let w, let lhs, let rhs, _):
        current = refine(s, cond, w, lhs, rhs, taken: false)
      default:
        _ = run.transfer(op, &s)
        current = s
      }
    }
    return (out, Int(min(max(reach, 0), size)))
  }

  /// The registers r0–r9 of `s` whose values are in `[0, 2^32)`.
  static func fitting(_ s: State, frameSize: Int64, lengthFits: Bool) -> UInt16 {
    var bits: UInt16 = 0
    for r in 0..<10 {
      let v = s.registers[r]
      let (lo, hi) = s.range(of: v)
      guard lo != .min, let hi else { continue }
      let fits: Bool
      switch v.base {
      case .scalar:
        if let h = hi.constantValue {
          fits = lo >= 0 && h <= 0xFFFF_FFFF
        } else {
          // q * floor(L / 2^k) + c <= L + c with q <= 2^k.
          fits = lo >= 0 && lengthFits && hi.c <= 0
        }
      case .frame:
        fits = lo >= -frameSize && (hi.constantValue ?? 0) <= -1
      case .context:
        fits = lo >= 0 && hi.constantValue == nil && hi.c <= -1
      }
      if fits { bits |= 1 << r }
    }
    return bits
  }
}
