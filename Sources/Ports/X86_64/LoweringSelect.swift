import KilnCore
import KilnIR

/// Branch-over-one-move as a conditional move.
///
/// Compilers turn `x = a < b ? a : b` into a branch around one move when
/// the target has no conditional move (RV32IM has none):
///
///     blt a1, a2, join      ; block i:  branch
///     mv  a7, a2            ; block m:  one move, then the join's code
///   join: ...               ; block j
///
/// With data-dependent conditions (a merge sort's comparison) the host
/// branch mispredicts about half the time, where native code uses `cmov`.
/// When both sides are blocks of the region and one of them is the move
/// followed by either a jump to the other or a copy of the other (the
/// translator carries on past the join, so the move's block repeats the
/// join's operations and terminator), the branch becomes
/// `cmovcc d, v` and a local jump to the join.
///
/// With an instruction budget, the move's block runs on one path only: the
/// `cmov` is followed by a second one that charges its instructions on that
/// path (`budgetSelectCharge`); only where the region's entry check covers
/// both sides (neither checks its own cost).
extension BlockLowering {
  /// Lowers the branch whose flags are set as a conditional move if it
  /// has that shape (see above); false if it does not, with nothing emitted.
  mutating func lowerSelect(
    _ cc: ConditionCode, taken: Target, notTaken: Target
  ) throws(CodeGenError) -> Bool {
    guard let t = internalBlock(taken), let n = internalBlock(notTaken), t != n else {
      return false
    }
    let choice: (move: (GuestRegister, Value), join: Int, cc: ConditionCode)
    if n != current, let m = Self.singleMove(region.blocks[n], before: region.blocks[t]) {
      choice = (m, t, cc.inverted)
    } else if t != current, let m = Self.singleMove(region.blocks[t], before: region.blocks[n]) {
      choice = (m, n, cc)
    } else {
      return false
    }
    let (d, v) = choice.move
    let charge = budgetSelectCharge(move: choice.join == t ? n : t, join: choice.join)
    if budgetPlan != nil, charge == nil { return false }
    // A cache register written on this path must be one the join writes
    // back at its exits: the may-write sets flow along the move block's
    // own edges, which a copy of the join does not share.
    if cached[Int(d.index)] != nil, let analysis,
      !analysis.mayWriteIn[choice.join].contains(d)
    {
      return false
    }
    var source = GPR.rcx
    if case .register(let r) = location(v) { source = r } else { load(.rcx, v) }  // mov: flags kept
    switch location(d) {
    case .register(let r):
      a.cmov(choice.cc, .dword, r, source)
    case .memory(let m):
      a.mov(.dword, .rax, m)
      a.cmov(choice.cc, .dword, .rax, source)
      a.mov(.dword, m, .rax)
    case .immediate:
      preconditionFailure("a register location is never an immediate")
    }
    if let charge { emitSelectCharge(charge, if: choice.cc, join: choice.join) }
    if !isNext(choice.join) { a.jmp(localLabel(choice.join)) }
    return true
  }

  /// `(d, v)` if `block` is `d = v` (a move, or an add of 0) followed by a jump to `join`, or by
  /// exactly `join`'s operations and terminator (the same guest code).
  static func singleMove(_ block: Block, before join: Block) -> (GuestRegister, Value)? {
    let d: GuestRegister
    let v: Value
    switch block.operations.first {
    case .move(let dst, let src)?: (d, v) = (dst, src)
    case .binary(.add, let dst, let src, .immediate(0))?: (d, v) = (dst, src)  // RV32 `mv`
    default: return nil
    }
    let rest = block.operations.dropFirst()
    if rest.isEmpty, case .jump(.pc(let p)) = block.terminator, p == join.startPC {
      return (d, v)
    }
    guard block.endPC == join.endPC, block.terminator == join.terminator,
      rest.elementsEqual(join.operations)
    else { return nil }
    return (d, v)
  }
}
