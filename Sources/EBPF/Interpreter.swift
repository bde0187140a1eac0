/// The reference interpreter: the portable engine and the JITs' oracle.
///
/// ```swift
/// let vm = try Interpreter(program: Program(assembly: "mov %r0, 1\nexit"))
/// let r0 = try vm.run()
/// ```
///
/// Construction runs the ``Checker``, so a program that does not pass it
/// never runs. Memory follows the model in `Memory.swift`: pointer registers
/// hold host addresses; every access is bounds-checked against the stack, the
/// context and the ``MemoryMap`` unless ``ExecutionOptions/boundsChecks`` is
/// off. Atomics are read-modify-write sequences: the interpreter is single
/// threaded, so they are atomic with respect to the program itself (not to
/// other host threads sharing a region).
///
/// After a helper call `r1`–`r5` keep their values here; programs must not
/// rely on that (RFC 9669 §4.3.1: they are caller-saved), and a JIT may
/// clobber them.
public struct Interpreter: ExecutionEngine, Sendable {
  public let program: Program
  public let helpers: HelperTable
  public var options: ExecutionOptions
  /// Extra regions the program may access (see ``MemoryMap``).
  public var memoryMap: MemoryMap
  /// `program` in the form the loop runs (`InterpreterLoop.swift`).
  let decoded: DecodedProgram
  /// The budget's cost of the run starting at each slot (``BudgetBlocks``).
  let budgetCosts: [UInt32]
  /// A cost of 1 per slot: the budget's last, partial run (`InterpreterBudget.swift`).
  let unitCosts: [UInt32]

  public init(
    program: Program, helpers: HelperTable = HelperTable(),
    options: ExecutionOptions = ExecutionOptions(), memoryMap: MemoryMap = MemoryMap(),
    maxProgramInstructions: Int = Checker.defaultMaxProgramInstructions
  ) throws(EBPFError) {
    try options.validate()
    try Checker(helpers: helpers, maxProgramInstructions: maxProgramInstructions).check(program)
    self.program = program
    self.decoded = DecodedProgram(program)
    self.budgetCosts = BudgetBlocks.costs(program).map { UInt32(truncatingIfNeeded: $0) }
    self.unitCosts = [UInt32](repeating: 1, count: program.instructions.count)
    self.helpers = helpers
    self.options = options
    self.memoryMap = memoryMap
  }

  /// Checks and runs `program` once: `r0` at `exit`.
  public static func run(
    _ program: Program, memory: inout [UInt8], helpers: HelperTable = HelperTable(),
    options: ExecutionOptions = ExecutionOptions(), memoryMap: MemoryMap = MemoryMap()
  ) throws(EBPFError) -> UInt64 {
    try Interpreter(program: program, helpers: helpers, options: options, memoryMap: memoryMap)
      .run(memory: &memory)
  }

  /// Runs with `context` as the program's memory, or with `r1 = r2 = 0` when `nil`.
  public func run(context: UnsafeMutableRawBufferPointer?) throws(EBPFError) -> UInt64 {
    var budget = options.instructionBudget ?? 0
    return try run(context: context, budget: &budget)
  }

  /// Runs like ``run(context:)`` and also counts the instructions executed
  /// (`lddw` counts once): the count rides on the budget path, so the
  /// uncounted ``run(context:)`` pays nothing for it. An
  /// ``ExecutionOptions/instructionBudget`` still applies.
  public func countingRun(context: UnsafeMutableRawBufferPointer?) throws(EBPFError)
    -> (r0: UInt64, executed: UInt64)
  {
    var counting = self
    let limit = options.instructionBudget ?? UInt64.max
    counting.options.instructionBudget = limit
    var budget = limit
    let r0 = try counting.run(context: context, budget: &budget)
    return (r0, limit - budget)
  }

