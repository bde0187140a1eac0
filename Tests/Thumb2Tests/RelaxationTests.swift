import KilnCore
import Testing

@testable import Thumb2Port

/// Branch relaxation: each form's limit and one halfword past it, the
/// chosen sizes (no NOP padding: the code is exactly the fixed bytes plus
/// the branches), and the relaxed code run in Unicorn's Cortex-M4. The
/// forms LLVM also relaxes (B T2→T4, B<c> T1→T3) have golden rows at their
/// edges in GoldenTables.swift; the ones LLVM does not relax (B<c> beyond
/// ±1 MiB, CBZ/CBNZ beyond +126) are checked here by execution.
@Suite struct RelaxationTests {
  enum Kind: Sendable, CustomStringConvertible {
    case beq, cbz, cbnz
    var description: String {
      switch self {
      case .beq: "beq"
      case .cbz: "cbz"
      case .cbnz: "cbnz"
      }
    }
  }

  static func branch(_ kind: Kind, _ a: inout Thumb2Assembler, _ l: Label) {
    switch kind {
    case .beq: a.b(.eq, l)
    case .cbz: a.cbz(.r0, l)
    case .cbnz: a.cbnz(.r0, l)
    }
  }

  /// Forward: `cmp r0, #0` (beq only), the branch, then `nops` halfwords of
  /// filler (the first `adds r2, #1`: it runs only if the branch falls
  /// through), then the label. (kind, nops, expected branch size)
  static let forwardCases: [(Kind, Int, Int)] = [
    (.beq, 128, 2), (.beq, 129, 4),  // B<c> T1: +254 / +256
    (.beq, 524_287, 4), (.beq, 524_288, 6),  // B<c> T3: +1 MiB − 2 / +1 MiB
    (.cbz, 1, 2), (.cbz, 64, 2), (.cbz, 65, 4),  // CBZ: +126 / +128 → cbnz over b
    (.cbz, 1024, 4), (.cbz, 1025, 6),  // its b T2: +2046 / +2048 → b.w
    (.cbnz, 64, 2), (.cbnz, 65, 4), (.cbnz, 1025, 6),
  ]

  @Test(arguments: forwardCases)
  func forward(_ kind: Kind, _ nops: Int, _ size: Int) throws {
    var a = Thumb2Assembler()
    let l = a.newLabel()
    if kind == .beq { a.cmp(.r0, imm: m(0)) }
    let prefix = kind == .beq ? 2 : 0
    Self.branch(kind, &a, l)
    a.adds(.r2, .r2, imm: m(1))
    for _ in 1..<nops { a.nop() }
    try a.bind(l)
    let code = try a.finish()
    #expect(code.count == prefix + size + 2 * nops, "\(kind) over \(nops) halfwords")
    for r0: UInt32 in [0, 7] {
      let cpu = try Machine()
      cpu[.r0] = r0
      cpu[.r2] = 0
      try cpu.run(code)
      let taken = (kind == .cbnz) == (r0 != 0)
      #expect(cpu[.r2] == (taken ? 0 : 1), "\(kind), r0 = \(r0)")
    }
  }

  /// Backward: the label, `add.w r2, #1` (and for cbz/cbnz `sub.w r0, #1`),
  /// `nops` nops, `cmp r2, #3` (beq: `bne` loops), the branch. The loop runs
  /// three times. (kind, nops, expected branch size)
  static let backwardCases: [(Kind, Int, Int)] = [
    (.beq, 0, 2), (.beq, 123, 2), (.beq, 124, 4),  // B<c> T1: −256 / −258
    (.beq, 524_283, 4), (.beq, 524_284, 6),  // B<c> T3: −1 MiB / −1 MiB − 2
    (.cbnz, 0, 4), (.cbnz, 1017, 4), (.cbnz, 1018, 6),  // cbz +0 over b T2: −2048 / −2050
  ]

  @Test(arguments: backwardCases)
  func backward(_ kind: Kind, _ nops: Int, _ size: Int) throws {
    var a = Thumb2Assembler()
    let l = a.newLabel()
    try a.bind(l)
    a.add(.r2, .r2, imm: m(1))  // add.w: 4 bytes, flags untouched
    var fixed = 4
    if kind != .beq {
      a.sub(.r0, .r0, imm: m(1))
      fixed += 4
    }
    for _ in 0..<nops { a.nop() }
    if kind == .beq {
      a.cmp(.r2, imm: m(3))
      a.b(.ne, l)
      fixed += 2
    } else {
      Self.branch(kind, &a, l)
    }
    let code = try a.finish()
    #expect(code.count == fixed + 2 * nops + size, "\(kind) back over \(nops) nops")
    let cpu = try Machine()
    cpu[.r0] = 3
    cpu[.r2] = 0
    try cpu.run(code)
    #expect(cpu[.r2] == 3)
  }

  /// Growing one branch pushes another out of its reach: the passes go on
  /// until nothing changes. `b` first reaches its label at exactly +2046
  /// while the `bne` after it is short; the `bne` must grow (its label is
  /// far), which moves the `b`'s label to +2048, so the `b` grows too.
  @Test func growthPropagates() throws {
    var a = Thumb2Assembler()
    let near = a.newLabel()
    let far = a.newLabel()
    a.b(near)
    a.b(.ne, far)
    for _ in 0..<1023 { a.nop() }
    try a.bind(near)
    a.mov32(.r3, 0x1234)
    for _ in 0..<200 { a.nop() }
    try a.bind(far)
    let code = try a.finish()
    #expect(code.count == 4 + 4 + 2046 + 4 + 400)
    // b.w: first halfword 11110xxx…, second 10x1x…
    #expect(code[1] & 0xF8 == 0xF0 && code[3] & 0xD0 == 0x90)
    let cpu = try Machine()
    try cpu.run(code)
    #expect(cpu[.r3] == 0x1234)
  }

  /// A chain of forward branches to one far label, each one just in reach
  /// of the short form until the ones after it grow.
  @Test func manyBranchesToOneLabel() throws {
    var a = Thumb2Assembler()
    let end = a.newLabel()
    for _ in 0..<200 {
      a.cmp(.r0, imm: m(0))
      a.b(.eq, end)
      a.adds(.r2, .r2, imm: m(1))
    }
    try a.bind(end)
    let code = try a.finish()
    // Expected layout, worked out from the end: a branch is short if what
    // follows it (its `adds` and the later groups) is at most 256 bytes
    // (distance = 2 + 2 + rest − 4 ≤ 254).
    var rest = 0
    for _ in 0..<200 {
      let size = 2 + 2 + rest - 4 <= 254 ? 2 : 4
      rest += 2 + size + 2
    }
    #expect(code.count == rest)
    #expect(code.count > 200 * 6 && code.count < 200 * 8)
    let cpu = try Machine()
    cpu[.r0] = 1
    try cpu.run(code)
    #expect(cpu[.r2] == 200)
    let cpu2 = try Machine()
    cpu2[.r0] = 0
    try cpu2.run(code)
    #expect(cpu2[.r2] == 0)
  }
}
