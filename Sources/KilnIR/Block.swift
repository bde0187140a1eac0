/// Why guest execution cannot go on: raised only when the faulting
/// instruction is actually executed.
public enum GuestFault: Sendable, Equatable {
  case illegalInstruction(pc: UInt32, word: UInt32)
  case fetchOutsideMemory(pc: UInt32)
  case misalignedJump(pc: UInt32, target: UInt32)
}

/// Where control goes: a guest address, or a fault raised instead of jumping.
public enum Target: Sendable, Equatable {
  case pc(UInt32)
  case fault(GuestFault)
}

/// How a block ends.
public enum Terminator: Sendable, Equatable {
  case jump(Target)
  /// Goes to `taken` if the ``Condition`` holds for the two values (32-bit).
  case branch(Condition, Value, Value, taken: Target, notTaken: Target)
  /// Jump to `(base + offset) & ~1` after writing `returnAddress` to `link`
  /// (if any). A target that is not 4-byte aligned raises `misalignedJump`.
  case jumpIndirect(
    base: Value, offset: Int32, link: GuestRegister?, returnAddress: UInt32, pc: UInt32)
  /// Calls the VM's syscall handler, then continues at `next`.
  case syscall(pc: UInt32, next: UInt32)
  /// A breakpoint: continues at `next`, or stops if the VM says so.
  case breakpoint(pc: UInt32, next: UInt32)
  /// Returns to the dispatcher, which resumes at `next` with up-to-date code (FENCE.I).
  case synchronize(next: UInt32)
  case fault(GuestFault)
}

/// A translated guest block: straight-line operations and one terminator.
public struct Block: Sendable, Equatable {
  public var startPC: UInt32
  public var operations: [Operation]
  public var terminator: Terminator
  /// How many guest instructions the block covers.
  public var guestInstructionCount: Int
  /// One past the last guest byte the block was translated from.
  public var endPC: UInt32

  /// The instruction budget a block needs to run to its end
  /// (``BudgetLayout``): its guest instructions, and at least 1, since a
  /// block that faults at its first address must not run on an empty
  /// budget (an interpreter would stop for the budget before the fault).
  public var budgetCost: Int { max(1, guestInstructionCount) }

  public init(
    startPC: UInt32, operations: [Operation], terminator: Terminator,
    guestInstructionCount: Int, endPC: UInt32
  ) {
    self.startPC = startPC
    self.operations = operations
    self.terminator = terminator
    self.guestInstructionCount = guestInstructionCount
    self.endPC = endPC
  }
}
