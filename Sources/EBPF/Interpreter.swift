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

  public init(
    program: Program, helpers: HelperTable = HelperTable(),
    options: ExecutionOptions = ExecutionOptions(), memoryMap: MemoryMap = MemoryMap(),
    maxInstructions: Int = Checker.defaultMaxInstructions
  ) throws(EBPFError) {
    try Checker(helpers: helpers, maxInstructions: maxInstructions).check(program)
    self.program = program
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
    var budget = options.instructionLimit ?? 0
    return try run(context: context, budget: &budget)
  }

  /// Runs like ``run(context:)`` and also counts the instructions executed
  /// (`lddw` counts once): the count rides on the budget path, so the
  /// uncounted ``run(context:)`` pays nothing for it. An
  /// ``ExecutionOptions/instructionLimit`` still applies.
  public func countingRun(context: UnsafeMutableRawBufferPointer?) throws(EBPFError)
    -> (r0: UInt64, executed: UInt64)
  {
    var counting = self
    let limit = options.instructionLimit ?? UInt64.max
    counting.options.instructionLimit = limit
    var budget = limit
    let r0 = try counting.run(context: context, budget: &budget)
    return (r0, limit - budget)
  }

  private func run(context: UnsafeMutableRawBufferPointer?, budget: inout UInt64)
    throws(EBPFError) -> UInt64
  {
    let frameSize = ExecutionOptions.stackFrameSize
    let stackSize = frameSize * options.maxCallDepth
    let stack = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
    stack.initializeMemory(as: UInt8.self, repeating: 0, count: stackSize)
    let regs = UnsafeMutablePointer<UInt64>.allocate(capacity: 11)
    regs.initialize(repeating: 0, count: 11)
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

  /// A caller's registers, saved across a local call.
  private struct Frame {
    var returnPC: Int
    var r6: UInt64, r7: UInt64, r8: UInt64, r9: UInt64, r10: UInt64
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

  /// `remaining` is the instruction budget in, what is left of it out
  /// (kept in a local while running: the loop never touches the inout).
  private func execute(_ s: inout State, budget remaining: inout UInt64) throws(EBPFError)
    -> UInt64
  {
    let insts = program.instructions
    let regs = s.regs
    var frames: [Frame] = []
    var pc = 0
    var budget = remaining
    let limited = options.instructionLimit != nil

    while true {
      let inst = insts[pc]
      if limited {
        if budget == 0 {
          throw .instructionLimitExceeded(index: pc, limit: options.instructionLimit ?? 0)
        }
        budget -= 1
      }
      let d = inst.dst.index
      switch inst.operation {
      case .alu(let op, let width, let source):
        let b = source == .reg ? regs[inst.src.index] : Semantics.immediate(inst.imm, width)
        regs[d] = Semantics.alu(op, width, regs[d], b)

      case .byteSwap(let kind, let bits):
        regs[d] = Semantics.byteSwap(kind, bits: bits, regs[d])

      case .jumpAlways(let width):
        pc += width == .w64 ? Int(inst.offset) : Int(inst.imm)

      case .branch(let c, let width, let source):
        let b = source == .reg ? regs[inst.src.index] : Semantics.immediate(inst.imm, width)
        if Semantics.condition(c, width, regs[d], b) { pc += Int(inst.offset) }

      case .callHelper:
        regs[0] = try callHelper(UInt64(UInt32(bitPattern: inst.imm)), regs, index: pc)

      case .callRegister:
        regs[0] = try callHelper(regs[d], regs, index: pc)

      case .callLocal:
        guard frames.count + 1 < options.maxCallDepth else {
          throw .callDepthExceeded(index: pc, limit: options.maxCallDepth)
        }
        frames.append(
          Frame(returnPC: pc + 1, r6: regs[6], r7: regs[7], r8: regs[8], r9: regs[9], r10: regs[10])
        )
        regs[10] -= UInt64(ExecutionOptions.stackFrameSize)
        pc += Int(inst.imm) + 1
        continue

      case .exit:
        guard let f = frames.popLast() else {
          remaining = budget
          return regs[0]
        }
        regs[6] = f.r6
        regs[7] = f.r7
        regs[8] = f.r8
        regs[9] = f.r9
        regs[10] = f.r10
        pc = f.returnPC
        continue

      case .loadImm64:
        regs[d] = inst.imm64
        pc += 2
        continue

      case .load(let size):
        let p = try s.pointer(
          regs[inst.src.index] &+ UInt64(bitPattern: Int64(inst.offset)), size.byteCount,
          write: false, index: pc)
        regs[d] = Self.load(p, size)

      case .loadSigned(let size):
        let p = try s.pointer(
          regs[inst.src.index] &+ UInt64(bitPattern: Int64(inst.offset)), size.byteCount,
          write: false, index: pc)
        regs[d] = Self.signExtend(Self.load(p, size), size)

      case .storeImm(let size):
        let p = try s.pointer(
          regs[d] &+ UInt64(bitPattern: Int64(inst.offset)), size.byteCount, write: true, index: pc)
        Self.store(p, size, inst.imm64)

      case .storeReg(let size):
        let p = try s.pointer(
          regs[d] &+ UInt64(bitPattern: Int64(inst.offset)), size.byteCount, write: true, index: pc)
        Self.store(p, size, regs[inst.src.index])

      case .atomic(let op, let size):
        let p = try s.pointer(
          regs[d] &+ UInt64(bitPattern: Int64(inst.offset)), size.byteCount, write: true, index: pc)
        Self.atomic(op, size, p, regs, src: inst.src.index)

      case .packetLoad(let mode, let size):
        var offset = UInt64(bitPattern: Int64(inst.imm))
        if mode == .indirect { offset = regs[inst.src.index] &+ offset }
        let n = UInt64(size.byteCount)
        let ctx = s.context
        guard ctx.length >= n, offset <= ctx.length - n,
          let base = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: ctx.base))
        else {
          throw .packetOutOfBounds(
            index: pc, offset: offset, size: size.byteCount, length: ctx.length)
        }
        let p = base + Int(offset)
        var v: UInt64 = 0
        for k in 0..<size.byteCount {
          v = v << 8 | UInt64(p.load(fromByteOffset: k, as: UInt8.self))
        }
        regs[0] = v

      case .callBTF, .loadImm64Tail:
        // Rejected by the checker; unreachable.
        throw .unsupportedInstruction(index: pc, mnemonic: "call runtime")
      }
      pc += 1
    }
  }

  @inline(__always)
  private func callHelper(_ id: UInt64, _ regs: UnsafeMutablePointer<UInt64>, index: Int)
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
