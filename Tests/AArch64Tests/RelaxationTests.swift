import KilnCore
import Testing

@testable import AArch64Port

/// The shape of relaxed branches and branch islands. Words that do not
/// depend on the layout are LLVM's (`b.ne .+8` is 54000041, `cbnz x1, .+8`
/// b5000041, `tbnz x3, #40, .+8` b7400043, `b .-1048584` 17fbfffe,
/// `b .-32776` 17ffdffe); branch targets are read back with `target(of:at:)`,
/// a decoder written from the Arm ARM, and ExecutionTests runs the same
/// shapes in Unicorn.
@Suite struct RelaxationTests {
  /// A backward b.cond reaches exactly −1 MiB; one word farther it becomes
  /// `b.<inverse> +8; b label`.
  @Test(arguments: [(262_144, false), (262_145, true)])
  func backwardConditionalAtTheLimit(nops: Int, relaxed: Bool) throws {
    var a = AArch64Assembler()
    let back = a.newLabel()
    try a.bind(back)
    for _ in 0..<nops { a.nop() }
    a.b(.eq, back)
    let w = Array(words(try a.finish()).dropFirst(nops))
    if relaxed {
      #expect(w == [0x5400_0041, 0x17FB_FFFE])
    } else {
      #expect(w.count == 1 && target(of: w[0], at: 4 * nops) == 0)
    }
  }

  @Test func backwardCompareAndTestBranchesRelax() throws {
    var a = AArch64Assembler()
    let back = a.newLabel()
    try a.bind(back)
    for _ in 0..<8192 { a.nop() }
    a.cbz(XReg.x1, back)  // −32768: in reach of cbz
    a.tbz(XReg.x3, 40, back)  // −32772: out of tbz's reach
    let w = Array(words(try a.finish()).dropFirst(8192))
    #expect(w.count == 3)
    #expect(target(of: w[0], at: 32768) == 0)
    #expect(w[1] == 0xB740_0043)  // tbnz x3, #40, .+8
    #expect(w[2] == 0x17FF_DFFE)  // b .-32776
  }

  /// `al` and `nv` have no inverse: far away, they become a plain `b`.
  @Test(arguments: [Condition.al, .nv]) func backwardAlwaysBecomesB(_ cond: Condition) throws {
    var a = AArch64Assembler()
    let back = a.newLabel()
    try a.bind(back)
    for _ in 0..<262_145 { a.nop() }
    a.b(cond, back)
    let w = Array(words(try a.finish()).dropFirst(262_145))
    #expect(w.count == 1 && w[0] >> 26 == 0b000101 && target(of: w[0], at: 262_145 * 4) == 0)
  }

  /// A forward tbz whose label ends up 32 KiB away goes through an island:
  /// `b over; veneer: b label; over:`, with the tbz retargeted to the veneer.
  @Test func forwardBranchGoesThroughAnIsland() throws {
    var a = AArch64Assembler()
    let far = a.newLabel()
    a.tbz(WReg.w0, 0, far)
    for _ in 0..<8200 { a.nop() }
    try a.bind(far)
    let farOffset = a.offset
    a.ret()
    let w = words(try a.finish())
    #expect(a.islandCount == 1)
    let island = try #require(w.indices.dropFirst().first { w[$0] != 0xD503_201F })
    #expect(target(of: w[island], at: 4 * island) == 4 * island + 8)  // b over the veneer
    #expect(target(of: w[island + 1], at: 4 * island + 4) == farOffset)  // veneer: b far
    #expect(target(of: w[0], at: 0) == 4 * island + 4)  // tbz → veneer
    #expect(w[0] & 0xFFF8_001F == 0x3600_0000)  // still tbz w0, #0
  }

