import KilnIR
import Testing

/// The liveness analysis and the recurrence unrolling of ``FunctionIR``
/// (`Liveness`, `RecurrenceUnroll`): where the pass applies and the shape
/// of what it makes, and the near misses where it must not apply. The
/// constants of the unrolled recurrence are worked out by hand (comments);
/// the programs' results are compared with the interpreter in
/// `EBPFTests/RecurrenceUnrollTests.swift`.
@Suite("RecurrenceUnroll pass")
struct RecurrenceUnrollTests {
  typealias Op = FunctionIR.Op
  func r(_ i: UInt8) -> FunctionIR.Register { FunctionIR.Register(i) }
  func reg(_ i: UInt8) -> FunctionIR.Operand { .register(FunctionIR.Register(i)) }
  func imm(_ i: Int32) -> FunctionIR.Operand { .immediate(i) }
  let loop = FunctionIR.Label(0)

  /// The fill loop of the packet-filter benchmark: p[i] = (x = x·A + C) >> 24
  /// for i < n (r1 = p, r2 = n, x in r5, i in r4); r0 and r6 are
  /// temporaries of the body; r3 is live after the loop.
  func fill(body extra: [Op] = [], condition: Condition = .lessThanUnsigned) -> [Op] {
    [
      .constant(r(4), 0),
      .alu(.move, .w32, r(5), imm(7)),
      .constant(r(3), 99),
      .label(loop),
      .alu(.move, .w64, r(0), reg(1)),
      .alu(.add, .w64, r(0), reg(4)),
      .alu(.multiply, .w32, r(5), imm(1_664_525)),
      .alu(.add, .w32, r(5), imm(1_013_904_223)),
      .alu(.move, .w32, r(6), reg(5)),
      .alu(.shiftRightLogical, .w32, r(6), imm(24)),
      .store(base: r(0), offset: 0, size: 1, value: reg(6), site: 9),
    ] + extra + [
      .alu(.add, .w64, r(4), imm(1)),
      .branch(condition, .w64, r(4), reg(2), loop),
      .alu(.move, .w64, r(0), reg(3)),
      .return,
    ]
  }

  func unrolled(_ ops: [Op], labels: Int = 1) -> (count: Int, function: FunctionIR.Function) {
    var f = FunctionIR.Function(ops: ops, labelCount: labels)
    let n = FunctionIR.RecurrenceUnroll.apply(to: &f)
    return (n, f)
  }

  @Test func livenessOfTheFillLoop() {
    let live = FunctionIR.Liveness(FunctionIR.Function(ops: fill(), labelCount: 1))
    func registers(_ i: Int) -> [UInt8] { (0..<11).filter { live.isLive(r($0), before: i) } }
    // At the loop label: p, n, i, x and r3 (returned after the loop) are
    // read before written; r0 and r6 are written first; r10 always.
    #expect(registers(3) == [1, 2, 3, 4, 5, 10])
    // Before the return: the result and what a caller may read after a
    // local call (r0–r5; r6–r9 are the caller's own again).
    #expect(registers(14) == [0, 1, 2, 3, 4, 5, 10])
    // Before `r0 = r3`: r3, and r1–r5 read by the return.
    #expect(registers(13) == [1, 2, 3, 4, 5, 10])
    // Before the store: its base and value, and what the loop reads later.
    #expect(registers(10) == [0, 1, 2, 3, 4, 5, 6, 10])
  }

