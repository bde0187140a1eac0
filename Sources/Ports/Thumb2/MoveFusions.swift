import KilnCore
import KilnIR

/// Moves and shifts folded into the instruction next to them:
///
/// * `d <<= n ; d op= s` (`or`, `add`, `xor`, `and`; the low word only:
///   32-bit, or into a narrow `d`) as one `op d, s, d, lsl #n`;
/// * `r1 = s ; call h` (a direct helper taking r1): the argument is read
///   from `s` and r1 is not written when the code after the call writes
///   r1 before reading it (`isOverwrittenBeforeRead`);
/// * `call h [; r0 = zext32(r0)] ; x = r0`: the result goes straight to
///   `x` when r0 is written before it is read after the move.
///
/// A register left unwritten keeps its old value until it is overwritten;
/// `staleIsHarmless` checks that no lowering in between looks at it, and
/// that the overwrite cannot keep a stale high word.
extension FunctionLowering {
  /// `d <<= n ; d op= s` (operations `index`, `index + 1`) as one
  /// instruction. False: nothing emitted.
  mutating func lowerShiftThenOp(
    _ width: FunctionIR.Width, _ dst: FunctionIR.Register, _ n: Int32
  ) -> Bool {
    guard index + 1 < ops.count, n > 0, n < 32, dst.index < 10,
      case .alu(let op, let w2, let d, .register(let s)) = ops[index + 1], d == dst, s != dst,
      op == .or || op == .add || op == .xor || op == .and
    else { return false }
    var narrow = false
    if case .narrow = home(dst) { narrow = true }
    guard (width == .w32 || narrow) && (w2 == .w32 || narrow) else { return false }
    let x = readLow(s, into: .r2)
    let v = readWord(dst, into: ABI.a)
    let shift = Shift.lsl(UInt8(n))
    switch op {
    case .or: a.orr(v.lo, x, v.lo, shift)
    case .add: a.add(v.lo, x, v.lo, shift)
    case .xor: a.eor(v.lo, x, v.lo, shift)
    default: a.and(v.lo, x, v.lo, shift)
    }
    // A 32-bit result: the high word 0 (kept if it already is).
    writeLow(dst, v)
    loweredThrough = index + 1
    return true
  }

  /// `r1 = s` (operation `index`) before a direct helper call that passes
  /// r1: true if the call may read `s` instead and r1 need not be
  /// written (recorded in `argumentSource`). Nothing is emitted here.
  mutating func foldArgumentMove(
    _ width: FunctionIR.Width, _ dst: FunctionIR.Register, _ s: FunctionIR.Register
  ) -> Bool {
    guard dst == FunctionIR.Register(1), s != dst, width == .w64 || fits(s),
      index + 1 < ops.count, case .callHelper(let id, _) = ops[index + 1],
      environment.directHelpers[id] != nil, helperArgumentMask(id) & 0b10 != 0,
      let k = RegisterAllocation.isOverwrittenBeforeRead(dst, ops, from: index + 2),
      RegisterAllocation.staleIsHarmless(
        dst, ops, homes: homes, fits: fitsBefore, kept: index, overwrite: k)
    else { return false }
    argumentSource = s
    return true
  }

  /// After a helper call (operation `index`, its result in r0:r1): the
  /// eBPF register the result goes to, if the next operations are `[r0 =
  /// zext32(r0) ;] x = r0` and r0 is dead after them; the operation of the
  /// move, and whether the value is a 32-bit one.
  func resultMove() -> (x: FunctionIR.Register, at: Int, word: Bool)? {
    var j = index + 1
    var word = false
    if j < ops.count, case .zeroExtend(.r0, bits: 32) = ops[j] {
      word = true
      j += 1
    }
    guard j < ops.count, case .alu(.move, let w, let x, .register(.r0)) = ops[j],
      x != .r0, x.index < 10,
      let k = RegisterAllocation.isOverwrittenBeforeRead(.r0, ops, from: j + 1),
      RegisterAllocation.staleIsHarmless(
        .r0, ops, homes: homes, fits: fitsBefore, kept: index, overwrite: k)
    else { return nil }
    return (x, j, word || w == .w32)
  }
}
