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
    let ops = function.ops
    var run = makeRun(for: function, frameSize: frameSize)
    var converged = false
    for _ in 0..<maxPasses where !run.pass() {
      converged = true
      break
    }
    guard converged else { return [UInt16](repeating: 0, count: ops.count) }
    let all: UInt16 = 0x3FF
    var out = [UInt16](repeating: all, count: ops.count)
    var current: State? = .entry(context: true)
    for (i, op) in ops.enumerated() {
      if case .label(let l) = op {
        // At the fixed point the label's state includes the fall-through.
        current = run.labelIn.indices.contains(l.id) ? run.labelIn[l.id] : nil
      }
      guard var s = current else { continue }
      out[i] = fitting(s, frameSize: Int64(frameSize), lengthFits: lengthFits)
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
    return out
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
