import KilnIR

/// Where each eBPF register r0–r9 of a function lives: the six callee-saved
/// host registers r4–r9 go to the most used eBPF registers, uses weighted
/// by loop depth (×8 per enclosing loop, up to three). A register whose
/// high word is 0 before every operation (`UpperZero`: it fits 32 bits
/// everywhere) takes ONE host register (its high word is the constant 0,
/// never stored); any other takes a pair. The rest live in frame slots.
///
/// "Fits before every operation" covers every value the register ever
/// holds: each write is followed by an operation (the checker ends a
/// function with `exit` or a jump), whose facts include the write's.
/// Unreachable operations report every register as fitting; their code
/// never runs. A local function's entry knows nothing, so a program with
/// local calls has no such registers.
enum RegisterAllocation {
  /// The home of one eBPF register.
  enum Home: Equatable {
    /// Its 8-byte frame slot.
    case slot
    /// A host pair.
    case pair(Pair)
    /// One host register, the low word; the high word is always 0.
    case narrow(Reg)
  }

  /// Host registers given to eBPF registers, in order.
  static let hosts: [Reg] = [.r4, .r5, .r6, .r7, .r8, .r9]

  /// Whether lr is free for an eBPF register too: no local calls (the
  /// function is the entry one, entered by a branch and left by a branch
  /// to the epilogue, so lr holds no return address) and no atomics (the
  /// 64-bit ones use lr for PRIMASK). Helper calls and the division
  /// routine save and restore lr around their `blx`/`bl`.
  static func lrIsFree(_ function: FunctionIR.Function) -> Bool {
    for op in function.ops {
      switch op {
      case .callLocal, .atomic: return false
      default: continue
      }
    }
    return true
  }

  /// Whether host r10 (eBPF r10's low word) is free for an eBPF register
  /// too: the function never names r10 and has no local calls (which move
  /// it). A budget or poll stop then records r10 as `frameTop`, its only
  /// value (`emitBudgetStub`).
  static func frameIsFree(_ function: FunctionIR.Function) -> Bool {
    func isFrame(_ r: FunctionIR.Register) -> Bool { r == .r10 }
    func isFrame(_ o: FunctionIR.Operand) -> Bool { o == .register(.r10) }
    for op in function.ops {
      switch op {
      case .callLocal: return false
      case .alu(_, _, let d, let s): if isFrame(d) || isFrame(s) { return false }
      case .negate(_, let d), .zeroExtend(let d, _), .byteSwap(let d, _), .constant(let d, _):
        if isFrame(d) { return false }
      case .signExtend(_, let d, let s, _): if isFrame(d) || isFrame(s) { return false }
      case .load(let d, let base, _, _, _, _): if isFrame(d) || isFrame(base) { return false }
      case .store(let base, _, _, let v, _): if isFrame(base) || isFrame(v) { return false }
      case .atomic(_, _, _, let base, _, let s, _): if isFrame(base) || isFrame(s) { return false }
      case .packetLoad(_, let index, _, _): if let index, isFrame(index) { return false }
      case .branch(_, _, let l, let r, _): if isFrame(l) || isFrame(r) { return false }
      case .callHelperIndirect(let r, _): if isFrame(r) { return false }
      case .label, .jump, .callHelper, .return, .budget, .poll, .charge, .refund: continue
      }
    }
    return true
  }

