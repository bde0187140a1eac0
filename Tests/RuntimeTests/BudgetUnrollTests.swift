import KilnTestSupport
import Runtime
import Testing

/// The budget in unrolled loops (`BudgetPlan.copies`): a small loop
/// through a region's entry is laid out several times with one check that
/// charges all the copies' passes; an edge that leaves the loop from copy
/// `c` gives back the passes charged ahead. Every budget must stop at the
/// same instruction, with the same registers, memory and count, as the
/// interpreter, which counts one instruction at a time (the oracle: the
/// interpreter row of the same memory mode, run with the same budget).
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct BudgetUnrollTests {
  static let data: UInt32 = 0x8000

  /// A scan loop (`while (a[i] < a2) i++`, 4 instructions, one block)
  /// started at every element of an array in turn, so that it leaves from
  /// every copy; after each scan, a store and an outer back edge. With
  /// a0 = starts.
  static let scan = """
    li t0, 0
    li t2, 0
    1:
    mv a3, a1
    2:
    lw t1, 0(a3)
    addi a3, a3, 4
    addi t0, t0, 1
    blt t1, a2, 2b
    sw t0, 0(a4)
    addi t2, t2, 1
    addi a1, a1, 4
    bne t2, a0, 1b
    mv a0, t0
    ret
    """

  /// A loop of two paths (a select: `max` of the elements, and an odd
  /// path two instructions longer) with two exits: the end of the array,
  /// or an element equal to a2. With a0 = count.
  static let twoPaths = """
    li t0, 0
    li t3, 0
    1:
    lw t1, 0(a1)
    beq t1, a2, 3f
    bge t3, t1, 2f
    mv t3, t1
    2:
    andi t4, t1, 1
    beqz t4, 4f
    addi t0, t0, 7
    xori t0, t0, 3
    4:
    addi a1, a1, 4
    addi a0, a0, -1
    bnez a0, 1b
    3:
    sw t3, 0(a4)
    mv a0, t0
    ret
    """

  /// The array: mostly small values, a large one (≥ 1000) every 11
  /// elements and at some others, so scans stop after 0 to 10 passes.
  static let values: [UInt32] = (0..<256).map { (i: Int) -> UInt32 in
    let large: Bool = i % 11 == 10 || i % 37 == 5
    return large ? 1000 + UInt32(i) : UInt32(i * 7 % 50)
  }

  static func load(_ vm: VirtualMachine) throws {
    var bytes: [UInt8] = []
    for v in values { bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), 0, 0] }
    try vm.writeMemory(at: data, bytes)
  }

  /// What a run leaves: its result or error, every register, the data.
  struct Outcome: Equatable, CustomStringConvertible {
    var result: String
    var registers: [UInt32]
    var memory: [UInt8]
    var description: String { "\(result) \(registers)" }
  }

  static func run(
    _ setup: Setup, _ source: String, _ arguments: [UInt32], budget: UInt64
  ) throws -> Outcome {
    var config = Config()
    config.instructionBudget = budget
    let vm = try Harness.vm(setup, source, config: config)
    try load(vm)
    let result: String
    do {
      result = "returned \(try vm.callFunction(at: Harness.base, arguments: arguments))"
    } catch {
      result = "\(error)"
    }
    return Outcome(
      result: result, registers: (0..<32).map { vm.readRegister($0) },
      memory: try vm.readMemory(at: data, count: values.count * 4 + 16))
  }

  /// Budgets: every one up to 24 (inside the first checks), 16 spread
  /// over the whole run (`total`, found by running the interpreter), and
  /// the last few.
  static func budgets(total: UInt64) -> [UInt64] {
    Array(0...24) + (1...16).map { total * $0 / 17 + $0 } + (total - 2...total + 1).map { $0 }
  }

  static func compare(
    _ setup: Setup, _ source: String, _ arguments: [UInt32], total: UInt64
  ) throws {
    let oracle = Setup(engine: .interpreter, memory: setup.memory, host: nil)
    for n in budgets(total: total) {
      let expected = try run(oracle, source, arguments, budget: n)
      let got = try run(setup, source, arguments, budget: n)
      #expect(got == expected, "budget \(n)")
    }
  }

  /// The whole run's count, from the interpreter: the smallest budget
  /// that lets it return.
  static func total(_ setup: Setup, _ source: String, _ arguments: [UInt32]) throws -> UInt64 {
    let oracle = Setup(engine: .interpreter, memory: setup.memory, host: nil)
    var config = Config()
    config.instructionBudget = 0
    var (low, high): (UInt64, UInt64) = (0, 1 << 20)
    while low < high {
      let mid = (low + high) / 2
      config.instructionBudget = mid
      let vm = try Harness.vm(oracle, source, config: config)
      try load(vm)
      if (try? vm.callFunction(at: Harness.base, arguments: arguments)) != nil {
        high = mid
      } else {
        low = mid + 1
      }
    }
    return low
  }

  @Test(arguments: Harness.jitSetups)
  func aScanLeavingFromEveryCopyStopsAsTheInterpreterDoes(_ setup: Setup) throws {
    let arguments: [UInt32] = [15, Self.data, 1000, 0, Self.data + 0x400 + 8]
    let total = try Self.total(setup, Self.scan, arguments)
    #expect(total > 250)
    try Self.compare(setup, Self.scan, arguments, total: total)
  }

  @Test(arguments: Harness.jitSetups)
  func aLoopWithTwoPathsAndTwoExitsStopsAsTheInterpreterDoes(_ setup: Setup) throws {
    // The end of the array (a2 never found), then an early exit.
    for arguments: [UInt32] in [
      [30, Self.data, 2000, 0, Self.data + 0x400 + 8],
      [60, Self.data, 1000 + 43, 0, Self.data + 0x400 + 8],
    ] {
      let total = try Self.total(setup, Self.twoPaths, arguments)
      #expect(total > 200)
      try Self.compare(setup, Self.twoPaths, arguments, total: total)
    }
  }

  /// A store into the code's own page in every pass (the code is dropped
  /// and the block ends there: the copy gives back what it charged for the
  /// rest of the block and the passes ahead).
  static let storeIntoCode = """
    li t0, 0
    auipc a3, 0
    addi a3, a3, 64
    1:
    addi t0, t0, 1
    sw t0, 0(a3)
    addi a0, a0, -1
    bnez a0, 1b
    mv a0, t0
    ret
    """

  @Test(arguments: Harness.jitSetups)
  func aStoreIntoCodeInAnUnrolledLoopKeepsTheCountExact(_ setup: Setup) throws {
    let arguments: [UInt32] = [30]
    let total = try Self.total(setup, Self.storeIntoCode, arguments)
    #expect(total == 3 + 4 * 30 + 2)
    try Self.compare(setup, Self.storeIntoCode, arguments, total: total)
  }
}