  @Test func unrollsTheFillLoopFourTimes() {
    let (count, f) = unrolled(fill())
    #expect(count == 1)
    #expect(f.labelCount == 2)
    // Dead and unused by the loop: r7, r8, r9 (r0, r6 are used, r3 live).
    let a: UInt32 = 1_664_525
    let c: UInt32 = 1_013_904_223
    // x2 = A²·x + (A·C + C), x3 = A³·x + (A²·C + A·C + C), x4 likewise.
    let a2 = a &* a
    let c2 = a &* c &+ c
    let a3 = a2 &* a
    let c3 = c2 &* a &+ c
    let a4 = a3 &* a
    let c4 = c3 &* a &+ c
    let head: [Op] = [
      .label(loop),
      .alu(.move, .w32, r(7), reg(5)),
      .alu(.multiply, .w32, r(7), imm(Int32(bitPattern: a2))),
      .alu(.add, .w32, r(7), imm(Int32(bitPattern: c2))),
      .alu(.move, .w32, r(8), reg(5)),
      .alu(.multiply, .w32, r(8), imm(Int32(bitPattern: a3))),
      .alu(.add, .w32, r(8), imm(Int32(bitPattern: c3))),
      .alu(.move, .w32, r(9), reg(5)),
      .alu(.multiply, .w32, r(9), imm(Int32(bitPattern: a4))),
      .alu(.add, .w32, r(9), imm(Int32(bitPattern: c4))),
    ]
    #expect(Array(f.ops[3..<13]) == head)
    let exit = FunctionIR.Label(1)
    let exitTest: Op = .branch(.greaterOrEqualUnsigned, .w64, r(4), reg(2), exit)
    #expect(f.ops.filter { $0 == exitTest }.count == 3)
    // One multiply per copy is left: the first; the others are moves.
    #expect(
      f.ops.filter { if case .alu(.multiply, .w32, r(5), _) = $0 { true } else { false } }.count
        == 1)
    for t: UInt8 in [7, 8, 9] {
      #expect(f.ops.contains(.alu(.move, .w32, r(5), reg(t))))
    }
    #expect(
      f.ops.filter { $0 == .store(base: r(0), offset: 0, size: 1, value: reg(6), site: 9) }.count
        == 4)
    // The back edge, then the exit label, then the code after the loop.
    #expect(
      Array(f.ops.suffix(4)) == [
        .branch(.lessThanUnsigned, .w64, r(4), reg(2), loop), .label(exit),
        .alu(.move, .w64, r(0), reg(3)), .return,
      ])
  }

  @Test func factorFollowsTheDeadRegisters() {
    // r7 and r8 used in the body: only r9 is free, so two copies.
    let extra: [Op] = [.alu(.move, .w64, r(7), reg(0)), .alu(.add, .w64, r(8), imm(1))]
    let (count, f) = unrolled(fill(body: extra))
    #expect(count == 1)
    #expect(f.ops.contains(.alu(.move, .w32, r(5), reg(9))))
    #expect(f.ops.filter { if case .branch = $0 { true } else { false } }.count == 2)
  }

  @Test func jsetLoopExitsThroughAJump() {
    let (count, f) = unrolled(fill(condition: .andNonZero))
    #expect(count == 1)
    // No negation of `and != 0`: each exit test is a branch over a jump.
    #expect(f.ops.filter { $0 == .jump(FunctionIR.Label(1)) }.count == 3)
    #expect(f.labelCount == 5)
  }

  /// Loops the pass must leave alone.
  @Test(arguments: NearMiss.allCases) func nearMisses(_ miss: NearMiss) {
    let ops: [Op]
    var labels = 1
    switch miss {
    case .otherWriteOfX:
      ops = fill(body: [.alu(.xor, .w32, r(5), imm(1))])
    case .noDeadRegister:
      // r7, r8, r9 live after the loop.
      ops =
        Array(fill().dropLast(2)) + [
          .alu(.add, .w64, r(3), reg(7)), .alu(.add, .w64, r(3), reg(8)),
          .alu(.add, .w64, r(3), reg(9)), .alu(.move, .w64, r(0), reg(3)), .return,
        ]
    case .wideMultiply:
      ops = fill().map {
        $0 == .alu(.multiply, .w32, r(5), imm(1_664_525))
          ? .alu(.multiply, .w64, r(5), imm(1_664_525)) : $0
      }
    case .registerMultiplier:
      ops = fill().map {
        $0 == .alu(.multiply, .w32, r(5), imm(1_664_525)) ? .alu(.multiply, .w32, r(5), reg(3)) : $0
      }
    case .callInBody:
      ops = fill(body: [.callHelper(id: 1, site: 20)])
    case .labelInBody:
      ops = fill(body: [.label(FunctionIR.Label(1))])
      labels = 2
    case .budgetInFunction:
      ops = [.budget(cost: 3, site: 0)] + fill()
    case .forwardBranch:
      // The branch to the label goes forwards: not a loop.
      ops = [
        .alu(.multiply, .w32, r(5), imm(3)), .branch(.equal, .w64, r(1), imm(0), loop),
        .label(loop), .return,
      ]
    case .longBody:
      ops = fill(body: Array(repeating: .alu(.add, .w64, r(6), imm(1)), count: 20))
    }
    let before = FunctionIR.Function(ops: ops, labelCount: labels)
    let (count, f) = unrolled(ops, labels: labels)
    #expect(count == 0)
    #expect(f.ops == before.ops)
    #expect(f.labelCount == labels)
  }

  enum NearMiss: CaseIterable, Sendable {
    case otherWriteOfX, noDeadRegister, wideMultiply, registerMultiplier, callInBody
    case labelInBody, budgetInFunction, forwardBranch, longBody
  }

  @Test func negatedConditions() {
    for c in Condition.allCases {
      guard let n = c.negated else {
        #expect(c == .andNonZero)
        continue
      }
      for (x, y): (UInt64, UInt64) in [(0, 0), (1, 2), (2, 1), (.max, 1), (1, .max), (1 << 63, 5)] {
        for w in [Width.w32, .w64] { #expect(n.holds(x, y, width: w) == !c.holds(x, y, width: w)) }
      }
    }
  }
}
