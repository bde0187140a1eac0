import KilnTestSupport
import Runtime
import Testing

/// The budget left kept in a host register while generated code runs
/// (x86-64: r14, taken from the region's cache registers; AArch64: x15,
/// taken from RV32 s10, which then lives in the register file): it must be
/// stored back and reloaded around every host call, so that a nested run
/// started by a syscall handler counts against the same budget, and the
/// guest registers displaced by it must keep their values. Expected states
/// come from the programs' RISC-V semantics, not from an engine.
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
}
