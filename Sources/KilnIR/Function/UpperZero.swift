/// Which registers hold a value whose upper 32 bits are zero, before each
/// operation of a ``FunctionIR/Function``: a forward data-flow analysis for
/// ports whose registers are narrower than 64 bits (Thumb-2 keeps each
/// eBPF register as a pair of words and may skip the high word of a value
/// known to fit 32 bits) or that want to pick 32-bit forms.
///
/// A register is known to fit 32 bits after a 32-bit operation, a
/// zero-extending load of 1, 2 or 4 bytes, a constant below 2^32, a 64-bit
/// `and` with such a value, a logical right shift by 32 or more, and where
/// a 64-bit unsigned comparison bounds it by a non-negative immediate or a
/// register that fits (`if r < 100` or `if r < r2` on the taken edge, `if r
/// > 100` on the fall-through). It
/// stays so through operations that cannot set the upper half (`or`/`xor`
/// of two such values, right shifts, unsigned division and remainders).
///
/// Facts meet at labels by intersection, iterated to a fixed point (every
/// label starts optimistic, "all known", and only loses facts, so at most
/// 11 passes per label). Helper and local calls clobber r0–r5 (local calls
/// restore r6–r9); a local function's entry knows nothing. r10 is never
/// reported: whether the frame pointer fits 32 bits is the port's fact.
public struct UpperZero: Sendable, Equatable {
  /// Bit `i` set: register `ri`'s upper 32 bits are zero before operation
  /// `op` (unreachable operations report every register).
  public let before: [UInt16]

  /// The registers known to fit 32 bits before operation `op`.
  public func isZeroUpper(_ r: FunctionIR.Register, before op: Int) -> Bool {
    r.index < 10 && before[op] & (1 << r.index) != 0
  }

  /// The facts of `function`; `entry` is the set at its first operation
  /// (bit i: ri fits 32 bits, for example on a 32-bit host whose context
  /// address and length fit a word; a function's registers other than r1
  /// and r2 start at 0).
  public init(_ function: FunctionIR.Function, entry: UInt16) {
    let ops = function.ops
    let all: UInt16 = 0x3FF
    var atLabel = [UInt16](repeating: all, count: function.labelCount)
    var callTargets = [Bool](repeating: false, count: function.labelCount)
    for op in ops { if case .callLocal(let l, _) = op { callTargets[l.id] = true } }
    var before = [UInt16](repeating: all, count: ops.count)
    var changed = true
    while changed {
      changed = false
      // nil: the previous operation does not fall through.
      var current: UInt16? = entry & all
      func reach(_ l: FunctionIR.Label, _ facts: UInt16) {
        let met = atLabel[l.id] & facts
        if met != atLabel[l.id] {
          atLabel[l.id] = met
          changed = true
        }
      }
      for (i, op) in ops.enumerated() {
        if case .label(let l) = op {
          current = callTargets[l.id] ? 0 : atLabel[l.id] & (current ?? all)
        }
        let facts = current ?? all
        before[i] = facts
        guard current != nil else { continue }
        switch op {
        case .jump(let l):
          reach(l, facts)
          current = nil
        case .return:
          current = nil
        case .charge(_, let l):
          reach(l, facts)
        case .branch(let c, let width, let lhs, let rhs, let l):
          let (taken, notTaken) = Self.refine(c, width, lhs, rhs, facts)
          reach(l, taken)
          current = notTaken
        default:
          current = Self.transfer(op, facts)
        }
      }
    }
    self.before = before
  }

  static func bit(_ r: FunctionIR.Register) -> UInt16 { r.index < 10 ? 1 << r.index : 0 }

  /// Whether `o` fits 32 bits as a 64-bit operand (immediates sign-extend).
  static func fits(_ o: FunctionIR.Operand, _ facts: UInt16) -> Bool {
    switch o {
    case .register(let r): facts & bit(r) != 0
    case .immediate(let i): i >= 0
    }
  }

