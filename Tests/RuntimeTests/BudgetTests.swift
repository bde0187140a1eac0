import Foundation
import Runtime
import KilnTestSupport
import Testing

/// The instruction budget (`Config.instructionBudget`) and the interrupt
/// (`VirtualMachine.interrupter`), issue 12 section 2: every engine row
/// stops at the same guest instruction, with the same registers and the
/// same count. Before, the JIT had no budget at all (an infinite loop ran
/// until the process was killed). Expected values are worked out from the
/// RISC-V semantics of the programs, not taken from an engine.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct BudgetTests {
  /// An infinite loop of two instructions: after n instructions,
  /// a0 = ⌈n/2⌉ and the next pc is base + 4·(n mod 2).
  static let spin = "1:\naddi a0, a0, 1\nj 1b\nret"

  static func vm(_ setup: Setup, _ source: String, budget: UInt64?, interruptible: Bool = false)
    throws -> VirtualMachine
  {
    var config = Config()
    config.instructionBudget = budget
    config.interruptible = interruptible
    return try Harness.vm(setup, source, config: config)
  }

  @Test(arguments: Harness.setups)
  func infiniteLoopStopsExactly(_ setup: Setup) throws {
    for n: UInt64 in [0, 1, 2, 3, 64, 65, 1000, 100_001] {
      let vm = try Self.vm(setup, Self.spin, budget: n)
      let pc = Harness.base + 4 * UInt32(n % 2)
      #expect(throws: RuntimeError.instructionBudgetExhausted(pc: pc, executed: n), "n = \(n)") {
        _ = try vm.callFunction(at: Harness.base, arguments: [0])
      }
      #expect(vm.readRegister(10) == UInt32((n + 1) / 2), "n = \(n)")
    }
  }

  /// A counted loop of four instructions with a store, after `li t0, 0`;
  /// then `mv a0, t0; ret`. With a1 = count it executes 1 + 4·count + 2.
  static let countedLoop = """
    li t0, 0
    1:
    addi t0, t0, 3
    sw t0, 0(a1)
    addi a0, a0, -1
    bnez a0, 1b
    mv a0, t0
    ret
    """
  static let buffer: UInt32 = 0x8000

  @Test(arguments: Harness.setups)
  func longLoopStopsAtTheSameInstructionEverywhere(_ setup: Setup) throws {
    let count: UInt32 = 5000
    let total = UInt64(1 + 4 * count + 2)
    // Exactly enough: the run ends normally.
    let ok = try Self.vm(setup, Self.countedLoop, budget: total)
    #expect(try ok.callFunction(at: Harness.base, arguments: [count, Self.buffer]) == 3 * count)
    // One short: it stops before `ret` (base + 24), after `mv a0, t0`.
    let short = try Self.vm(setup, Self.countedLoop, budget: total - 1)
    #expect(
      throws: RuntimeError.instructionBudgetExhausted(pc: Harness.base + 24, executed: total - 1)
    ) {
      _ = try short.callFunction(at: Harness.base, arguments: [count, Self.buffer])
    }
    #expect(short.readRegister(10) == 3 * count)
    // Inside the loop: after 1 + 4k + j instructions, k iterations are
    // done and j instructions (0…3) of the next one.
    for executed: UInt64 in [1, 2, 3, 4, 5, 6, 7, 8, 4001, 4002, 12_347] {
      let vm = try Self.vm(setup, Self.countedLoop, budget: executed)
      let k = UInt32((executed - 1) / 4)
      let j = UInt32((executed - 1) % 4)
      #expect(
        throws: RuntimeError.instructionBudgetExhausted(
          pc: Harness.base + 4 + 4 * j, executed: executed)
      ) {
        _ = try vm.callFunction(at: Harness.base, arguments: [count, Self.buffer])
      }
      let t0 = 3 * (k + (j >= 1 ? 1 : 0))
      #expect(vm.readRegister(5) == t0, "executed \(executed)")
      #expect(vm.readRegister(10) == count - k - (j >= 3 ? 1 : 0), "executed \(executed)")
      let stored = try vm.readMemory(at: Self.buffer, count: 4)
      let expectedStore = 3 * (k + (j >= 2 ? 1 : 0))
      #expect(
        UInt32(stored[0]) | UInt32(stored[1]) << 8 | UInt32(stored[2]) << 16
          | UInt32(stored[3]) << 24 == expectedStore, "executed \(executed)")
    }
  }

  /// Each outermost run starts with the whole budget again.
  @Test(arguments: Harness.setups)
  func everyRunHasTheWholeBudget(_ setup: Setup) throws {
    let vm = try Self.vm(setup, Self.countedLoop, budget: 100)
    for _ in 0..<3 {
      #expect(try vm.callFunction(at: Harness.base, arguments: [10, Self.buffer]) == 30)
    }
  }

  /// Another thread stops an infinite loop; the run reports where.
  @Test(arguments: Harness.setups)
  func interruptStopsARunFromAnotherThread(_ setup: Setup) throws {
    let vm = try Self.vm(setup, Self.spin, budget: nil, interruptible: true)
    let interrupter = try #require(vm.interrupter)
    let thread = Thread {
      usleep(20_000)
      interrupter.interrupt()
    }
    thread.start()
    var caught: RuntimeError?
    do { _ = try vm.callFunction(at: Harness.base, arguments: [0]) } catch { caught = error }
    guard case .interrupted(let pc, let executed) = caught else {
      Issue.record("expected an interrupt, got \(String(describing: caught))")
      return
    }
    // Stopped at an instruction of the loop, consistent with the count.
    #expect(pc == Harness.base + 4 * UInt32(executed % 2))
    #expect(vm.readRegister(10) == UInt32(truncatingIfNeeded: (executed + 1) / 2))
    // The request is consumed: the next run goes to its end.
    #expect(try vm.callFunction(at: Harness.base + 8, arguments: [5]) == 5)
  }

  /// A request made before a run stops it at its first instruction.
  @Test(arguments: Harness.setups)
  func interruptBeforeTheRunStopsItAtTheStart(_ setup: Setup) throws {
    let vm = try Self.vm(setup, Self.spin, budget: 1000, interruptible: true)
    vm.interrupter?.interrupt()
    #expect(throws: RuntimeError.interrupted(pc: Harness.base, executed: 0)) {
      _ = try vm.callFunction(at: Harness.base, arguments: [0])
    }
    #expect(throws: RuntimeError.instructionBudgetExhausted(pc: Harness.base, executed: 1000)) {
      _ = try vm.callFunction(at: Harness.base, arguments: [0])
    }
  }

  /// Without a budget or interrupts the JIT emits no check; with one, it does.
  @Test(arguments: Harness.jitSetups)
  func checksAreCompiledOnlyWhenAsked(_ setup: Setup) throws {
    var sizes: [Int] = []
    for budget: UInt64? in [nil, 1000] {
      let vm = try Self.vm(setup, Self.countedLoop, budget: budget)
      _ = try vm.callFunction(at: Harness.base, arguments: [10, Self.buffer])
      sizes.append(vm.statistics.hostBytesEmitted)
    }
    #expect(sizes[1] > sizes[0])
    #expect(try Self.vm(setup, Self.spin, budget: nil).interrupter == nil)
  }
}
