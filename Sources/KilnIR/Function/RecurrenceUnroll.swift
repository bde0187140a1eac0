extension FunctionIR {
  /// Unrolls small single-block loops that carry a 32-bit affine recurrence
  /// (`wX *= A ; wX += C`, a linear congruential generator) so that the
  /// copies do not wait for each other: the loop head computes the next
  /// values `X·A^j + C·(A^(j-1) + … + 1)` (mod 2^32) of the recurrence into
  /// dead registers, and copy `j` of the body takes its value with a move
  /// instead of the multiply and add. (Native compilers do the same after
  /// unrolling: a chain of `imul`+`add` per element becomes one per
  /// `factor` elements, and the copies run in parallel.)
  ///
  /// Every copy keeps the loop's own exit test (as the negated condition to
  /// the code after the loop), so no trip count is needed and the copies
  /// see exactly the states the original iterations see: the same values in
  /// every register except the temporaries, which are dead on every path
  /// (``Liveness``) and touched by no operation of the loop. Operations keep
  /// their guest `site`, so a failing access reports the interpreter's
  /// instruction index and address, and the range analysis' facts (by site)
  /// stay true for every copy.
  ///
  ///     L:  body (… wX *= A ; wX += C …) ; if c goto L
  ///  →  L:  t2 = X·A² + C₂ ; t3 = … ; t4 = …      (32-bit, as three ops each)
  ///         body ; if !c goto exit
  ///         body with wX = t2 ; if !c goto exit
  ///         body with wX = t3 ; if !c goto exit
  ///         body with wX = t4 ; if c goto L
  ///  exit:
  ///
  /// Applies when the body (between the loop's label and its backward
  /// branch) is at most ``maxBody`` operations of arithmetic, extensions,
  /// constants, loads and stores (no calls, atomics or budget code), `X`
  /// is written only by the multiply and the add right after it (an add is
  /// optional), and at least one register is dead and unused by the loop.
  /// Functions compiled with a budget or interrupt polls are left as they
  /// are (their checks count guest instructions per straight-line run).
  public enum RecurrenceUnroll {
    public static let maxBody = 24
    public static let maxFactor = 4

    /// Unrolls every loop it applies to; returns how many.
    @discardableResult
    public static func apply(to function: inout Function, factor: Int = maxFactor) -> Int {
      guard factor >= 2 else { return 0 }
      for op in function.ops {
        switch op {
        case .budget, .poll, .charge, .refund: return 0
        default: continue
        }
      }
      let liveness = Liveness(function)
      var labelIndex = [Int](repeating: -1, count: function.labelCount)
      for (i, op) in function.ops.enumerated() {
        if case .label(let l) = op, l.id < labelIndex.count { labelIndex[l.id] = i }
      }
      var applied = 0
      // From the end, so that the indices of loops still to do stay valid
      // (an unrolled loop leaves the liveness of the code around it as it was:
      // its temporaries were dead there and are written before they are read).
      var e = function.ops.count - 1
      while e > 0 {
        let branch = e
        e -= 1
        guard case .branch(let c, let w, let lhs, let rhs, let head) = function.ops[branch],
          head.id < labelIndex.count
        else { continue }
        let h = labelIndex[head.id]
        guard h >= 0, h < branch,
          let plan = Plan(function.ops, head: h, branch: branch, liveness: liveness, factor: factor)
        else { continue }
        var labelCount = function.labelCount
        let replacement = plan.unrolled(
          function.ops, head: h, branch: branch, condition: c, width: w, lhs: lhs, rhs: rhs,
          labelCount: &labelCount)
        function.labelCount = labelCount
        function.ops.replaceSubrange(h...branch, with: replacement)
        applied += 1
        // Go on before the loop: its operations have moved, and those
        // before it have not.
        e = h - 1
      }
      return applied
    }

    /// One loop's recurrence and temporaries.
    struct Plan {
      /// The multiply's index; the add (if any) is right after it.
      let multiply: Int
      let hasAdd: Bool
      let x: Register
      let a: UInt32
      let c: UInt32
      let temporaries: [Register]

      init?(_ ops: [Op], head h: Int, branch e: Int, liveness: Liveness, factor: Int) {
        let body = (h + 1)..<e
        guard !body.isEmpty, body.count <= RecurrenceUnroll.maxBody else { return nil }
        var reads: UInt16 = 0
        var writes: UInt16 = 0
        for i in body {
          guard Self.isStraight(ops[i]) else { return nil }
          let effect = Liveness.effect(of: ops[i])
          reads |= effect.reads
          writes |= effect.writes
        }
        let branch = Liveness.effect(of: ops[e])
        reads |= branch.reads
        var found: (index: Int, x: Register, a: UInt32)?
        for i in body {
          if case .alu(.multiply, .w32, let x, .immediate(let a)) = ops[i], x.index < 10 {
            found = (i, x, UInt32(bitPattern: a))
            break
          }
        }
        guard let found else { return nil }
        var hasAdd = false
        var c: UInt32 = 0
        if found.index + 1 < e,
          case .alu(.add, .w32, let x, .immediate(let add)) = ops[found.index + 1], x == found.x
        {
          hasAdd = true
          c = UInt32(bitPattern: add)
        }
        let updates = hasAdd ? found.index...(found.index + 1) : found.index...found.index
        for i in body where !updates.contains(i) {
          if Liveness.effect(of: ops[i]).writes & (1 << found.x.index) != 0 { return nil }
        }
        let used = reads | writes | liveness.before[h] | liveness.before[e + 1]
        var temporaries: [Register] = []
        for r in 0..<10 where used & (1 << r) == 0 && temporaries.count < factor - 1 {
          temporaries.append(Register(UInt8(r)))
        }
        guard !temporaries.isEmpty else { return nil }
        multiply = found.index
        self.hasAdd = hasAdd
        x = found.x
        a = found.a
        self.c = c
        self.temporaries = temporaries
      }

      /// Operations with no control flow and exact register effects.
      static func isStraight(_ op: Op) -> Bool {
        switch op {
        case .alu, .negate, .signExtend, .zeroExtend, .byteSwap, .constant, .load, .store: true
        default: false
        }
      }

      /// The loop `ops[h...e]` unrolled.
      /// New labels are numbered from `labelCount` on, which counts them.
      func unrolled(
        _ ops: [Op], head h: Int, branch e: Int, condition: Condition, width: Width,
        lhs: Register, rhs: Operand, labelCount: inout Int
      ) -> [Op] {
        func newLabel() -> Label {
          defer { labelCount += 1 }
          return Label(labelCount)
        }
        let exit = newLabel()
        var out: [Op] = [ops[h]]
        // t_j = X·A^j + C·(A^(j-1) + … + 1), all mod 2^32 (the 32-bit ops
        // read X's low half and zero-extend, as the recurrence does).
        var (aj, cj) = (a, c)
        for t in temporaries {
          (aj, cj) = (aj &* a, cj &* a &+ c)
          out.append(.alu(.move, .w32, t, .register(x)))
          out.append(.alu(.multiply, .w32, t, .immediate(Int32(bitPattern: aj))))
          if cj != 0 { out.append(.alu(.add, .w32, t, .immediate(Int32(bitPattern: cj)))) }
        }
        let body = (h + 1)..<e
        out.append(contentsOf: ops[body])
        for t in temporaries {
          if let negated = condition.negated {
            out.append(.branch(negated, width, lhs, rhs, exit))
          } else {
            let next = newLabel()
            out.append(.branch(condition, width, lhs, rhs, next))
            out.append(.jump(exit))
            out.append(.label(next))
          }
          for i in body {
            if i == multiply {
              out.append(.alu(.move, .w32, x, .register(t)))
            } else if !(hasAdd && i == multiply + 1) {
              out.append(ops[i])
            }
          }
        }
        out.append(ops[e])
        out.append(.label(exit))
        return out
      }
    }
  }
}

extension Condition {
  /// The condition that holds exactly when this one does not (`nil` for
  /// `andNonZero`, whose negation is not among the conditions).
  public var negated: Condition? {
    switch self {
    case .equal: .notEqual
    case .notEqual: .equal
    case .lessThan: .greaterOrEqual
    case .greaterOrEqual: .lessThan
    case .lessOrEqual: .greaterThan
    case .greaterThan: .lessOrEqual
    case .lessThanUnsigned: .greaterOrEqualUnsigned
    case .greaterOrEqualUnsigned: .lessThanUnsigned
    case .lessOrEqualUnsigned: .greaterThanUnsigned
    case .greaterThanUnsigned: .lessOrEqualUnsigned
    case .andNonZero: nil
    }
  }
}
