extension FunctionIR {
  /// Which registers may be read before they are written, before each
  /// operation of a ``Function``: a backward data-flow analysis over the
  /// function's branches, iterated to a fixed point (sets only grow, so at
  /// most eleven passes per operation).
  ///
  /// It is conservative where the IR leaves the callee or the runtime in
  /// charge: a local or helper call, a legacy packet load and the budget
  /// and poll operations read every register (the callee or the runtime's
  /// saved `stopRegisters` may look at any of them) and a call writes
  /// none; a return reads r0–r5 (the result, and what a caller may read
  /// after a local call, which restores r6–r9 itself). So a register
  /// reported dead before an operation is dead on every path, whoever runs
  /// next. r10 is always live.
  public struct Liveness: Sendable, Equatable {
    /// Bit `i` set: `ri` may be read before it is written, from operation
    /// `op` on (its own reads included). One entry past the end: none.
    public let before: [UInt16]

    public static let all: UInt16 = 0x7FF

    /// Whether `r` may be read from operation `op` on.
    public func isLive(_ r: Register, before op: Int) -> Bool {
      op >= 0 && op < before.count && before[op] & (1 << r.index) != 0
    }

    public init(_ function: Function) {
      let ops = function.ops
      var labelIndex = [Int](repeating: ops.count, count: function.labelCount)
      for (i, op) in ops.enumerated() {
        if case .label(let l) = op, l.id < labelIndex.count { labelIndex[l.id] = i }
      }
      var before = [UInt16](repeating: 0, count: ops.count + 1)
      // An unbound label (never produced by a front end) keeps everything live.
      func at(_ l: Label) -> UInt16 {
        guard l.id < labelIndex.count, labelIndex[l.id] < ops.count else { return Self.all }
        return before[labelIndex[l.id]]
      }
      var changed = true
      while changed {
        changed = false
        for i in stride(from: ops.count - 1, through: 0, by: -1) {
          let op = ops[i]
          let after: UInt16
          switch op {
          case .jump(let l): after = at(l)
          case .return: after = 0
          case .branch(_, _, _, _, let l), .charge(_, let l): after = at(l) | before[i + 1]
          default: after = before[i + 1]
          }
          let effect = Self.effect(of: op)
          let live = (after & ~effect.writes) | effect.reads | (1 << 10)
          if live != before[i] {
            before[i] = live
            changed = true
          }
        }
      }
      self.before = before
    }

    /// The registers `op` reads, and those it certainly writes (a
    /// subset of what it may write: enough for liveness). Ports that know
    /// more about their calls start from this (Thumb-2's `CallLiveness`).
    public static func effect(of op: Op) -> (reads: UInt16, writes: UInt16) {
      func bit(_ r: Register) -> UInt16 { 1 << r.index }
      func bit(_ o: Operand) -> UInt16 {
        if case .register(let r) = o { return bit(r) }
        return 0
      }
      switch op {
      case .label, .jump: return (0, 0)
      case .alu(let operation, _, let dst, let src):
        return (operation == .move ? bit(src) : bit(dst) | bit(src), bit(dst))
      case .negate(_, let dst), .zeroExtend(let dst, _), .byteSwap(let dst, _):
        return (bit(dst), bit(dst))
      case .signExtend(_, let dst, let src, _): return (bit(src), bit(dst))
      case .constant(let dst, _): return (0, bit(dst))
      case .load(let dst, let base, _, _, _, _): return (bit(base), bit(dst))
      case .store(let base, _, _, let value, _): return (bit(base) | bit(value), 0)
      case .atomic(_, _, _, let base, _, let source, _):
        return (bit(base) | bit(source) | bit(.r0), 0)
      case .branch(_, _, let lhs, let rhs, _): return (bit(lhs) | bit(rhs), 0)
      case .refund: return (0, 0)
      // r0 is the result; a caller may read r1–r5 after the call (r6–r9
      // are its own again: `callLocal` restores them).
      case .return: return (0x3F, 0)
      case .packetLoad, .callHelper, .callHelperIndirect, .callLocal, .budget, .poll, .charge:
        return (Self.all, 0)
      }
    }
  }
}
