import KilnIR
import Testing

/// Region formation and the analyses ports run over a region, on
/// hand-built blocks (a tiny control-flow graph whose answers are read off
/// the drawing below, not computed by the code under test).
///
///     0x100  entry: g5 = 0; g6 = g6 + 1        → jump 0x200
///     0x200  head:  g5 = g5 + g6; [g7] = g5    → branch g5 < g8: 0x200 / 0x300
///     0x300  tail:  g9 = g5                    → jumpIndirect g1
///     0x400  (call) g1 = 0x408                 → jump 0x800
///     0x800  callee                            → jumpIndirect g1
@Suite("Region formation and analysis")
struct RegionTests {
  func g(_ i: UInt8) -> GuestRegister { GuestRegister(i) }
  func r(_ i: UInt8) -> Value { .register(GuestRegister(i)) }

  func block(at pc: UInt32) -> Block {
    switch pc {
    case 0x100:
      Block(
        startPC: 0x100,
        operations: [.move(g(5), .immediate(0)), .binary(.add, g(6), r(6), .immediate(1))],
        terminator: .jump(.pc(0x200)), guestInstructionCount: 3, endPC: 0x10C)
    case 0x200:
      Block(
        startPC: 0x200,
        operations: [
          .binary(.add, g(5), r(5), r(6)),
          .store(r(5), base: r(7), offset: 0, size: .word, pc: 0x204),
        ],
        terminator: .branch(.lessThan, r(5), r(8), taken: .pc(0x200), notTaken: .pc(0x300)),
        guestInstructionCount: 3, endPC: 0x20C)
    case 0x300:
      Block(
        startPC: 0x300, operations: [.move(g(9), r(5))],
        terminator: .jumpIndirect(
          base: r(1), offset: 0, link: nil, returnAddress: 0x308, pc: 0x304),
        guestInstructionCount: 2, endPC: 0x308)
    case 0x400:
      Block(
        startPC: 0x400, operations: [.move(g(1), .immediate(0x404))],
        terminator: .jump(.pc(0x800)), guestInstructionCount: 1, endPC: 0x404)
    default:
      Block(
        startPC: pc, operations: [],
        terminator: .jumpIndirect(base: r(1), offset: 0, link: nil, returnAddress: 0, pc: pc),
        guestInstructionCount: 1, endPC: pc &+ 4)
    }
  }

  @Test func loopHeadsOtherThanTheEntryStartTheirOwnRegion() {
    let region = Region.form(at: 0x100, limits: .init()) { block(at: $0) }
    // 0x200 is the target of a backward edge: left out, its loop is its own region.
    #expect(region.blocks.map(\.startPC) == [0x100])
    let loop = Region.form(at: 0x200, limits: .init()) { block(at: $0) }
    #expect(loop.blocks.map(\.startPC) == [0x200, 0x300])
    #expect(loop.guestInstructionCount == 5)
  }

  @Test func callsAreNotFollowed() {
    #expect(block(at: 0x400).endsInCall)
    #expect(!block(at: 0x100).endsInCall)
    let region = Region.form(at: 0x400, limits: .init()) { block(at: $0) }
    #expect(region.blocks.map(\.startPC) == [0x400])
  }

  @Test func singleLimitsGiveTheEntryBlock() {
    let region = Region.form(at: 0x200, limits: .single) { block(at: $0) }
    #expect(region.blocks.map(\.startPC) == [0x200])
  }

  @Test func loopAnalysis() {
    let region = Region(blocks: [block(at: 0x200), block(at: 0x300)])
    let analysis = RegionAnalysis(region, registerCount: 33)
    #expect(analysis.successors == [[1, 0], []])
    #expect(analysis.inCycle == [true, false])
    // g5 in the loop: add reads and writes (2), store value (1), branch (1) = 4 × 8,
    // plus the read in the tail (1).
    #expect(analysis.counts[5] == 4 * RegionAnalysis.loopWeight + 1)
    #expect(analysis.counts[9] == 1)
    // The back edge brings g5 into the entry block possibly written.
    #expect(analysis.mayWriteIn[0].contains(g(5)))
    #expect(!analysis.mayWriteIn[0].contains(g(9)))
    #expect(analysis.mayWriteIn[1].contains(g(5)))
    #expect(analysis.needsEntryLoad(g(5)))
    #expect(analysis.needsEntryLoad(g(8)))
    // g9 is not used by the entry block: loaded (conservatively) too.
    #expect(analysis.needsEntryLoad(g(9)))
    #expect(analysis.ranked(limit: 2) { $0 == g(7) } == [g(5), g(6)])
  }

