import Testing

@testable import EBPF

/// The interpreter's superinstructions (`InterpreterFusion.swift`) and its
/// fast bounds check (`InterpreterMemory.swift`). Expected values are
/// worked out by hand from each program.
@Suite struct InterpreterFusionTests {
  typealias Code = DecodedSlot.Code

  /// The leads and whether a conditional jump may follow each.
  static let leads: [(Code, Bool)] = [(.mov64, true), (.add64, true), (.mov32, false)]

  /// Every fused code is the code `fused(lead:second:)` gives for its own
  /// parts, and every lead with every arithmetic code (and conditional
  /// jump, after `mov64`/`add64`) has one, whose parts are theirs.
  @Test func fusedCodesAndPairsMatch() throws {
    var count = 0
    for code in Code.allCases {
      guard let (lead, second) = code.fusedParts else { continue }
      count += 1
      let secondCode =
        switch second {
        case .arithmetic(let op, let width): Code.arithmetic(op, width)
        case .branch(let condition, let width): Code.branch(condition, width)
        }
      #expect(Code.fused(lead: Code.arithmetic(lead.0, lead.1), second: secondCode) == code)
    }
    #expect(count == 36 + 22 + 36 + 22 + 36)
    for (lead, branches) in Self.leads {
      let leadParts = try #require(lead.arithmetic)
      for second in Code.allCases {
        let fused = Code.fused(lead: lead, second: second)
        if let (op, width) = second.arithmetic {
          let parts = try #require(fused?.fusedParts, "\(lead) \(second)")
          #expect(parts.0 == leadParts && parts.1 == .arithmetic(op, width))
        } else if branches, let (condition, width) = second.branch {
          let parts = try #require(fused?.fusedParts, "\(lead) \(second)")
          #expect(parts.0 == leadParts && parts.1 == .branch(condition, width))
        } else {
          #expect(fused == nil, "\(lead) \(second)")
        }
      }
    }
    #expect(Code.fused(lead: .sub64, second: .add64) == nil)
    #expect(Code.fused(lead: .load32, second: .add64) == nil)
  }

  /// Only pairs of a lead and an arithmetic code or jump are fused, each
  /// at its first slot; the second slot keeps its code.
  @Test func fuseMarksTheFirstSlotOfEachPair() throws {
    let program = try Program(
      assembly: """
        mov %r0, 5
        add %r0, 7
        ldxb %r2, [%r10-1]
        mov %r1, %r0
        jgt %r1, 11, +1
        exit
        exit
        """)
    let decoded = DecodedProgram(program)
    #expect(decoded.slots.map(\.code) == [.mov64, .add64, .load8, .mov64, .jgt64, .exit, .exit])
    #expect(
      decoded.fused.map(\.code) == [
        .mov64ThenAdd64, .add64, .load8, .mov64ThenJgt64, .jgt64, .exit, .exit,
      ])
    // The load's base is r10: its fast check tries the stack (region 0).
    #expect(decoded.slots[2].region == 0)
  }

  /// A jump into the second slot of a pair runs it alone; with and
  /// without a budget (unfused slots) the result is the same.
  /// r0 = 12, r1 = 12 > 11: jump to `add r0, 100` (the second half of
  /// `mov %r2, 1; add %r0, 100`), r0 = 112; r0 += 1 (`add; jeq`), 113 != 0.
  @Test func jumpsIntoAPairAndBudgetsAgree() throws {
    let source = """
      mov %r0, 5
      add %r0, 7
      mov %r1, %r0
      jgt %r1, 11, +1
      mov %r2, 1
      add %r0, 100
      add %r0, 1
      jeq %r0, 0, +0
      exit
      """
    #expect(try run(source) == 113)
    let program = try Program(assembly: source)
    let budgeted = try Interpreter(
      program: program, options: ExecutionOptions(instructionBudget: 1000))
    #expect(try budgeted.countingRun(context: nil) == (113, 8))
    let unbudgeted = try Interpreter(program: program)
    #expect(try unbudgeted.countingRun(context: nil) == (113, 8))
  }

  /// The fast check's room per size: the last start of each size in an
  /// 8-byte context is allowed, one past it faults with the slow path's
  /// error; a stack access through a register other than r10 (hint:
  /// context) still passes.
  @Test func fastCheckEdges() throws {
    let memory: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
    #expect(try run("ldxb %r0, [%r1+7]\nexit", memory: memory) == 8)
    #expect(try run("ldxh %r0, [%r1+6]\nexit", memory: memory) == 0x0807)
    #expect(try run("ldxw %r0, [%r1+4]\nexit", memory: memory) == 0x0807_0605)
    #expect(try run("ldxdw %r0, [%r1+0]\nexit", memory: memory) == 0x0807_0605_0403_0201)
    for (mnemonic, offset, size) in [
      ("ldxb", 8, 1), ("ldxh", 7, 2), ("ldxw", 5, 4), ("ldxdw", 1, 8),
    ] {
      let e = error { () throws(EBPFError) in
        try run("mov %r0, 0\n\(mnemonic) %r0, [%r1+\(offset)]\nexit", memory: memory)
      }
      guard case .outOfBounds(1, _, size, false)? = e else {
        Issue.record("\(mnemonic): \(String(describing: e))")
        continue
      }
    }
    #expect(
      try run("mov %r3, %r10\nstdw [%r3-8], 9\nldxdw %r0, [%r3-8]\nexit", memory: memory) == 9)
  }
}