  /// A forward branch whose label is bound while still well in reach needs
  /// no island. (Near the limit an island may come anyway: the assembler
  /// decides before it knows where the label will be, keeping a margin.)
  @Test func forwardBranchInReachNeedsNoIsland() throws {
    var a = AArch64Assembler()
    let near = a.newLabel()
    a.tbnz(XReg.x9, 63, near)
    for _ in 0..<(8191 - 80) { a.nop() }
    try a.bind(near)
    let w = words(try a.finish())
    #expect(a.islandCount == 0)
    #expect(target(of: w[0], at: 0) == 4 * (8191 - 80) + 4)
  }

  /// Branches to one label share a veneer; each label gets its own.
  @Test func veneersPerLabel() throws {
    var a = AArch64Assembler()
    let one = a.newLabel()
    let two = a.newLabel()
    a.tbz(WReg.w0, 1, one)
    a.cbz(XReg.x1, one)
    a.tbnz(WReg.w2, 2, two)
    a.b(.hi, two)
    for _ in 0..<8200 { a.nop() }
    try a.bind(one)
    a.nop()
    try a.bind(two)
    let w = words(try a.finish())
    let island = try #require(w.indices.dropFirst(4).first { w[$0] != 0xD503_201F })
    let veneers = [4 * island + 4, 4 * island + 8]
    #expect(target(of: w[island], at: 4 * island) == 4 * island + 12)
    #expect(target(of: w[island + 1], at: veneers[0]) == 4 * (4 + 8200 + 3))
    #expect(target(of: w[island + 2], at: veneers[1]) == 4 * (4 + 8200 + 3) + 4)
    // The tbz went to the island; b.hi and cbz (±1 MiB) too, since their labels were pending.
    #expect(
      (0..<4).map { target(of: w[$0], at: 4 * $0) } == [
        veneers[0], veneers[0], veneers[1], veneers[1],
      ])
  }

  /// Right after an unconditional branch the island needs no `b` over it.
  @Test func islandAfterUnconditionalBranchHasNoSkip() throws {
    var a = AArch64Assembler()
    let far = a.newLabel()
    a.tbz(WReg.w0, 0, far)
    for _ in 0..<8200 { a.ret() }
    try a.bind(far)
    let w = words(try a.finish())
    let island = try #require(w.indices.dropFirst().first { w[$0] != 0xD65F_03C0 })
    #expect(target(of: w[island], at: 4 * island) == 4 * 8201 + 4)  // the veneer itself
    #expect(w[island + 1] == 0xD65F_03C0)
  }

  /// No island goes inside a sequence announced with `keepTogether`.
  @Test func keepTogetherHoldsASequence() throws {
    var a = AArch64Assembler()
    let far = a.newLabel()
    a.tbz(WReg.w0, 0, far)
    var starts: [Int] = []
    for _ in 0..<1000 {
      a.keepTogether(words: 10)
      starts.append(a.offset)
      for i in 0..<10 { a.movz(XReg.x1, UInt16(i)) }
    }
    try a.bind(far)
    let w = words(try a.finish())
    #expect(a.islandCount == 1)
    for start in starts {
      #expect((0..<10).map { w[start / 4 + $0] } == (0..<10).map { 0xD280_0001 | UInt32($0) << 5 })
    }
  }
}

/// The target offset of the branch `word` at offset `site`, decoded from the
/// Arm ARM's field layouts (b/bl imm26; b.cond, cbz/cbnz imm19; tbz/tbnz imm14).
func target(of word: UInt32, at site: Int) -> Int? {
  func field(_ low: Int, _ width: Int) -> Int {
    Int(Int32(bitPattern: (word >> UInt32(low)) << UInt32(32 - width)) >> Int32(32 - width))
  }
  if word & 0x7C00_0000 == 0x1400_0000 { return site + 4 * field(0, 26) }  // b, bl
  if word & 0xFF00_0010 == 0x5400_0000 { return site + 4 * field(5, 19) }  // b.cond
  if word & 0x7E00_0000 == 0x3400_0000 { return site + 4 * field(5, 19) }  // cbz, cbnz
  if word & 0x7E00_0000 == 0x3600_0000 { return site + 4 * field(5, 14) }  // tbz, tbnz
  return nil
}
