import KilnIR

/// Which eBPF registers may live in ONE host register (`Home.narrow`: the
/// low word; the high word is taken as 0 and never stored).
///
/// A narrow home loses the high word of every value written to it, so it
/// is right exactly where no code looks at that high word, or where the
/// value is within 32 bits anyway (`fits`: `UpperZero` or the range
/// analysis' word facts). The rule: at every operation whose lowering
/// reads the register's high word (`highReads`), the register fits 32
/// bits. Reads of the low word only:
///
/// * 32-bit operations and comparisons, sign extensions (from the low
///   word), zero extensions and 16/32-bit byte swaps;
/// * the base of an access without a bounds check (proven, unchecked or a
///   constant r10 offset inside the frame): the address is its low word;
///   a stored value of 1, 2 or 4 bytes;
/// * `add`, `sub`, `and`, `or`, `xor`, moves and products whose
///   destination is narrow too: the low word of the result depends only on
///   the operands' low words, and they are lowered as the 32-bit operation
///   (`FunctionLoweringALU.swift`);
/// * the shift of a fused `d *= s ; d >>= n` (n ≥ 32) whose operands fit
///   (`fusedMultiplyHigh`): one `umull`, the result within 32 bits.
///
/// Helper calls read r1–r5 whole (the arguments; a direct helper with a
/// known argument count only those, `helperReads`), `exit` r0; budget
/// checks, polls, local calls, atomics and packet loads count as reading
/// every register (their stops and callees see whole registers).
///
/// So a pair or slot never receives a wrong high word: every physical
/// high word read from a narrow register is either 0 in fact, or feeds
/// only the (dropped) high word of another narrow register.
extension RegisterAllocation {
  /// The largest subset of `within` that passes when it is the narrow set.
  static func largestNarrowSet(
    _ function: FunctionIR.Function, fits: [UInt16], baseReadsHigh: [Bool],
    helperReads: HelperMasks = [:], within: UInt16
  ) -> UInt16 {
    var set = within
    while true {
      let passing = narrowPasses(
        function, fits: fits, baseReadsHigh: baseReadsHigh, helperReads: helperReads, set)
      if passing & set == set { return set }
      set &= passing
    }
  }

  /// The registers of `narrow` whose high word is read only where they
  /// fit, when `narrow` is the set of narrow homes.
  static func narrowPasses(
    _ function: FunctionIR.Function, fits: [UInt16], baseReadsHigh: [Bool],
    helperReads: HelperMasks = [:], _ narrow: UInt16
  ) -> UInt16 {
    var failing: UInt16 = 0
    let ops = function.ops
    var skip = -1
    for (i, op) in ops.enumerated() {
      if i == skip { continue }
      if fusedMultiplyHigh(ops, i, fits: fits) { skip = i + 1 }
      var reads = highReads(
        op, narrow: narrow, baseReadsHigh: i < baseReadsHigh.count && baseReadsHigh[i])
      if case .callHelper(let id, _) = op, let mask = helperReads[id] { reads = mask }
      failing |= reads & ~(i < fits.count ? fits[i] : 0)
    }
    return narrow & ~failing
  }

  static func bit(_ r: FunctionIR.Register) -> UInt16 { r.index < 10 ? 1 << r.index : 0 }

  static func bit(_ o: FunctionIR.Operand) -> UInt16 {
    if case .register(let r) = o { return bit(r) }
    return 0
  }

  /// 64-bit operations whose low result word depends only on the low
  /// words of the operands (shifts excepted: the lowering's 32-bit shift
  /// takes the amount modulo 32).
  static func lowOnly(_ op: BinaryOperation) -> Bool {
    switch op {
    case .add, .sub, .and, .or, .xor, .move, .multiply: true
    default: false
    }
  }

  /// The registers whose high word the lowering of `op` reads, when
  /// `narrow` are the narrow homes; `baseReadsHigh`: the op is an access
  /// with a bounds check.
  static func highReads(_ op: FunctionIR.Op, narrow: UInt16, baseReadsHigh: Bool) -> UInt16 {
    switch op {
    case .label, .jump, .constant, .signExtend, .zeroExtend: return 0
    case .alu(let o, let width, let d, let s):
      if width == .w32 || (narrow & bit(d) != 0 && lowOnly(o)) { return 0 }
      return bit(d) | bit(s)
    case .negate(let width, let d):
      return width == .w32 || narrow & bit(d) != 0 ? 0 : bit(d)
    case .byteSwap(let d, let bits): return bits < 64 ? 0 : bit(d)
    case .load(_, let base, _, _, _, _): return baseReadsHigh ? bit(base) : 0
    case .store(let base, _, let size, let value, _):
      return (baseReadsHigh ? bit(base) : 0) | (size == 8 ? bit(value) : 0)
    case .branch(_, let width, let l, let r, _): return width == .w32 ? 0 : bit(l) | bit(r)
    case .callHelper: return 0b11_1110
    case .callHelperIndirect(let r, _): return 0b11_1110 | bit(r)
    case .return: return 1
    case .budget, .poll, .charge, .refund, .callLocal, .atomic, .packetLoad: return 0x3FF
    }
  }

  /// Whether operations `i` and `i + 1` are `d *= s ; d >>= n` (64-bit,
  /// logical, 32 ≤ n < 64) with `d` and `s` within 32 bits before `i`: the
  /// result is the product's high word shifted right by n − 32.
  static func fusedMultiplyHigh(_ ops: [FunctionIR.Op], _ i: Int, fits: [UInt16]) -> Bool {
    guard i + 1 < ops.count, i < fits.count,
      case .alu(.multiply, .w64, let d, let s) = ops[i],
      case .alu(.shiftRightLogical, .w64, let d2, .immediate(let n)) = ops[i + 1],
      d2 == d, n & 63 >= 32, d.index < 10, fits[i] & bit(d) != 0
    else { return false }
    switch s {
    case .register(let r): return r.index < 10 && fits[i] & bit(r) != 0
    case .immediate(let v): return v >= 0
    }
  }
}
