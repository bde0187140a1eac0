import KilnIR
import Testing

@testable import Thumb2Port

/// Which eBPF registers get host registers (`RegisterAllocation.swift`).
/// The expected homes follow from the rules (uses weighted ×8 per loop,
/// one host register for a register within 32 bits everywhere, a pair
/// otherwise), worked out by hand for each small function below; the
/// generated code's semantics are checked by the Unicorn suites.
@Suite struct RegisterAllocationTests {
  typealias R = FunctionIR.Register
  static func r(_ i: UInt8) -> R { R(i) }

  static func homes(_ ops: [FunctionIR.Op], labels: Int = 0, lr: Bool = false)
    -> [RegisterAllocation.Home]
  {
    let f = FunctionIR.Function(ops: ops, labelCount: labels)
    return RegisterAllocation.homes(
      f, fits: UpperZero(f, entry: 0x3FF).before,
      baseReadsHigh: [Bool](repeating: true, count: ops.count),
      hosts: RegisterAllocation.hosts + (lr ? [.lr] : []))
  }

  /// r3 only ever holds 32-bit values: one host register; r4 holds a
  /// 64-bit constant that a right shift reads whole: a pair; unused
  /// registers stay in their slots.
  @Test func narrowRegistersTakeOneHostRegister() {
    let h = Self.homes([
      .alu(.add, .w32, Self.r(3), .immediate(5)),
      .constant(Self.r(4), 0x1_0000_0000),
      .alu(.shiftRightLogical, .w64, Self.r(4), .register(Self.r(3))),
      .alu(.move, .w64, Self.r(0), .register(Self.r(3))),
      .return,
    ])
    // Weights: r3 3, r0 2 (the move, the return), r4 2 (ties: lower first).
    #expect(h[3] == .narrow(.r4))
    #expect(h[0] == .narrow(.r5))
    #expect(h[4] == .pair(Pair(.r6, .r7)))
    for i in [1, 2, 5, 6, 7, 8, 9] { #expect(h[i] == .slot, "r\(i)") }
  }

  /// A register that leaves 32 bits anywhere needs a pair everywhere.
  @Test func aSixtyFourBitValueAnywhereNeedsAPair() {
    let h = Self.homes([
      .alu(.move, .w64, Self.r(6), .immediate(1)),
      .alu(.shiftLeft, .w64, Self.r(6), .immediate(40)),
      .alu(.shiftRightLogical, .w64, Self.r(6), .immediate(40)),
      .alu(.move, .w64, Self.r(0), .register(Self.r(6))),
      .return,
    ])
    #expect(h[6] == .pair(Pair(.r4, .r5)))
    #expect(h[0] == .narrow(.r6))
  }

  /// One use inside a loop (weight 8) outweighs five outside it.
  @Test func loopsWeighUses() {
    let loop = FunctionIR.Label(0)
    var ops: [FunctionIR.Op] = []
    // Seven 64-bit registers used five times each outside the loop...
    for i: UInt8 in [0, 1, 2, 3, 4, 5, 6] {
      ops.append(.constant(Self.r(i), 0x1_0000_0000))
      for _ in 0..<2 {
        ops.append(.alu(.shiftRightLogical, .w64, Self.r(i), .register(Self.r(i))))
      }
    }
    // ...and r9 counting down once per iteration.
    ops += [
      .constant(Self.r(9), 0x1_0000_0000),
      .label(loop),
      .alu(.sub, .w64, Self.r(9), .immediate(1)),
      .branch(.notEqual, .w64, Self.r(9), .immediate(0), loop),
      .return,
    ]
    let h = Self.homes(ops, labels: 1)
    #expect(h[9] == .pair(Pair(.r4, .r5)))
    // Then the heaviest outside: r0 (five uses, and the return's), r1.
    #expect(h[0] == .pair(Pair(.r6, .r7)))
    #expect(h[1] == .pair(Pair(.r8, .r9)))
    for i in 2...6 { #expect(h[i] == .slot, "r\(i)") }
  }

  /// With lr as a seventh host register, a pair is never split across
  /// the end of the list, and a later narrow register takes what is left.
  @Test func aPairNeedsTwoFreeRegisters() {
    var ops: [FunctionIR.Op] = []
    for i: UInt8 in [0, 1, 2] {
      ops.append(.constant(Self.r(i), 0x1_0000_0000))
      for _ in 0..<3 {
        ops.append(.alu(.shiftRightLogical, .w64, Self.r(i), .register(Self.r(i))))
      }
    }
    ops.append(.constant(Self.r(3), 0x1_0000_0000))
    ops.append(.alu(.shiftRightLogical, .w64, Self.r(3), .register(Self.r(3))))
    ops.append(.alu(.add, .w32, Self.r(4), .immediate(1)))
    ops.append(.return)
    let h = Self.homes(ops, lr: true)
    #expect(h[0] == .pair(Pair(.r4, .r5)))
    #expect(h[1] == .pair(Pair(.r6, .r7)))
    #expect(h[2] == .pair(Pair(.r8, .r9)))
    #expect(h[3] == .slot)
    #expect(h[4] == .narrow(.lr))
  }

  /// Host r10 is free only in a function that never names eBPF r10 and
  /// has no local calls; budget checks and polls do not take it.
  @Test func frameRegisterIsFreeWhenRTenIsUnused() {
    func free(_ ops: [FunctionIR.Op]) -> Bool {
      RegisterAllocation.frameIsFree(FunctionIR.Function(ops: ops, labelCount: 1))
    }
    #expect(free([.constant(Self.r(0), 1), .return]))
    #expect(!free([.load(Self.r(0), base: .r10, offset: -8, size: 8, signExtend: false, site: 0)]))
    #expect(!free([.alu(.move, .w64, Self.r(3), .register(.r10)), .return]))
    #expect(!free([.store(base: Self.r(1), offset: 0, size: 8, value: .register(.r10), site: 0)]))
    #expect(!free([.branch(.equal, .w64, Self.r(1), .register(.r10), FunctionIR.Label(0))]))
    #expect(!free([.callLocal(FunctionIR.Label(0), site: 0), .return]))
    // A budget or poll stop records r10 from `frameTop` instead.
    #expect(free([.budget(cost: 1, site: 0), .return]))
    #expect(free([.poll(site: 0), .return]))
    #expect(free([.charge(cost: 2, otherwise: FunctionIR.Label(0)), .refund(1), .return]))
  }

  /// Fletcher-16's loop (Firmware/BPF/fletcher16.c, as clang -target bpf
  /// -O2 compiles it) with r10 as an eighth host register: weights r0
  /// (most), r6 449, r3 258, r4 193, r5 129 (the constant 0x80808081),
  /// r2 65, r1 64. Every one is narrow: r0 and r6 leave 32 bits only
  /// between a fused `*= r5 ; >>= 39` (one `umull`) or as the address
  /// `r1 + r4` of a load the range analysis proves (no check reads its
  /// high word); r4 is in `[0, L)` by the range analysis' word facts.
  @Test func fletcherLoopGivesTheConstantTheFrameRegister() {
    let loop = FunctionIR.Label(0)
    let done = FunctionIR.Label(1)
    let (r0, r1, r2, r3, r4, r5, r6) = (
      Self.r(0), Self.r(1), Self.r(2), Self.r(3), Self.r(4), Self.r(5), Self.r(6)
    )
    let ops: [FunctionIR.Op] = [
      .alu(.move, .w64, r0, .immediate(0)),
      .branch(.equal, .w64, r2, .immediate(0), done),
      .alu(.move, .w32, r6, .immediate(0)),
      .alu(.move, .w64, r4, .immediate(0)),
      .constant(r5, 0x8080_8081),
      .alu(.move, .w32, r3, .immediate(0)),
      .label(loop),
      .alu(.move, .w64, r0, .register(r1)),
      .alu(.add, .w64, r0, .register(r4)),
      .load(r0, base: r0, offset: 0, size: 1, signExtend: false, site: 9),
      .alu(.add, .w32, r3, .register(r0)),
      .alu(.move, .w64, r0, .register(r3)),
      .alu(.multiply, .w64, r0, .register(r5)),
      .alu(.shiftRightLogical, .w64, r0, .immediate(39)),
      .alu(.multiply, .w32, r0, .immediate(255)),
      .alu(.sub, .w32, r3, .register(r0)),
      .alu(.move, .w32, r0, .register(r3)),
      .alu(.add, .w32, r0, .register(r6)),
      .alu(.move, .w64, r6, .register(r0)),
      .alu(.multiply, .w64, r6, .register(r5)),
      .alu(.shiftRightLogical, .w64, r6, .immediate(39)),
      .alu(.multiply, .w32, r6, .immediate(255)),
      .alu(.sub, .w32, r0, .register(r6)),
      .alu(.add, .w64, r4, .immediate(1)),
      .alu(.move, .w32, r6, .register(r0)),
      .branch(.lessThanUnsigned, .w64, r4, .register(r2), loop),
      .alu(.shiftLeft, .w32, r0, .immediate(8)),
      .alu(.or, .w32, r0, .register(r3)),
      .label(done),
      .return,
    ]
    let f = FunctionIR.Function(ops: ops, labelCount: 2)
    #expect(RegisterAllocation.frameIsFree(f))
    #expect(FunctionIR.RangeAnalysis.facts(for: f, frameSize: 512)[9] == .proven)
    let upper = UpperZero(f, entry: 0x3FF).before
    let words = FunctionIR.RangeAnalysis.wordFacts(for: f, frameSize: 512, lengthFits: true)
    // The counter, read whole only by the loop's branch: within 32 bits
    // there by the range analysis (in [1, L]), not by UpperZero.
    guard
      let branch = ops.firstIndex(where: {
        if case .branch(.lessThanUnsigned, _, _, _, _) = $0 { return true }
        return false
      })
    else { return }
    #expect(upper[branch] & (1 << 4) == 0)
    #expect(words[branch] & (1 << 4) != 0)
    let h = RegisterAllocation.homes(
      f, fits: zip(upper, words).map { $0 | $1 }, baseReadsHigh: ops.map { _ in false },
      hosts: RegisterAllocation.hosts + [.lr, .r10])
    let expected: [(Int, Reg)] = [
      (0, .r4), (6, .r5), (3, .r6), (4, .r7), (5, .r8), (2, .r9), (1, .lr),
    ]
    for (r, host) in expected { #expect(h[r] == .narrow(host), "r\(r)") }
    for i in [7, 8, 9] { #expect(h[i] == .slot, "r\(i)") }
    // With UpperZero's facts alone and a checked load, r0 (the load's
    // base, r1 + r4) and the counter r4 need pairs.
    let checked = RegisterAllocation.homes(
      f, fits: upper, baseReadsHigh: ops.map { _ in true },
      hosts: RegisterAllocation.hosts + [.lr, .r10])
    for r in [0, 4] {
      if case .pair = checked[r] {} else { Issue.record("r\(r): \(checked[r]), not a pair") }
    }
  }

  /// The narrow rule (`NarrowHomes.swift`): a register whose high word no
  /// operation reads, or reads only where it fits, is narrow, even though
  /// it leaves 32 bits; the set is found together (r2's high word is read
  /// by the 64-bit `add` into r1 only while r1 is not narrow).
  @Test func aHighWordNobodyReadsNeedsNoPair() {
    let (r0, r1, r2) = (Self.r(0), Self.r(1), Self.r(2))
    let h = Self.homes([
      .constant(r2, 0x1_0000_0005),
      .alu(.add, .w64, r1, .register(r2)),
      .alu(.move, .w32, r0, .register(r1)),
      .return,
    ])
    // Weights 2 each: r0, r1, r2 in order.
    #expect(h[0] == .narrow(.r4))
    #expect(h[1] == .narrow(.r5))
    #expect(h[2] == .narrow(.r6))
    // A 64-bit comparison reads r1 whole: r1 and r2 (read whole by the
    // add into a pair) need pairs.
    let l = FunctionIR.Label(0)
    let g = Self.homes(
      [
        .constant(r2, 0x1_0000_0005),
        .alu(.add, .w64, r1, .register(r2)),
        .branch(.equal, .w64, r1, .immediate(0), l),
        .label(l),
        .alu(.move, .w32, r0, .register(r1)),
        .return,
      ], labels: 1)
    // Weights: r1 3, then r0 and r2 2 each.
    #expect(g[1] == .pair(Pair(.r4, .r5)))
    #expect(g[0] == .narrow(.r6))
    #expect(g[2] == .pair(Pair(.r7, .r8)))
  }

  /// lr is free only without local calls and atomics.
  @Test func linkRegisterIsFreeWithoutLocalCallsOrAtomics() {
    func free(_ ops: [FunctionIR.Op]) -> Bool {
      RegisterAllocation.lrIsFree(FunctionIR.Function(ops: ops, labelCount: 1))
    }
    #expect(free([.constant(Self.r(0), 1), .return]))
    #expect(!free([.callLocal(FunctionIR.Label(0), site: 0), .return]))
    #expect(
      !free([
        .atomic(.add, fetch: false, size: 4, base: .r10, offset: -8, source: Self.r(1), site: 0),
        .return,
      ]))
  }
}