  private func run(context: UnsafeMutableRawBufferPointer?, budget: inout UInt64)
    throws(EBPFError) -> UInt64
  {
    try options.validate()  // `options` is mutable after init
    let frameSize = ExecutionOptions.stackFrameSize
    let stackSize = frameSize * options.maxCallDepth
    let stack = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
    stack.initializeMemory(as: UInt8.self, repeating: 0, count: stackSize)
    // r0…r10 and the loop's zero register (`DecodedProgram.registerCount`).
    let regs = UnsafeMutablePointer<UInt64>.allocate(capacity: DecodedProgram.registerCount)
    regs.initialize(repeating: 0, count: DecodedProgram.registerCount)
    defer {
      stack.deallocate()
      regs.deallocate()
    }

    let stackBase = UInt64(UInt(bitPattern: stack))
    var contextRegion = MemoryRegion(base: 0, length: 0, writable: true)
    if let context, context.baseAddress != nil {
      contextRegion = MemoryRegion(UnsafeRawBufferPointer(context), writable: true)
    }
    var state = State(
      regs: regs,
      stack: MemoryRegion(base: stackBase, length: UInt64(stackSize), writable: true),
      context: contextRegion, map: memoryMap, checked: options.boundsChecks)
    regs[1] = contextRegion.base
    regs[2] = contextRegion.length
    regs[10] = stackBase + UInt64(stackSize)
    return try execute(&state, budget: &budget)
  }

  /// Registers and the regions of one run.
  struct State {
    let regs: UnsafeMutablePointer<UInt64>
    let stack: MemoryRegion
    let context: MemoryRegion
    let map: MemoryMap
    let checked: Bool

    /// The host pointer for an access, after the bounds check.
    @inline(__always)
    func pointer(_ address: UInt64, _ size: Int, write: Bool, index: Int) throws(EBPFError)
      -> UnsafeMutableRawPointer
    {
      if checked {
        let n = UInt64(size)
        guard
          stack.contains(address, size: n) || context.contains(address, size: n)
            || map.allows(address, size: n, write: write)
        else {
          throw .outOfBounds(index: index, address: address, size: size, isWrite: write)
        }
      }
      guard address <= UInt64(UInt.max),
        let p = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: address))
      else {
        throw .outOfBounds(index: index, address: address, size: size, isWrite: write)
      }
      return p
    }
  }

  @inline(__always)
  func callHelper(_ id: UInt64, _ regs: UnsafeMutablePointer<UInt64>, index: Int)
    throws(EBPFError) -> UInt64
  {
    guard let f = helpers.function(for: id) else { throw .unknownHelper(index: index, id: id) }
    return f(regs[1], regs[2], regs[3], regs[4], regs[5])
  }

  @inline(__always)
  static func load(_ p: UnsafeMutableRawPointer, _ size: AccessSize) -> UInt64 {
    switch size {
    case .byte: UInt64(p.load(as: UInt8.self))
    case .half: UInt64(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
    case .word: UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
    case .double: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    }
  }

  @inline(__always)
  static func store(_ p: UnsafeMutableRawPointer, _ size: AccessSize, _ v: UInt64) {
    switch size {
    case .byte: p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
    case .half: p.storeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian, as: UInt16.self)
    case .word: p.storeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian, as: UInt32.self)
    case .double: p.storeBytes(of: v.littleEndian, as: UInt64.self)
    }
  }

  @inline(__always)
  static func signExtend(_ v: UInt64, _ size: AccessSize) -> UInt64 {
    switch size {
    case .byte: UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
    case .half: UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
    case .word: UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
    case .double: v
    }
  }

  /// One atomic read-modify-write; 32-bit forms fetch zero-extended values
  /// and `cmpxchg32` compares with the low half of `r0`.
  @inline(__always)
  static func atomic(
    _ op: AtomicOperation, _ size: AccessSize, _ p: UnsafeMutableRawPointer,
    _ regs: UnsafeMutablePointer<UInt64>, src: Int
  ) {
    let mask: UInt64 = size == .word ? 0xFFFF_FFFF : ~0
    let old = load(p, size)
    let operand = regs[src] & mask
    var new = old
    switch op {
    case .add, .fetchAdd: new = old &+ operand
    case .or, .fetchOr: new = old | operand
    case .and, .fetchAnd: new = old & operand
    case .xor, .fetchXor: new = old ^ operand
    case .xchg: new = operand
    case .cmpxchg:
      if regs[0] & mask == old { new = operand }
      regs[0] = old
    }
    store(p, size, new & mask)
    if op.writesSource { regs[src] = old }
  }
}
