import KilnCore
import KilnIR

/// `t *= c ; d -= t` (or `d += t`) with `t` dead afterwards, as ONE
/// `mls d, t, k, d` (`mla`), the constant `c` kept in a host register `k`
/// that no eBPF register lives in, set once by the prologue and never
/// written by the body (a loop-invariant constant: a constant register).
/// Otherwise the two operations take two or three instructions (`rsb`/
/// `add`/`lsl` or `mov32` + `mul`, then `sub`/`add`).
///
/// Only the low words take part: `d`'s new value is the 32-bit sum or
/// difference (a 32-bit operation, or a 64-bit one into a narrow `d`,
/// whose high word is 0), and the low word of a product depends only on
/// the operands' low words. `t` is left as it was (not multiplied): it is
/// dead, written before any read on the straight-line code that follows
/// (`isOverwrittenBeforeRead`), so no one sees the difference.
///
/// Constant registers: r4–r9 not given to an eBPF register, then host r10
/// where it is free (`RegisterAllocation.frameIsFree`; a budget stop takes
/// eBPF r10 from `frameTop` then). Helpers and the division routines keep
/// r4–r11 (AAPCS, or saved), local calls save and restore r6–r10, and
/// `multiplyHigh64` pushes r4–r7.
extension RegisterAllocation {
  /// The constant `c` if operations `i` and `i + 1` are a fusable
  /// `t *= c ; d ±= t` under `homes` (nil otherwise).
  static func multiplyAccumulateConstant(
    _ ops: [FunctionIR.Op], at i: Int, homes: [Home], fits: [UInt16]
  ) -> UInt32? {
    guard i >= 0, i + 1 < ops.count,
      case .alu(.multiply, _, let t, .immediate(let c)) = ops[i],
      case .alu(let op, let width, let d, .register(let s)) = ops[i + 1],
      op == .add || op == .sub, s == t, d != t, t.index < 10, d.index < 10,
      c != 0, c != 1, Int(d.index) < homes.count
    else { return nil }
    if width == .w64 {
      guard case .narrow = homes[Int(d.index)] else { return nil }
    }
    guard let k = isOverwrittenBeforeRead(t, ops, from: i + 2),
      staleIsHarmless(t, ops, homes: homes, fits: fits, kept: i, overwrite: k)
    else { return nil }
    return UInt32(bitPattern: c)
  }

  /// The operation that writes `r` first if the straight-line code from
  /// operation `j` on writes it before it reads it (and before anything
  /// else may look at it: a label, branch, call, return, budget code,
  /// atomic or packet load gives up: nil).
  static func isOverwrittenBeforeRead(
    _ r: FunctionIR.Register, _ ops: [FunctionIR.Op], from j: Int
  ) -> Int? {
    var k = j
    while k < ops.count {
      switch ops[k] {
      case .alu(let op, _, let d, let s):
        if s == .register(r) || (op != .move && d == r) { return nil }
        if d == r { return k }
      case .constant(let d, _):
        if d == r { return k }
      case .signExtend(_, let d, let s, _):
        if s == r { return nil }
        if d == r { return k }
      case .negate(_, let d), .zeroExtend(let d, _), .byteSwap(let d, _):
        if d == r { return nil }
      case .load(let d, let base, _, _, _, _):
        if base == r { return nil }
        if d == r { return k }
      case .store(let base, _, _, let v, _):
        if base == r || v == .register(r) { return nil }
      default: return nil
      }
      k += 1
    }
    return nil
  }

  /// Whether `r` may keep the value it had before operation `kept` (left
  /// unwritten because it is dead) until operation `overwrite` writes it:
  /// a narrow register has no high word; else the old value fits 32 bits
  /// (so does every value the facts promise), or `overwrite` writes the
  /// whole register (`r` does not fit before it, so its lowering cannot
  /// keep the high word as it is: `writeLow` sets it to 0 then; or it is a
  /// constant outside 32 bits).
  static func staleIsHarmless(
    _ r: FunctionIR.Register, _ ops: [FunctionIR.Op], homes: [Home], fits: [UInt16],
    kept: Int, overwrite: Int
  ) -> Bool {
    if Int(r.index) < homes.count, case .narrow = homes[Int(r.index)] { return true }
    // A constant outside 32 bits is written whole (`lower(_:)`, `lowerALU`).
    if overwrite < ops.count {
      switch ops[overwrite] {
      case .constant(_, let v) where v >> 32 != 0: return true
      case .alu(.move, .w64, _, .immediate(let i)) where i < 0: return true
      default: break
      }
    }
    func fitsBefore(_ i: Int) -> Bool { i < fits.count && fits[i] & (1 << r.index) != 0 }
    return fitsBefore(kept) || !fitsBefore(overwrite)
  }

  /// The constant registers: one host register per distinct constant of a
  /// fusable site, first come first served, from the hosts `homes` leaves
  /// free (r4–r9, then r10 if `frameIsFree`).
  static func constantRegisters(
    _ ops: [FunctionIR.Op], homes: [Home], fits: [UInt16], frameIsFree: Bool
  ) -> [(value: UInt32, register: Reg)] {
    var free = hosts + (frameIsFree ? [FunctionABI.frame] : [])
    for home in homes {
      switch home {
      case .pair(let p): free.removeAll { $0 == p.lo || $0 == p.hi }
      case .narrow(let h): free.removeAll { $0 == h }
      case .slot: break
      }
    }
    var out: [(value: UInt32, register: Reg)] = []
    guard !free.isEmpty else { return out }
    for i in ops.indices {
      guard let c = multiplyAccumulateConstant(ops, at: i, homes: homes, fits: fits) else {
        continue
      }
      if out.contains(where: { $0.value == c }) { continue }
      out.append((c, free.removeFirst()))
      if free.isEmpty { break }
    }
    return out
  }
}

extension FunctionLowering {
  /// Operations `index` and `index + 1` as one `mls`/`mla` with a constant
  /// register, if they are a fusable site and the constant has one.
  /// False: nothing emitted.
  mutating func lowerMultiplyAccumulate() -> Bool {
    guard
      let c = RegisterAllocation.multiplyAccumulateConstant(
        ops, at: index, homes: homes, fits: fitsBefore),
      let k = constantRegisters.first(where: { $0.value == c })?.register,
      case .alu(_, _, let t, _) = ops[index],
      case .alu(let op, _, let d, _) = ops[index + 1]
    else { return false }
    let x = readLow(t, into: .r2)
    let v = readWord(d, into: ABI.a)
    if op == .sub { a.mls(v.lo, x, k, v.lo) } else { a.mla(v.lo, x, k, v.lo) }
    // d is not t: its facts before `index` hold before `index + 1`.
    writeLow(d, v)
    loweredThrough = index + 1
    return true
  }
}