  static func set(_ facts: UInt16, _ r: FunctionIR.Register, _ fits: Bool) -> UInt16 {
    fits ? facts | bit(r) : facts & ~bit(r)
  }

  /// The facts after `op` (not a branch, jump or return).
  static func transfer(_ op: FunctionIR.Op, _ facts: UInt16) -> UInt16 {
    let clobbered: UInt16 = 0x3F  // r0–r5
    switch op {
    case .label, .store, .jump, .branch, .return, .budget, .poll, .charge, .refund:
      return facts
    case .alu(let op, let width, let d, let s):
      guard width == .w64 else { return set(facts, d, true) }
      let dFits = facts & bit(d) != 0
      let sFits = fits(s, facts)
      let result: Bool
      switch op {
      case .move: result = sFits
      case .and: result = dFits || sFits
      case .or, .xor: result = dFits && sFits
      case .shiftRightLogical:
        if case .immediate(let n) = s, n & 63 >= 32 { result = true } else { result = dFits }
      // A non-negative value shifted right arithmetically stays non-negative.
      case .shiftRightArithmetic: result = dFits
      case .setLessThan, .setLessThanUnsigned: result = true
      // Quotients of non-negative values are at most the dividend (x / 0 is
      // 0 under eBPF's rule, all ones under RISC-V's).
      case .divide(let rule), .divideUnsigned(let rule):
        result = dFits && sFits && rule == .ebpf
      // Remainders: x % 0 = x, else below |x| with x's sign.
      case .remainder, .remainderUnsigned: result = dFits
      case .shiftLeft:
        if case .immediate(let n) = s, n & 63 == 0 { result = dFits } else { result = false }
      case .add, .sub, .multiply, .multiplyHighSigned, .multiplyHighSignedUnsigned,
        .multiplyHighUnsigned:
        result = false
      }
      return set(facts, d, result)
    case .negate(let width, let d): return set(facts, d, width == .w32)
    case .signExtend(let width, let d, _, _): return set(facts, d, width == .w32)
    case .zeroExtend(let d, let bits): return bits < 64 ? set(facts, d, true) : facts
    case .byteSwap(let d, let bits): return set(facts, d, bits < 64)
    case .constant(let d, let v): return set(facts, d, v >> 32 == 0)
    case .load(let d, _, _, let size, let signExtend, _):
      return set(facts, d, size < 8 && !signExtend)
    case .atomic(let op, let fetch, let size, _, _, let source, _):
      if op == .cmpxchg { return set(facts, .r0, size < 8) }
      return fetch || op == .xchg ? set(facts, source, size < 8) : facts
    case .packetLoad(let size, _, _, _): return set(facts, .r0, size < 8)
    case .callHelper, .callHelperIndirect, .callLocal: return facts & ~clobbered
    }
  }

  /// The facts on the taken edge and on the fall-through of a branch: a
  /// 64-bit unsigned comparison bounds the smaller side by the larger, so
  /// where `a ≤ b` holds and `b` fits 32 bits (a register that does, or a
  /// non-negative immediate), `a` fits too.
  static func refine(
    _ c: Condition, _ width: FunctionIR.Width, _ lhs: FunctionIR.Register,
    _ rhs: FunctionIR.Operand, _ facts: UInt16
  ) -> (taken: UInt16, notTaken: UInt16) {
    guard width == .w64 else { return (facts, facts) }
    // Where lhs ≤ rhs, and where rhs ≤ lhs.
    let lhsBelow = fits(rhs, facts) ? facts | bit(lhs) : facts
    var rhsBelow = facts
    if case .register(let r) = rhs, facts & bit(lhs) != 0 { rhsBelow |= bit(r) }
    switch c {
    case .lessThanUnsigned, .lessOrEqualUnsigned: return (lhsBelow, rhsBelow)
    case .greaterThanUnsigned, .greaterOrEqualUnsigned: return (rhsBelow, lhsBelow)
    case .equal: return (lhsBelow | rhsBelow, facts)
    case .notEqual: return (facts, lhsBelow | rhsBelow)
    default: return (facts, facts)
    }
  }
}
