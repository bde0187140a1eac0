/// Counters of the JIT, for `kiln run --stats`.
public struct Statistics: Sendable, Equatable {
  public var blocksCompiled = 0
  public var guestInstructionsTranslated = 0
  public var hostBytesEmitted = 0
  public var compileNanoseconds: UInt64 = 0
  /// The part of `compileNanoseconds` spent translating and in the port's
  /// `compile` (no installing, so no W^X flips or instruction-cache work:
  /// plain Swift, the same natively and when the code runs in an emulator).
  public var codeGenerationNanoseconds: UInt64 = 0
  public var cacheFlushes = 0
  public var chainedJumps = 0
  public var dispatcherExits = 0
  /// Runs of blocks in the interpreter before they were compiled
  /// (`Config.compileThreshold`), and the guest instructions they executed.
  public var blocksInterpreted = 0
  public var guestInstructionsInterpreted = 0
  /// Host instructions executed by generated code, where the executor
  /// counts them (Unicorn); nil natively.
  public var hostInstructionsExecuted: UInt64?
  /// Guest instructions executed, where the engine counts them (the
  /// interpreter); nil for the JIT.
  public var guestInstructionsExecuted: UInt64?
  public init() {}
}

/// What `onBlockCompiled` reports for `-v` dumps and perf maps: one
/// compiled region (one block on ports without regions), entered at `startPC`.
public struct CompiledBlockInfo: Sendable {
  public var startPC: UInt32
  /// The guest instructions of all the region's blocks, block by block.
  public var guestWords: [UInt32]
  public var hostAddress: UInt
  public var hostCode: [UInt8]
  /// The guest address of each of `guestWords`.
  public var guestPCs: [UInt32]
}
