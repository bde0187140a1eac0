import KilnTestSupport
import Runtime
import Testing

/// The budget in a counted loop (`CountedLoop`): a loop that is one block
/// ending in `bne i, bound` with `i += ±2^k` once per pass. The x86-64 JIT
/// charges all its passes at the region's start and runs the loop without
/// a check when the passes are known and covered; else (the distance is no
/// multiple of the step, or 0, or the budget left is smaller) it checks
/// every pass. Every budget must stop at the same instruction with the
/// same registers on every engine either way. Expected states come from
/// `trace`, a model of the program written from its RISC-V semantics, not
/// from an engine.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct BudgetCountedLoopTests {
  /// A loop with a load in it (memory slow paths in the block):
  ///
  ///     +0  li t0, 0           the function's region: +0…+16, chained
  ///     +4  mv t1, a1          to +8
  ///     +8  lw t2, 0(a2)       ┐ the loop's region (entry +8): its
  ///     +12 addi t0, t0, 3     │ start charges passes × 4 when it can
  ///     +16 addi t1, t1, STEP  │
  ///     +20 bne t1, BOUND, +8  ┘
  ///     +24 mv a0, t0
  ///     +28 ret
  static func source(step: Int32, bound: String) -> String {
    """
    li t0, 0
    mv t1, a1
    1:
    lw t2, 0(a2)
    addi t0, t0, 3
    addi t1, t1, \(step)
    bne t1, \(bound), 1b
    mv a0, t0
    ret
    """
  }

  /// The state before each of the first `limit` instructions the program
  /// executes from `start` to `bound` (and the state after the last, if
  /// it returns within them).
  static func trace(step: Int32, start: UInt32, bound: UInt32, limit: Int)
    -> [(pc: UInt32, t0: UInt32, t1: UInt32)]
  {
    var out: [(pc: UInt32, t0: UInt32, t1: UInt32)] = []
    var t0: UInt32 = 0
    var t1: UInt32 = 0
    func at(_ offset: UInt32) { out.append((Harness.base + offset, t0, t1)) }
    at(0)
    t0 = 0
    at(4)
    t1 = start
    repeat {
      at(8)
      at(12)
      t0 &+= 3
      at(16)
      t1 &+= UInt32(bitPattern: step)
      at(20)
    } while t1 != bound && out.count <= limit
    if out.count <= limit {
      at(24)
      at(28)
    }
    return out
  }

  struct Case: Sendable, CustomTestStringConvertible {
    let step: Int32
    let start: UInt32
    let bound: UInt32
    /// Whether the loop ends (else every budget stops it).
    let ends: Bool
    var testDescription: String { "step \(step), \(start) → \(bound)" }
  }

  static let cases: [Case] = [
    Case(step: 4, start: 0x100, bound: 0x100 + 4 * 7, ends: true),  // 7 passes, counted
    Case(step: 1, start: 0xFFFF_FFFE, bound: 3, ends: true),  // 5 passes through 2^32
    Case(step: -1, start: 9, bound: 0, ends: true),  // down to zero (an immediate bound)
    Case(step: 8, start: 0x100, bound: 0x100 + 8 * 5 + 4, ends: false),  // no multiple of 8
    Case(step: 4, start: 0x100, bound: 0x100, ends: false),  // d = 0: 2^30 passes
  ]

  @Test(arguments: Harness.setups, cases)
  func everyBudgetStopsAtTheSameInstruction(_ setup: Setup, _ c: Case) throws {
    let bound = c.bound == 0 ? "zero" : "a0"
    let program = try Toolchain.assemble(Self.source(step: c.step, bound: bound), at: Harness.base)
    let trace = Self.trace(step: c.step, start: c.start, bound: c.bound, limit: 60)
    let total = UInt64(trace.count)
    // A loop that does not end: a sample of budgets in its first passes
    // (fewer VMs: this suite runs every row of every case).
    let budgets = c.ends ? Array(0..<total) : [0, 1, 2, 3, 5, 8, 9, 10, 13, 21, 34, 60]
    for n in budgets {
      var config = Config()
      config.instructionBudget = n
      let vm = try setup.makeVM(config: config, handler: { _, _ in })
      try vm.loadProgram(program, at: Harness.base)
      let state = trace[Int(n)]
      #expect(
        throws: RuntimeError.instructionBudgetExhausted(pc: state.pc, executed: n), "n = \(n)"
      ) {
        _ = try vm.callFunction(at: Harness.base, arguments: [c.bound, c.start, Harness.base])
      }
      if n >= 2 {
        #expect(vm.readRegister(5) == state.t0, "t0, n = \(n)")
        #expect(vm.readRegister(6) == state.t1, "t1, n = \(n)")
      }
    }
    guard c.ends else { return }
    // The whole run: exactly enough budget, one more, and a large one.
    let passes = (trace.count - 4) / 4
    for n in [total, total + 1, 1 << 40] {
      var config = Config()
      config.instructionBudget = n
      let vm = try setup.makeVM(config: config, handler: { _, _ in })
      try vm.loadProgram(program, at: Harness.base)
      let result = try vm.callFunction(
        at: Harness.base, arguments: [c.bound, c.start, Harness.base])
      #expect(result == 3 * UInt32(passes), "n = \(n)")
    }
  }

  /// The loop's region entered again and again (an outer loop calls it):
  /// each entry charges the passes of that entry only, so a budget that
  /// runs out in the third entry stops exactly there.
  @Test(arguments: Harness.setups)
  func aLoopEnteredManyTimesKeepsTheCountExact(_ setup: Setup) throws {
    // Outer: s0 = 3 rounds; inner: t1 from 0 to 4 by 1 (4 passes of 2).
    let source = """
      li s0, 3
      li t0, 0
      1:
      li t1, 0
      2:
      addi t0, t0, 1
      addi t1, t1, 1
      bne t1, a0, 2b
      addi s0, s0, -1
      bnez s0, 1b
      mv a0, t0
      ret
      """
    let program = try Toolchain.assemble(source, at: Harness.base)
    // 2 + 3 × (1 + 4 × 3 + 2) + 2 = 49 instructions.
    var pcs: [UInt32] = [0, 4]
    for _ in 0..<3 {
      pcs.append(8)
      for _ in 0..<4 { pcs += [12, 16, 20] }
      pcs += [24, 28]
    }
    pcs += [32, 36]
    for n in 0..<UInt64(pcs.count) {
      var config = Config()
      config.instructionBudget = n
      let vm = try setup.makeVM(config: config, handler: { _, _ in })
      try vm.loadProgram(program, at: Harness.base)
      let pc = Harness.base + pcs[Int(n)]
      #expect(throws: RuntimeError.instructionBudgetExhausted(pc: pc, executed: n), "n = \(n)") {
        _ = try vm.callFunction(at: Harness.base, arguments: [4])
      }
      let ran = pcs.prefix(Int(n)).filter { $0 == 12 }.count
      #expect(vm.readRegister(5) == UInt32(ran), "t0, n = \(n)")
    }
    var config = Config()
    config.instructionBudget = UInt64(pcs.count)
    let vm = try setup.makeVM(config: config, handler: { _, _ in })
    try vm.loadProgram(program, at: Harness.base)
    #expect(try vm.callFunction(at: Harness.base, arguments: [4]) == 12)
  }
}
