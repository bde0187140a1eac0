import KilnIR
import Testing

/// The use-count pass that chooses a block's cached registers.
@Suite("RegisterUses pass")
struct RegisterUsesTests {
  func g(_ i: UInt8) -> GuestRegister { GuestRegister(i) }
  func r(_ i: UInt8) -> Value { .register(GuestRegister(i)) }

  /// g5 = g5 + g6; g7 = g5; [g6] = g7; g8 = [g9]; branch g8 < g6.
  var block: Block {
    Block(
      startPC: 0x1000,
      operations: [
        .binary(.add, g(5), r(5), r(6)),
        .move(g(7), r(5)),
        .store(r(7), base: r(6), offset: 0, size: .word, pc: 0x1008),
        .load(g(8), base: r(9), offset: 4, size: .word, signed: false, pc: 0x100C),
      ],
      terminator: .branch(.lessThan, r(8), r(6), taken: .pc(0x2000), notTaken: .pc(0x1014)),
      guestInstructionCount: 5, endPC: 0x1014)
  }

  @Test func countsReadsAndWrites() {
    let uses = block.registerUses(registerCount: 33)
    // g5: read, written, read; g6: read, store base, branch; g7: written,
    // stored; g8: loaded, compared; g9: load base.
    #expect(uses.count(of: g(5)) == 3)
    #expect(uses.count(of: g(6)) == 3)
    #expect(uses.count(of: g(7)) == 2)
    #expect(uses.count(of: g(8)) == 2)
    #expect(uses.count(of: g(9)) == 1)
    #expect(uses.count(of: g(1)) == 0)
    #expect(uses.counts.reduce(0, +) == 11)
  }

  @Test func firstUseIsReadOrWrite() {
    let uses = block.registerUses(registerCount: 33)
    #expect(uses.isReadFirst(g(5)))  // read in the same operation that writes it
    #expect(uses.isReadFirst(g(6)))
    #expect(!uses.isReadFirst(g(7)))
    #expect(!uses.isReadFirst(g(8)))
    #expect(uses.isReadFirst(g(9)))
    #expect(!uses.isReadFirst(g(1)))
  }

  @Test func ranksByCountThenSlot() {
    let uses = block.registerUses(registerCount: 33)
    // g5 and g6 tie at 3 (lower slot first), g7 and g8 at 2; g9 is below the threshold.
    #expect(uses.ranked(limit: 8) { _ in false } == [g(5), g(6), g(7), g(8)])
    #expect(uses.ranked(limit: 3) { _ in false } == [g(5), g(6), g(7)])
    #expect(uses.ranked(limit: 0) { _ in false } == [])
    #expect(uses.ranked(limit: 8) { $0 == g(5) } == [g(6), g(7), g(8)])
    #expect(uses.ranked(limit: 8, minimumUses: 1) { _ in false } == [g(5), g(6), g(7), g(8), g(9)])
    #expect(uses.ranked(limit: 8, minimumUses: 3) { _ in false } == [g(5), g(6)])
    #expect(RegisterUses.worthwhile == 2)
  }

  @Test func tiesGoToTheLowerSlotWhateverTheOrderOfUse() {
    let b = Block(
      startPC: 0, operations: [.move(g(20), r(12)), .move(g(12), r(20)), .move(g(3), r(3))],
      terminator: .jump(.pc(0)), guestInstructionCount: 3, endPC: 12)
    #expect(
      b.registerUses(registerCount: 33).ranked(limit: 4) { _ in false } == [g(3), g(12), g(20)])
  }

  /// An indirect jump's base is read; its link write, on the way out, is not counted.
  @Test func indirectJumpCountsTheBaseOnly() {
    let b = Block(
      startPC: 0, operations: [],
      terminator: .jumpIndirect(base: r(3), offset: 0, link: g(1), returnAddress: 4, pc: 0),
      guestInstructionCount: 1, endPC: 4)
    let uses = b.registerUses(registerCount: 33)
    #expect(uses.count(of: g(3)) == 1)
    #expect(uses.isReadFirst(g(3)))
    #expect(uses.count(of: g(1)) == 0)
  }

  @Test func immediatesAreNotUses() {
    let b = Block(
      startPC: 0, operations: [.binary(.add, g(4), .immediate(1), .immediate(2))],
      terminator: .branch(.equal, .immediate(0), r(4), taken: .pc(8), notTaken: .pc(4)),
      guestInstructionCount: 2, endPC: 8)
    let uses = b.registerUses(registerCount: 33)
    #expect(uses.counts.reduce(0, +) == 2)
    #expect(!uses.isReadFirst(g(4)))
  }

  /// A slot at or past `registerCount` is counted, not a trap.
  @Test func slotsPastTheCountGrowTheTable() {
    let b = Block(
      startPC: 0, operations: [.move(g(40), r(40))], terminator: .jump(.pc(0)),
      guestInstructionCount: 1, endPC: 4)
    let uses = b.registerUses(registerCount: 8)
    #expect(uses.count(of: g(40)) == 2)
    #expect(uses.ranked(limit: 4) { _ in false } == [g(40)])
  }
}
