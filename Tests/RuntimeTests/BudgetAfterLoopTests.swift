import KilnTestSupport
import Runtime
import Testing

/// The budget of the code after a region's loop (`BudgetPlan`: the blocks
/// not on the loop through the entry). Their check is not at their own
/// entries but on the edges that leave the loop: an edge from the loop
/// charges the longest path through the code after it, less what it gives
/// back for the loop (often nothing to check: the passes an unrolled loop
/// charged ahead cover it), and the shorter paths after the loop give back
/// on their edges. The code after the loop has two paths of different
/// lengths and a select (`mv` over a branch). Every budget must stop at
/// the same instruction, with the same registers, memory and count, as the
/// interpreter, which counts one instruction at a time (the oracle:
/// `BudgetUnrollTests.compare`, the interpreter row of the same memory
/// mode with the same budget).
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct BudgetAfterLoopTests {
  /// A scan loop (`while (a[i] < a2) i++`, one block, unrolled) started at
  /// every element in turn, so that it leaves from every copy; after it an
  /// odd path 2 instructions longer, a select `t0 = min(t0, a3)`, a store
  /// and the outer back edge (out of the region). With a0 = starts.
  static let scanThenTail = """
    li t0, 0
    li t5, 0
    1:
    mv a5, a1
    2:
    lw t1, 0(a5)
    addi a5, a5, 4
    addi t0, t0, 1
    blt t1, a2, 2b
    andi t2, t1, 1
    beqz t2, 3f
    addi t0, t0, 3
    xori t0, t0, 5
    3:
    bltu t0, a3, 4f
    mv t0, a3
    4:
    sw t0, 0(a4)
    addi t5, t5, 1
    addi a1, a1, 4
    bne t5, a0, 1b
    mv a0, t0
    ret
    """

  /// A counted loop (`CountedLoop`: 5 passes charged at once, or checked
  /// every pass when the budget left does not cover them) with the same
  /// code after it.
  static let countedThenTail = """
    li t0, 0
    li t5, 0
    1:
    li a5, 5
    mv a6, a1
    2:
    lw t1, 0(a6)
    addi a6, a6, 4
    add t0, t0, t1
    addi a5, a5, -1
    bnez a5, 2b
    andi t2, t1, 1
    beqz t2, 3f
    addi t0, t0, 3
    xori t0, t0, 5
    3:
    bltu t0, a3, 4f
    mv t0, a3
    4:
    sw t0, 0(a4)
    addi t5, t5, 1
    addi a1, a1, 4
    bne t5, a0, 1b
    mv a0, t0
    ret
    """

  static let store = BudgetUnrollTests.data + 0x400 + 8

  @Test(arguments: Harness.jitSetups)
  func aScanThenTwoPathsAndASelectStopsAsTheInterpreterDoes(_ setup: Setup) throws {
    let arguments: [UInt32] = [15, BudgetUnrollTests.data, 1000, 60, Self.store]
    let total = try BudgetUnrollTests.total(setup, Self.scanThenTail, arguments)
    #expect(total > 250)
    try BudgetUnrollTests.compare(setup, Self.scanThenTail, arguments, total: total)
  }

  @Test(arguments: Harness.jitSetups)
  func aCountedLoopThenTwoPathsAndASelectStopsAsTheInterpreterDoes(_ setup: Setup) throws {
    let arguments: [UInt32] = [12, BudgetUnrollTests.data, 0, 900, Self.store]
    let total = try BudgetUnrollTests.total(setup, Self.countedThenTail, arguments)
    #expect(total > 250)
    try BudgetUnrollTests.compare(setup, Self.countedThenTail, arguments, total: total)
  }
}