  /// The homes of r0–r9 (index = register number), from `hosts`: a
  /// register may be narrow when every operation that reads its high word
  /// finds it within 32 bits (`NarrowHomes.swift`), given the narrow set
  /// itself; the set shrinks until the homes it gives pass.
  static func homes(
    _ function: FunctionIR.Function, fits: [UInt16], baseReadsHigh: [Bool],
    helperReads: HelperMasks = [:], hosts: [Reg]
  ) -> [Home] {
    let weights = weightedUses(function)
    var candidates: UInt16 = 0
    if !function.ops.isEmpty {
      for r in 0..<10 where weights[r] > 0 { candidates |= 1 << r }
    }
    for _ in 0..<10 {
      let narrow = largestNarrowSet(
        function, fits: fits, baseReadsHigh: baseReadsHigh, helperReads: helperReads,
        within: candidates)
      let homes = assign(weights, narrow: narrow, hosts: hosts)
      var given: UInt16 = 0
      for (r, h) in homes.enumerated() { if case .narrow = h { given |= 1 << r } }
      let passing = narrowPasses(
        function, fits: fits, baseReadsHigh: baseReadsHigh, helperReads: helperReads, given)
      if passing == given { return homes }
      candidates = narrow & passing
    }
    // The registers within 32 bits before every operation pass any set.
    var everywhere: UInt16 = function.ops.isEmpty ? 0 : 0x3FF
    for f in fits { everywhere &= f }
    return assign(weights, narrow: everywhere, hosts: hosts)
  }

  /// Heaviest first (ties: lower number); a pair is skipped when one host
  /// register is left, and a later narrow register takes it.
  static func assign(_ weights: [Int], narrow: UInt16, hosts: [Reg]) -> [Home] {
    let order = (0..<10).sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
    var homes = [Home](repeating: .slot, count: 10)
    var next = 0
    for r in order where weights[r] > 0 {
      if narrow & (1 << r) != 0, next < hosts.count {
        homes[r] = .narrow(hosts[next])
        next += 1
      } else if narrow & (1 << r) == 0, next + 1 < hosts.count {
        homes[r] = .pair(Pair(hosts[next], hosts[next + 1]))
        next += 2
      }
    }
    return homes
  }

  /// Uses of r0–r9 (a read or a write each), an operation inside `d`
  /// loops counting 8^min(d, 3). A loop: the operations from a label to a
  /// jump or branch back to it.
  static func weightedUses(_ function: FunctionIR.Function) -> [Int] {
    let ops = function.ops
    var at = [Int](repeating: -1, count: function.labelCount)
    for (i, op) in ops.enumerated() { if case .label(let l) = op, l.id < at.count { at[l.id] = i } }
    // Loop depth by difference array: +1 at a loop's head, -1 after its end.
    var delta = [Int](repeating: 0, count: ops.count + 1)
    for (i, op) in ops.enumerated() {
      let l: FunctionIR.Label
      switch op {
      case .jump(let t), .branch(_, _, _, _, let t): l = t
      default: continue
      }
      guard l.id < at.count, at[l.id] >= 0, at[l.id] <= i else { continue }
      delta[at[l.id]] += 1
      delta[i + 1] -= 1
    }
    var uses = [Int](repeating: 0, count: 10)
    var depth = 0
    for (i, op) in ops.enumerated() {
      depth += delta[i]
      let w = 1 << (3 * min(depth, 3))
      func use(_ r: FunctionIR.Register) { if r.index < 10 { uses[Int(r.index)] += w } }
      func use(_ o: FunctionIR.Operand) { if case .register(let r) = o { use(r) } }
      switch op {
      case .alu(_, _, let d, let s):
        use(d)
        use(s)
      case .negate(_, let d), .zeroExtend(let d, _), .byteSwap(let d, _), .constant(let d, _):
        use(d)
      case .signExtend(_, let d, let s, _):
        use(d)
        use(s)
      case .load(let d, let base, _, _, _, _):
        use(d)
        use(base)
      case .store(let base, _, _, let v, _):
        use(base)
        use(v)
      case .atomic(_, _, _, let base, _, let s, _):
        use(base)
        use(s)
      case .packetLoad(_, let index, _, _):
        use(.r0)
        if let index { use(index) }
      case .branch(_, _, let l, let r, _):
        use(l)
        use(r)
      case .callHelperIndirect(let r, _): use(r)
      case .return: use(.r0)
      default: break
      }
    }
    return uses
  }
}