  @Test func writtenFirstInTheEntryBlockIsNotLoaded() {
    let region = Region(blocks: [block(at: 0x100)])
    let analysis = RegionAnalysis(region, registerCount: 33)
    #expect(!analysis.needsEntryLoad(g(5)))  // g5 = 0 before any read
    #expect(analysis.needsEntryLoad(g(6)))  // g6 = g6 + 1 reads it
    #expect(analysis.inCycle == [false])
    #expect(analysis.mayWriteIn[0] == RegisterSet())
  }

  /// A one-block loop (drawn here, answers read off it):
  ///
  ///     0x500  g12 = g13 + g14; g12 = g12 + g13; g20 = g20 ^ g12; g21 = g21 + 4
  ///            → branch g12 != g14: 0x500 / 0x600
  ///
  /// g20 is loop-carried (read, then computed, every trip: 2 uses), g12 a
  /// temporary (written first: 5 uses), g21 an induction variable (stepped
  /// by a constant: 2 uses, no bonus), g13 and g14 invariants (read only:
  /// 2 uses each). By use count alone the order would be g12, g13, g14,
  /// g20, g21; the carried register comes first and invariants last.
  @Test func loopCarriedRegistersFirstInductionVariablesAndTemporariesNextInvariantsLast() {
    let loop = Block(
      startPC: 0x500,
      operations: [
        .binary(.add, g(12), r(13), r(14)),
        .binary(.add, g(12), r(12), r(13)),
        .binary(.xor, g(20), r(20), r(12)),
        .binary(.add, g(21), r(21), .immediate(4)),
      ],
      terminator: .branch(.notEqual, r(12), r(14), taken: .pc(0x500), notTaken: .pc(0x600)),
      guestInstructionCount: 5, endPC: 0x514)
    let analysis = RegionAnalysis(Region(loop), registerCount: 33)
    #expect(analysis.inCycle == [true])
    #expect(analysis.counts[12] == 5 * RegionAnalysis.loopWeight)
    #expect(analysis.counts[20] == 2 * RegionAnalysis.loopWeight)
    #expect(analysis.ranked(limit: 3) { _ in false } == [g(20), g(12), g(21)])
    #expect(analysis.ranked(limit: 4) { $0 == g(20) } == [g(12), g(21), g(13), g(14)])
    #expect(loop.computedRegisters.contains(g(20)) && !loop.computedRegisters.contains(g(21)))
  }

  /// An interpreter's dispatch (drawn here, answers read off it):
  ///
  ///     0x100  dispatch: g5 = g5 + 1          → jumpIndirect g6
  ///     0x180  case:     g7 = 1               → jump 0x100 (backward)
  ///     0x200  loop:     g8 = g8 + 1          → branch g8 < g9: 0x200 / 0x100
  ///
  /// The jump back to the dispatch closes no cycle inside a region (the
  /// dispatch leaves through its indirect jump), so each case keeps its
  /// own copy of it; 0x200 is a loop of its own, left out of others.
  @Test func backwardJumpsOutsideAnyInnerLoopAreFollowed() {
    func block(at pc: UInt32) -> Block {
      switch pc {
      case 0x100:
        Block(
          startPC: 0x100, operations: [.binary(.add, g(5), r(5), .immediate(1))],
          terminator: .jumpIndirect(
            base: r(6), offset: 0, link: nil, returnAddress: 0x108, pc: 0x104),
          guestInstructionCount: 2, endPC: 0x108)
      case 0x180:
        Block(
          startPC: 0x180, operations: [.move(g(7), .immediate(1))],
          terminator: .jump(.pc(0x100)), guestInstructionCount: 2, endPC: 0x188)
      default:
        Block(
          startPC: 0x200, operations: [.binary(.add, g(8), r(8), .immediate(1))],
          terminator: .branch(.lessThan, r(8), r(9), taken: .pc(0x200), notTaken: .pc(0x100)),
          guestInstructionCount: 2, endPC: 0x208)
      }
    }
    let dispatchCase = Region.form(at: 0x180, limits: .init()) { block(at: $0) }
    #expect(dispatchCase.blocks.map(\.startPC) == [0x180, 0x100])
    let loop = Region.form(at: 0x200, limits: .init()) { block(at: $0) }
    #expect(loop.blocks.map(\.startPC) == [0x200, 0x100])
    // Entered from outside, the loop at 0x200 is left out: a jump to it is an exit.
    let before = Block(
      startPC: 0x1F0, operations: [], terminator: .jump(.pc(0x200)), guestInstructionCount: 1,
      endPC: 0x1F4)
    let outer = Region.form(at: 0x1F0, limits: .init()) { $0 == 0x1F0 ? before : block(at: $0) }
    #expect(outer.blocks.map(\.startPC) == [0x1F0])
    #expect(Region.onInnerCycles([before, block(at: 0x200), block(at: 0x100)]) == [0x200])
  }
}
