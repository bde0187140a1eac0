import KilnTestSupport
import Runtime
import Testing

/// The budget where the x86-64 JIT checks once per pass round a region's
/// loop (`BudgetPlan`): a loop whose body has two paths of different
/// lengths (the shorter one gives budget back on its back edge), the code
/// after the loop (charged on the loop's exit edge: after the region's
/// exit from the loop), and the chained jump from the function's first
/// region into the loop's region. Every budget from 0 up to the whole run
/// must stop at the same instruction with the same registers on every
/// engine. Expected states come from `trace`, a model of the program
/// written from its RISC-V semantics, not from an engine.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct BudgetRegionTests {
  /// sum (t0) of 6 for each odd i < a0, by a loop whose odd path is two
  /// instructions longer:
  ///
  ///     +0  li t0, 0          region of the entry: +0…+12, then +24, +28,
  ///     +4  li t1, 0          whose back edge is a chained jump to +8
  ///     +8  andi t2, t1, 1    ┐ the loop's region (entry +8): paths of
  ///     +12 beqz t2, +24      │ 6 (odd) and 4 (even) instructions, the
  ///     +16 addi t0, t0, 5    │ entry checks 6 and the even path gives
  ///     +20 addi t0, t0, 1    │ 2 back
  ///     +24 addi t1, t1, 1    │
  ///     +28 blt t1, a0, +8    ┘
  ///     +32 mv a0, t0         after the loop: the exit edge checks 2
  ///     +36 ret
  static let ifLoop = """
    li t0, 0
    li t1, 0
    1:
    andi t2, t1, 1
    beqz t2, 2f
    addi t0, t0, 5
    addi t0, t0, 1
    2:
    addi t1, t1, 1
    blt t1, a0, 1b
    mv a0, t0
    ret
    """

  /// The state before each instruction `ifLoop` executes with a0 = count
  /// (count ≥ 1), then the state after the last.
  static func trace(count: UInt32) -> [(pc: UInt32, t0: UInt32, t1: UInt32)] {
    var out: [(pc: UInt32, t0: UInt32, t1: UInt32)] = []
    var t0: UInt32 = 0
    var t1: UInt32 = 0
    func at(_ offset: UInt32) { out.append((Harness.base + offset, t0, t1)) }
    at(0)
    t0 = 0
    at(4)
    t1 = 0
    repeat {
      at(8)
      at(12)
      if t1 & 1 == 1 {
        at(16)
        t0 &+= 5
        at(20)
        t0 &+= 1
      }
      at(24)
      t1 &+= 1
      at(28)
    } while t1 < count
    at(32)
    at(36)
    return out
  }

  @Test(arguments: Harness.setups)
  func everyBudgetStopsAtTheSameInstruction(_ setup: Setup) throws {
    let count: UInt32 = 9
    let trace = Self.trace(count: count)
    let total = UInt64(trace.count)
    let program = try Toolchain.assemble(Self.ifLoop, at: Harness.base)
    let budgets = Array(0...UInt64(45)) + [total - 3, total - 2, total - 1]
    for n in budgets {
      var config = Config()
      config.instructionBudget = n
      let vm = try setup.makeVM(config: config, handler: { _, _ in })
      try vm.loadProgram(program, at: Harness.base)
      let state = trace[Int(n)]
      #expect(
        throws: RuntimeError.instructionBudgetExhausted(pc: state.pc, executed: n), "n = \(n)"
      ) {
        _ = try vm.callFunction(at: Harness.base, arguments: [count])
      }
      if n >= 2 {
        #expect(vm.readRegister(5) == state.t0, "t0, n = \(n)")
        #expect(vm.readRegister(6) == state.t1, "t1, n = \(n)")
      }
    }
    // The whole run: exactly enough budget, and one more.
    for n in [total, total + 1] {
      var config = Config()
      config.instructionBudget = n
      let vm = try setup.makeVM(config: config, handler: { _, _ in })
      try vm.loadProgram(program, at: Harness.base)
      #expect(try vm.callFunction(at: Harness.base, arguments: [count]) == 6 * (count / 2))
    }
  }

  /// With a budget, every JIT row compiles `ifLoop`'s loop (+8…+28, both
  /// paths) as one unit of host code, checked once per pass, not per
  /// block (AArch64 compiled single blocks with a budget before its
  /// `Regions.swift`).
  @Test(arguments: Harness.jitSetups)
  func theLoopIsOneRegionWithABudget(_ setup: Setup) throws {
    var config = Config()
    config.instructionBudget = 1_000_000
    let vm = try setup.makeVM(config: config, handler: { _, _ in })
    try vm.loadProgram(try Toolchain.assemble(Self.ifLoop, at: Harness.base), at: Harness.base)
    let units = Box<[Set<UInt32>]>([])
    vm.onBlockCompiled = { units.value.append(Set($0.guestPCs)) }
    #expect(try vm.callFunction(at: Harness.base, arguments: [9]) == 24)
    let loop = Set([8, 12, 16, 20, 24, 28].map { Harness.base + UInt32($0) })
    #expect(units.value.contains { loop.isSubset(of: $0) }, "\(units.value)")
  }

  /// A region whose longest path (7 instructions to an ecall) is longer
  /// than the one taken (to another ecall after 3): a budget between the
  /// two fails the entry's check, and the interpreter runs the rest of the
  /// budget through the syscall (which a check per block never needed), to
  /// the exact stop or to the end of the run.
  @Test(arguments: Harness.setups)
  func theRestOfTheBudgetRunsThroughASyscall(_ setup: Setup) throws {
    let source = """
      li t0, 0
      beqz a0, 1f
      addi t0, t0, 1
      addi t0, t0, 1
      addi t0, t0, 1
      addi t0, t0, 1
      addi t0, t0, 1
      addi t0, t0, 1
      1:
      ecall
      addi t0, t0, 10
      addi t0, t0, 10
      mv a0, t0
      ret
      """
    let program = try Toolchain.assemble(source, at: Harness.base)
    // With a0 = 0: li, beqz, ecall, addi, addi, mv, ret.
    let pcs: [UInt32] = [0, 4, 32, 36, 40, 44, 48].map { Harness.base + $0 }
    for n: UInt64 in 0...9 {
      var config = Config()
      config.instructionBudget = n
      let calls = BudgetSyscallCounter()
      let vm = try setup.makeVM(config: config, handler: { _, _ in calls.add() })
      try vm.loadProgram(program, at: Harness.base)
      if n < 7 {
        #expect(
          throws: RuntimeError.instructionBudgetExhausted(pc: pcs[Int(n)], executed: n),
          "n = \(n)"
        ) {
          _ = try vm.callFunction(at: Harness.base, arguments: [0])
        }
        if n >= 1 { #expect(vm.readRegister(5) == (n >= 5 ? 20 : n >= 4 ? 10 : 0), "t0, n = \(n)") }
      } else {
        #expect(try vm.callFunction(at: Harness.base, arguments: [0]) == 20, "n = \(n)")
      }
      #expect(calls.value == (n >= 3 ? 1 : 0), "syscalls, n = \(n)")
    }
  }

  /// A store into the running block ends it early (its code is compiled
  /// again from the next instruction): what the check charged for the
  /// instructions it did not run is given back, so the count stays exact
  /// (before, they stayed counted, and a budget of exactly the 5
  /// instructions stopped the JIT rows at the nop).
  @Test(arguments: Harness.setups)
  func aStoreIntoTheRunningBlockKeepsTheCountExact(_ setup: Setup) throws {
    // sw overwrites `li a0, 1` (two after it) with a1 = `li a0, 5`.
    let source = """
      auipc t0, 0
      sw a1, 12(t0)
      nop
      li a0, 1
      ret
      """
    let program = try Toolchain.assemble(source, at: Harness.base)
    let li5 = SelfModifyingCodeTests.liA0(5)
    for n: UInt64 in 0...6 {
      var config = Config()
      config.instructionBudget = n
      let vm = try setup.makeVM(config: config, handler: { _, _ in })
      try vm.loadProgram(program, at: Harness.base)
      if n < 5 {
        let pc = Harness.base + 4 * UInt32(n)
        #expect(throws: RuntimeError.instructionBudgetExhausted(pc: pc, executed: n), "n = \(n)") {
          _ = try vm.callFunction(at: Harness.base, arguments: [0, li5])
        }
      } else {
        #expect(try vm.callFunction(at: Harness.base, arguments: [0, li5]) == 5, "n = \(n)")
      }
    }
  }
}

