import KilnCore
import KilnIR

/// Pairs of operations lowered as one x86 instruction.
///
/// RV32 has no scaled-index addressing, so array indexing compiles to a
/// shift and an add into the same register:
///
///     slli t, i, k ; add t, b, t     →     lea t, [b + i*2^k]       (k = 1...3)
///
/// The shift's result is overwritten by the add, so nothing else can read
/// it; the pair is one `lea` whatever the locations of `i` and `b` (those
/// not in host registers are loaded into ecx and eax first). The two may
/// also be up to eight operations apart (`ScaledIndexAdd.deferred`), when
/// nothing between them can see that the shift moved down to the add.
/// Host instructions of whole runs (callgrind, flat): the adjacent pairs
/// are part of c5b908a's −5…−19%; the deferred ones take sort 1 131072
/// from 178.2 to 176.5 M (−0.9%), vm 1 −0.2%, coremark and hash ±0.02%.
extension BlockLowering {
  /// Lowers a block's operations in order, fusing the pairs above (and
  /// the rotates below).
  mutating func lowerOperations(_ operations: [Operation]) throws(CodeGenError) {
    var n = 0
    while n < operations.count {
      guard let (second, fusion) = Fusion.at(n, in: operations) else {
        try lower(operations[n])
        noteWrite(operations[n])
        n += 1
        continue
      }
      // The first operation moves down to the second: those between (a
      // deferred scaled index only) neither mention its destination nor
      // write its sources, and cannot leave the block (no access), so
      // none of them sees the difference.
      notePageRole(operations[n])
      noteWrite(operations[n])
      for k in n + 1..<second {
        try lower(operations[k])
        noteWrite(operations[k])
      }
      notePageRole(operations[second])
      switch fusion {
      case .scaledIndexAdd(let f): lowerScaledIndexAdd(f)
      case .rotateLeft(let f): lowerRotateLeft(f)
      }
      noteWrite(operations[second])
      n = second + 1
    }
  }

  /// dst = base + index << scale, with one `lea`.
  mutating func lowerScaledIndexAdd(_ f: ScaledIndexAdd) {
    var index = GPR.rcx
    if case .register(let r) = location(f.index) { index = r } else { load(.rcx, f.index) }
    var base = GPR.rax
    if case .register(let r) = location(f.base) { base = r } else { load(.rax, f.base) }
    var work = GPR.rax
    if case .register(let d) = location(f.dst) { work = d }
    a.lea(.dword, work, Memory(base: base, index: index, scale: f.scale))
    store(f.dst, from: work)
  }
}

extension BlockLowering {
  /// dst = source rotated left, with one `rol` (after a `mov` unless dst
  /// is source's host register).
  mutating func lowerRotateLeft(_ f: RotateLeft) {
    var work = GPR.rax
    if case .register(let d) = location(f.dst) { work = d }
    load(work, .register(f.source))
    a.shift(.rol, .dword, work, imm: f.count)
    store(f.dst, from: work)
  }
}

/// A rotate as C compilers write it for RV32 (no Zbb), where the right
/// shift comes first:
///
///     srli u, x, 32-k ; slli t, x, k ; or t, t, u      (k = 1...31)
///
/// The last two are one `rol t, k` of `x`: `u` is still the right shift of
/// `x` (it is neither `x` nor `t`, so `x` is unchanged when `slli` reads it).
/// The `srli` is lowered as usual, since `u` may be read later.
struct RotateLeft: Equatable {
  var dst: GuestRegister
  var source: GuestRegister
  var count: UInt8

  init?(_ first: Operation, _ second: Operation, _ third: Operation) {
    guard case .binary(.shiftRightLogical, let u, .register(let x), .immediate(let r)) = first,
      case .binary(.shiftLeft, let t, .register(x), .immediate(let k)) = second,
      k >= 1, k <= 31, r == 32 - k, u != x, u != t,
      case .binary(.or, t, let l, let rr) = third,
      (l, rr) == (.register(t), .register(u)) || (l, rr) == (.register(u), .register(t))
    else { return nil }
    dst = t
    source = x
    count = UInt8(k)
  }
}

/// A pair of operations lowered as one instruction (`lowerOperations`).
enum Fusion {
  case scaledIndexAdd(ScaledIndexAdd)
  case rotateLeft(RotateLeft)

  /// The fusion whose first operation is `operations[n]`, and the index of
  /// its second one.
  static func at(_ n: Int, in operations: [Operation]) -> (Int, Fusion)? {
    if n + 1 < operations.count, let f = ScaledIndexAdd(operations[n], operations[n + 1]) {
      return (n + 1, .scaledIndexAdd(f))
    }
    if let (m, f) = ScaledIndexAdd.deferred(in: operations, at: n) {
      return (m, .scaledIndexAdd(f))
    }
    if n >= 1, n + 1 < operations.count,
      let f = RotateLeft(operations[n - 1], operations[n], operations[n + 1])
    {
      return (n + 1, .rotateLeft(f))
    }
    return nil
  }
}

extension ScaledIndexAdd {
  /// How far ahead of a shift its add may be (operations between them).
  static let maxGap = 8

  /// The add that `operations[n]`, a shift, fuses with across up to
  /// `maxGap` operations, and the fused pair: every operation between is
  /// arithmetic or a move (no access: nothing that can leave the block
  /// with the shift's destination unwritten), does not mention the shift's
  /// destination, and does not write its index. Nil for adjacent pairs
  /// (`init(_:_:)` handles those) and everything else.
  static func deferred(in operations: [Operation], at n: Int) -> (Int, ScaledIndexAdd)? {
    guard case .binary(.shiftLeft, let t, let i, .immediate(let k)) = operations[n], k >= 1,
      k <= 3
    else { return nil }
    var m = n + 1
    while m < operations.count, m - n - 1 <= maxGap {
      let op = operations[m]
      if m > n + 1, let fused = ScaledIndexAdd(operations[n], op) { return (m, fused) }
      let (written, read1, read2): (GuestRegister?, Value?, Value?)
      switch op {
      case .move(let d, let v): (written, read1, read2) = (d, v, nil)
      case .binary(_, let d, let l, let r): (written, read1, read2) = (d, l, r)
      case .load, .store: return nil
      }
      if written == t || read1 == .register(t) || read2 == .register(t) { return nil }
      if case .register(let index) = i, written == index { return nil }
      m += 1
    }
    return nil
  }
}

/// `dst = index << k` then `dst = base + dst` (either operand order), for
/// k = 1...3 and a `base` other than `dst` (`LoweringFusion.swift`).
struct ScaledIndexAdd: Equatable {
  var dst: GuestRegister
  var index: Value
  var base: Value
  var scale: Scale

  init?(_ first: Operation, _ second: Operation) {
    guard case .binary(.shiftLeft, let t, let i, .immediate(let k)) = first,
      let scale = Scale(rawValue: UInt8(truncatingIfNeeded: k)), k >= 1, k <= 3,
      case .binary(.add, let d, let l, let r) = second, d == t
    else { return nil }
    let base: Value
    switch (l, r) {
    case (.register(t), .register(t)): return nil
    case (.register(t), let other), (let other, .register(t)): base = other
    default: return nil
    }
    guard case .register = base else { return nil }
    dst = t
    index = i
    self.base = base
    self.scale = scale
  }
}
