import KilnTestSupport
import Runtime
import Testing

/// The budget left while generated code runs (x86-64: counted down in
/// its state word; AArch64: x15, taken from RV32 s10, which then lives in
/// the register file): it must be current in the state block around every
/// host call, so that a nested run started by a syscall handler counts
/// against the same budget, and guest registers displaced by it must keep
/// their values. Expected states come from the programs' RISC-V
/// semantics, not from an engine.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct BudgetRegisterTests {
  /// An endless loop over six registers that are not pinned on x86-64
  /// (more than the three cache registers left with a budget), among them
  /// s10 and s11, which AArch64 does not pin with a budget: register i
  /// (0…5) grows by i + 1 per pass.
  static let manyRegisters = """
    1:
    addi s10, s10, 1
    addi t3, t3, 2
    addi t4, t4, 3
    addi t5, t5, 4
    addi t6, t6, 5
    addi s11, s11, 6
    j 1b
    """
  static let manyRegisterNumbers = [26, 28, 29, 30, 31, 27]

  @Test(arguments: Harness.setups, [false, true])
  func manyRegistersStopExactly(_ setup: Setup, interruptible: Bool) throws {
    for n: UInt64 in [0, 1, 6, 7, 8, 13, 700, 7_005] {
      var config = Config()
      config.instructionBudget = n
      config.interruptible = interruptible
      let vm = try Harness.vm(setup, Self.manyRegisters, config: config)
      let passes = UInt32(n / 7)
      let into = UInt32(n % 7)
      #expect(
        throws: RuntimeError.instructionBudgetExhausted(
          pc: Harness.base + 4 * into, executed: n), "n = \(n)"
      ) {
        _ = try vm.callFunction(at: Harness.base)
      }
      for (i, r) in Self.manyRegisterNumbers.enumerated() {
        let done = passes + (into > UInt32(i) ? 1 : 0)
        #expect(vm.readRegister(r) == done * UInt32(i + 1), "x\(r), n = \(n)")
      }
    }
  }

  /// A loop whose every pass makes a syscall whose handler runs a guest
  /// function of two instructions: the nested runs use the same budget,
  /// so every budget stops at the instruction of the combined trace.
  @Test(arguments: Harness.setups)
  func nestedRunsCountAgainstTheSameBudget(_ setup: Setup) throws {
    let outer = try Toolchain.assemble(
      """
      li t1, 0
      1:
      ecall
      addi t1, t1, 1
      blt t1, a0, 1b
      mv a0, t1
      ret
      """, at: 0x1000)
    let inner = try Toolchain.assemble("addi t2, t2, 1\nret", at: 0x1100)
    let count: UInt32 = 3
    // The instructions in the order they run (the inner `ret` returns to
    // the handler, which returns to the instruction after the ecall).
    var trace: [UInt32] = [0x1000]
    for _ in 0..<count { trace += [0x1004, 0x1100, 0x1104, 0x1008, 0x100C] }
    trace += [0x1010, 0x1014]
    for n in 0...UInt64(trace.count) {
      var config = Config()
      config.instructionBudget = n
      let vm = try setup.makeVM(config: config) { (vm, _) throws(RuntimeError) in
        _ = try vm.callFunction(at: 0x1100)
      }
      try vm.loadProgram(outer, at: 0x1000)
      try vm.loadProgram(inner, at: 0x1100)
      if n < UInt64(trace.count) {
        #expect(
          throws: RuntimeError.instructionBudgetExhausted(pc: trace[Int(n)], executed: n),
          "n = \(n)"
        ) {
          _ = try vm.callFunction(at: 0x1000, arguments: [count])
        }
      } else {
        #expect(try vm.callFunction(at: 0x1000, arguments: [count]) == count, "n = \(n)")
      }
    }
  }

  /// A branch over one move, which the x86-64 JIT compiles as a `cmov`
  /// (`lowerSelect`) and, with a budget, a second `cmov` that charges the
  /// move on its path only (before, a budget turned the select off):
  /// t1 = the last odd i < a0.
  ///
  ///     +0  li t0, 0
  ///     +4  li t1, 0
  ///     +8  andi t2, t0, 1     loop head
  ///     +12 beqz t2, +20       even: skip the move
  ///     +16 mv t1, t0
  ///     +20 addi t0, t0, 1
  ///     +24 blt t0, a0, +8
  ///     +28 mv a0, t1
  ///     +32 ret
  static let select = """
    li t0, 0
    li t1, 0
    1:
    andi t2, t0, 1
    beqz t2, 2f
    mv t1, t0
    2:
    addi t0, t0, 1
    blt t0, a0, 1b
    mv a0, t1
    ret
    """

  /// The state (pc, t0, t1) before each instruction `select` executes with
  /// a0 = count, from its RISC-V semantics.
  static func selectTrace(count: UInt32) -> [(pc: UInt32, t0: UInt32, t1: UInt32)] {
    var out: [(pc: UInt32, t0: UInt32, t1: UInt32)] = []
    var t0: UInt32 = 0
    var t1: UInt32 = 0
    func at(_ offset: UInt32) { out.append((Harness.base + offset, t0, t1)) }
    at(0)
    at(4)
    repeat {
      at(8)
      at(12)
      if t0 & 1 == 1 {
        at(16)
        t1 = t0
      }
      at(20)
      t0 &+= 1
      at(24)
    } while t0 < count
    at(28)
    at(32)
    return out
  }

  @Test(arguments: Harness.setups)
  func aSelectChargesTheMoveOnItsPathOnly(_ setup: Setup) throws {
    let count: UInt32 = 9
    let trace = Self.selectTrace(count: count)
    for n in 0...UInt64(trace.count) {
      var config = Config()
      config.instructionBudget = n
      let vm = try Harness.vm(setup, Self.select, config: config)
      if n < UInt64(trace.count) {
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
      } else {
        #expect(try vm.callFunction(at: Harness.base, arguments: [count]) == 7, "n = \(n)")
      }
    }
  }

  /// A select whose move's block is the move and a jump back to the join
  /// (two instructions: the charge on the move's path is 2, `imul` by
  /// the charge in `emitSelectCharge`): t1 = the last odd i < a0.
  ///
  ///     +0  li t0, 0
  ///     +4  li t1, 0
  ///     +8  andi t2, t0, 1     loop head
  ///     +12 bnez t2, +36       odd: the move
  ///     +16 addi t0, t0, 1     join
  ///     +20 blt t0, a0, +8
  ///     +24 mv a0, t1
  ///     +28 ret
  ///     +32 nop
  ///     +36 mv t1, t0
  ///     +40 j +16
  static let selectByJump = """
    li t0, 0
    li t1, 0
    1:
    andi t2, t0, 1
    bnez t2, 3f
    2:
    addi t0, t0, 1
    blt t0, a0, 1b
    mv a0, t1
    ret
    nop
    3:
    mv t1, t0
    j 2b
    """

  /// The state (pc, t0, t1) before each instruction `selectByJump`
  /// executes with a0 = count, from its RISC-V semantics.
  static func selectByJumpTrace(count: UInt32) -> [(pc: UInt32, t0: UInt32, t1: UInt32)] {
    var out: [(pc: UInt32, t0: UInt32, t1: UInt32)] = []
    var t0: UInt32 = 0
    var t1: UInt32 = 0
    func at(_ offset: UInt32) { out.append((Harness.base + offset, t0, t1)) }
    at(0)
    at(4)
    repeat {
      at(8)
      at(12)
      if t0 & 1 == 1 {
        at(36)
        t1 = t0
        at(40)
      }
      at(16)
      t0 &+= 1
      at(20)
    } while t0 < count
    at(24)
    at(28)
    return out
  }

  @Test(arguments: Harness.setups)
  func aSelectThroughAJumpChargesTwo(_ setup: Setup) throws {
    let count: UInt32 = 9
    let trace = Self.selectByJumpTrace(count: count)
    for n in 0...UInt64(trace.count) {
      var config = Config()
      config.instructionBudget = n
      let vm = try Harness.vm(setup, Self.selectByJump, config: config)
      if n < UInt64(trace.count) {
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
      } else {
        #expect(try vm.callFunction(at: Harness.base, arguments: [count]) == 7, "n = \(n)")
      }
    }
  }
}