extension BudgetRegionTests {
  /// A store the interpreter runs for the JIT, in the tail of a budget the
  /// generated code could not cover, into code the JIT has compiled: the
  /// compiled code is dropped as after the JIT's own stores. Before, the
  /// interpreter's store path ignored that it wrote compiled code, and the
  /// next run of the patched function ran the old code (returned 1).
  @Test(arguments: Harness.setups)
  func aStoreInTheInterpretedTailDropsCompiledCode(_ setup: Setup) throws {
    // f at +0 (2 instructions) returns 1; s at +8 stores a1 at a2, then
    // runs two nops: 4 instructions, more than the budget of 2, so a JIT
    // leaves at s's start and the interpreter runs the store and a nop.
    let source = """
      li a0, 1
      ret
      sw a1, 0(a2)
      nop
      nop
      ret
      """
    let program = try Toolchain.assemble(source, at: Harness.base)
    var config = Config()
    config.instructionBudget = 2
    let vm = try setup.makeVM(config: config, handler: { _, _ in })
    try vm.loadProgram(program, at: Harness.base)
    #expect(try vm.callFunction(at: Harness.base) == 1)
    let patch = SelfModifyingCodeTests.liA0(5)
    #expect(throws: RuntimeError.instructionBudgetExhausted(pc: Harness.base + 16, executed: 2)) {
      _ = try vm.callFunction(at: Harness.base + 8, arguments: [0, patch, Harness.base])
    }
    #expect(try vm.callFunction(at: Harness.base) == 5)
  }
}

/// Counts syscalls from a handler.
final class BudgetSyscallCounter: @unchecked Sendable {
  // @unchecked: the handler runs on the thread that runs the VM, the test's.
  private(set) var value = 0
  func add() { value += 1 }
}
