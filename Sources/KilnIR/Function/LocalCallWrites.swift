extension FunctionIR {
  /// The registers each local function may write, by the label of its
  /// entry (a ``Op/callLocal(_:site:)`` target): every operation reachable
  /// from the entry without passing a `return` counts, whatever function
  /// the front end meant it to belong to. Ports save around a local call
  /// only the registers of r6–r9 the callee may change (a nested local call
  /// restores them itself, so it counts as writing r0–r5 only).
  ///
  /// May-write sets, so conservative the other way from ``Liveness``: an
  /// atomic may write its source and r0, and helper calls and legacy packet
  /// loads r0–r5.
  public struct LocalCallWrites: Sendable, Equatable {
    /// Bit `i` set: `ri` may be written by the function at label `id`
    /// (0 for labels that are not call targets).
    public let byLabel: [UInt16]

    public func writes(_ label: Label) -> UInt16 {
      label.id < byLabel.count ? byLabel[label.id] : 0x3FF
    }

    public init(_ function: Function) {
      let ops = function.ops
      var labelIndex = [Int](repeating: -1, count: function.labelCount)
      var isTarget = [Bool](repeating: false, count: function.labelCount)
      for (i, op) in ops.enumerated() {
        switch op {
        case .label(let l) where l.id < labelIndex.count: labelIndex[l.id] = i
        case .callLocal(let l, _) where l.id < isTarget.count: isTarget[l.id] = true
        default: break
        }
      }
      var byLabel = [UInt16](repeating: 0, count: function.labelCount)
      var seen = [Bool](repeating: false, count: ops.count)
      var work: [Int] = []
      var visited: [Int] = []
      for id in 0..<function.labelCount where isTarget[id] {
        guard labelIndex[id] >= 0 else {
          byLabel[id] = 0x3FF
          continue
        }
        // Clear what the previous function marked (not the whole array:
        // linear in the code reached, not in the program per function).
        for i in visited { seen[i] = false }
        visited.removeAll(keepingCapacity: true)
        var writes: UInt16 = 0
        work.append(labelIndex[id])
        while let start = work.popLast() {
          var i = start
          while i < ops.count, !seen[i] {
            seen[i] = true
            visited.append(i)
            let op = ops[i]
            writes |= Self.mayWrite(op)
            var next: Int? = i + 1
            switch op {
            case .return: next = nil
            case .jump(let l):
              next = nil
              work.append(Self.index(l, labelIndex))
            case .branch(_, _, _, _, let l), .charge(_, let l):
              work.append(Self.index(l, labelIndex))
            default: break
            }
            guard let n = next else { break }
            i = n
          }
        }
        byLabel[id] = writes
      }
      self.byLabel = byLabel
    }

    /// The operation index of label `l` (past the end if unbound).
    static func index(_ l: Label, _ labelIndex: [Int]) -> Int {
      l.id < labelIndex.count && labelIndex[l.id] >= 0 ? labelIndex[l.id] : Int.max
    }

    /// The registers `op` may write.
    static func mayWrite(_ op: Op) -> UInt16 {
      func bit(_ r: Register) -> UInt16 { 1 << r.index }
      switch op {
      case .alu(_, _, let dst, _), .negate(_, let dst), .signExtend(_, let dst, _, _),
        .zeroExtend(let dst, _), .byteSwap(let dst, _), .constant(let dst, _),
        .load(let dst, _, _, _, _, _):
        return bit(dst)
      case .atomic(_, _, _, _, _, let source, _): return bit(source) | bit(.r0)
      case .packetLoad, .callHelper, .callHelperIndirect, .callLocal: return 0x3F
      case .label, .store, .jump, .branch, .return, .budget, .poll, .charge, .refund: return 0
      }
    }
  }
}
