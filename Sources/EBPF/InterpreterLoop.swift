/// The interpreter's loop over the ``DecodedProgram``: one dispatch on the
/// slot's code (`DecodedSlot.Code.dispatch`), then the meaning of the
/// operation, which is ``Semantics``'s (or of both operations of a
/// superinstruction, `InterpreterFusion.swift`). Loads and stores go through the
/// fast bounds check of `InterpreterMemory.swift`, whose slow path is
/// `State.pointer`, the bounds check of `Memory.swift`.
extension Interpreter {
  /// A caller's registers, saved across a local call.
  struct Frame {
    var returnPC: Int
    var r6: UInt64, r7: UInt64, r8: UInt64, r9: UInt64, r10: UInt64
  }

  /// Runs the program from slot 0 on the registers and regions of `s`
  /// (passed on by value: the loop keeps the regions in registers, where
  /// stores through the register file cannot change them).
  ///
  /// With an ``ExecutionOptions/instructionBudget``, `remaining` is the
  /// budget in and what is left of it out (`countingRun` counts with it);
  /// without one it is not touched. The budget is spent per straight-line
  /// run (``BudgetBlocks``), as the JITs spend it, then one instruction at
  /// a time in the run that it does not cover, so the run stops after
  /// exactly the budget. An ``ExecutionOptions/interrupter`` is polled at
  /// every run start.
  func execute(_ s: inout State, budget remaining: inout UInt64) throws(EBPFError) -> UInt64 {
    let interrupter = options.interrupter
    guard options.instructionBudget != nil || interrupter != nil else {
      var budget = UnlimitedBudget()
      return try execute(s, from: 0, budget: &budget)
    }
    let start = options.instructionBudget == nil ? UInt64.max : remaining
    let initial = start
    return try withBudgetTables { (costs, units) throws(EBPFError) -> UInt64 in
      var budget = LimitedBudget(
        remaining: start, initial: initial, costs: costs, units: units, interrupter: interrupter)
      defer { if options.instructionBudget != nil { remaining = budget.remaining } }
      return try execute(s, from: 0, budget: &budget)
    }
  }

  /// Runs from slot `index` with `budget`.
  func execute<B: InstructionBudget>(_ s: State, from index: Int, budget: inout B)
    throws(EBPFError) -> UInt64
  {
    let frames = UnsafeMutablePointer<Frame>.allocate(capacity: options.maxCallDepth)
    let fast = UnsafeMutablePointer<FastRegion>.allocate(capacity: 2)
    Self.initializeFastRegions(fast, s)
    defer {
      frames.deallocate()
      fast.deallocate()
    }
    // Superinstructions only where the budget need not see every slot.
    let program = B.spendsPerSlot ? decoded.slots : decoded.fused
    return try program.withUnsafeBufferPointer {
      (slots: UnsafeBufferPointer<DecodedSlot>) throws(EBPFError) -> UInt64 in
      // The checker rejects empty programs; the guard keeps this total.
      guard let first = slots.baseAddress, index >= 0, index < slots.count else {
        throw .emptyProgram
      }
      return try run(
        first, from: first + index, s, frames: frames, fast: fast, budget: &budget)
    }
  }

  /// The loop. Control never leaves the program: the checker proved every
  /// target in range and the last slot an `exit` or a jump. `i` walks the
  /// slots; the index of the current one (errors, returns) is `i - slots`.
  @inline(always)
  private func run<B: InstructionBudget>(
    _ slots: UnsafePointer<DecodedSlot>, from start: UnsafePointer<DecodedSlot>, _ s: State,
    frames: UnsafeMutablePointer<Frame>, fast: UnsafePointer<FastRegion>, budget: inout B
  ) throws(EBPFError) -> UInt64 {
    let regs = s.regs
    var i = start
    var depth = 0
    while true {
      try budget.spend { i - slots }
      let result: UInt64? = try i.pointee.code.dispatch(
        arithmetic: { (_, _, step: ALUStep) throws(EBPFError) -> UInt64? in
          Self.arithmetic(step, &i, regs)
          return nil
        },
        branch: { (_, _, test: BranchTest) throws(EBPFError) -> UInt64? in
          Self.branch(test, &i, regs)
          return nil
        },
        other: { (code: DecodedSlot.Code) throws(EBPFError) -> UInt64? in
          try execute(
            code, &i, slots: slots, s, frames: frames, fast: fast, depth: &depth)
        },
        fusedArithmetic: { (_, _, lead: ALUStep, second: ALUStep) throws(EBPFError) -> UInt64? in
          Self.arithmetic(lead, &i, regs)
          Self.arithmetic(second, &i, regs)
          return nil
        },
        fusedBranch: { (_, _, lead: ALUStep, second: BranchTest) throws(EBPFError) -> UInt64? in
          Self.arithmetic(lead, &i, regs)
          Self.branch(second, &i, regs)
          return nil
        })
      if let result { return result }
    }
  }

  /// The arithmetic slot at `i`, whose operation is `step`; moves `i` to
  /// the next one.
  @inline(always)
  private static func arithmetic(
    _ step: ALUStep, _ i: inout UnsafePointer<DecodedSlot>, _ regs: UnsafeMutablePointer<UInt64>
  ) {
    let d = Int(i.pointee.dst)
    regs[d] = step(regs[d], regs[Int(i.pointee.src)] | i.pointee.immediate)
    i += 1
  }

  /// The conditional jump at `i`, whose condition is `test`; moves `i` to
  /// its target or the next slot.
  @inline(always)
  private static func branch(
    _ test: BranchTest, _ i: inout UnsafePointer<DecodedSlot>, _ regs: UnsafeMutablePointer<UInt64>
  ) {
    let d = Int(i.pointee.dst)
    if test(regs[d], regs[Int(i.pointee.src)] | i.pointee.immediate) {
      i += Int(i.pointee.offset)
    }
    i += 1
  }

  /// Executes the slot at `i`, of `code` (no arithmetic or conditional
  /// jump), and moves `i` to
  /// the next one; returns `r0` when the program ends.
  @inline(always)
  private func execute(
    _ code: DecodedSlot.Code, _ i: inout UnsafePointer<DecodedSlot>,
    slots: UnsafePointer<DecodedSlot>, _ s: State, frames: UnsafeMutablePointer<Frame>,
    fast: UnsafePointer<FastRegion>, depth: inout Int
  ) throws(EBPFError) -> UInt64? {
    let regs = s.regs
    let d = Int(i.pointee.dst)
    switch code {
    case .toLittleEndian, .toBigEndian, .swapBytes:
      let kind: ByteSwap =
        code == .toLittleEndian ? .toLittle : code == .toBigEndian ? .toBig : .always
      let bits = UInt8(truncatingIfNeeded: i.pointee.immediate)
      regs[d] = Semantics.byteSwap(kind, bits: bits, regs[d])

    case .jump:
      i = slots + Int(truncatingIfNeeded: i.pointee.immediate)
      return nil

    case .callHelper:
      regs[0] = try callHelper(i.pointee.immediate, regs, index: i - slots)

    case .callRegister:
      regs[0] = try callHelper(regs[d], regs, index: i - slots)

    case .callLocal:
      guard depth + 1 < options.maxCallDepth else {
        throw .callDepthExceeded(index: i - slots, limit: options.maxCallDepth)
      }
      frames[depth] = Frame(
        returnPC: i - slots + 1, r6: regs[6], r7: regs[7], r8: regs[8], r9: regs[9],
        r10: regs[10])
      depth += 1
      regs[10] -= UInt64(ExecutionOptions.stackFrameSize)
      i = slots + Int(truncatingIfNeeded: i.pointee.immediate)
      return nil

    case .exit:
      guard depth > 0 else { return regs[0] }
      depth -= 1
      let f = frames[depth]
      regs[6] = f.r6
      regs[7] = f.r7
      regs[8] = f.r8
      regs[9] = f.r9
      regs[10] = f.r10
      i = slots + f.returnPC
      return nil

    case .loadImmediate64:
      regs[d] = i.pointee.immediate
      i += 2
      return nil

    case .load8: try Self.load(i, .byte, signed: false, s, fast: fast, slots: slots)
    case .load16: try Self.load(i, .half, signed: false, s, fast: fast, slots: slots)
    case .load32: try Self.load(i, .word, signed: false, s, fast: fast, slots: slots)
    case .load64: try Self.load(i, .double, signed: false, s, fast: fast, slots: slots)
    case .loadSigned8: try Self.load(i, .byte, signed: true, s, fast: fast, slots: slots)
    case .loadSigned16: try Self.load(i, .half, signed: true, s, fast: fast, slots: slots)
    case .loadSigned32: try Self.load(i, .word, signed: true, s, fast: fast, slots: slots)

    case .storeImmediate8:
      try Self.store(i, .byte, i.pointee.immediate, s, fast: fast, slots: slots)
    case .storeImmediate16:
      try Self.store(i, .half, i.pointee.immediate, s, fast: fast, slots: slots)
    case .storeImmediate32:
      try Self.store(i, .word, i.pointee.immediate, s, fast: fast, slots: slots)
    case .storeImmediate64:
      try Self.store(i, .double, i.pointee.immediate, s, fast: fast, slots: slots)
    case .storeRegister8:
      try Self.store(i, .byte, regs[Int(i.pointee.src)], s, fast: fast, slots: slots)
    case .storeRegister16:
      try Self.store(i, .half, regs[Int(i.pointee.src)], s, fast: fast, slots: slots)
    case .storeRegister32:
      try Self.store(i, .word, regs[Int(i.pointee.src)], s, fast: fast, slots: slots)
    case .storeRegister64:
      try Self.store(i, .double, regs[Int(i.pointee.src)], s, fast: fast, slots: slots)

    case .atomic:
      let size = i.pointee.size
      let p = try s.pointer(
        regs[d] &+ UInt64(bitPattern: Int64(i.pointee.offset)), size.byteCount, write: true,
        index: i - slots)
      Self.atomic(i.pointee.atomic, size, p, regs, src: Int(i.pointee.src))

    case .packetAbsolute, .packetIndirect:
      var offset = i.pointee.immediate
      if code == .packetIndirect { offset = regs[Int(i.pointee.src)] &+ offset }
      let size = i.pointee.size
      let n = UInt64(size.byteCount)
      let ctx = s.context
      guard ctx.length >= n, offset <= ctx.length - n,
        let base = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: ctx.base))
      else {
        throw .packetOutOfBounds(
          index: i - slots, offset: offset, size: size.byteCount, length: ctx.length)
      }
      let p = base + Int(offset)
      var v: UInt64 = 0
      for k in 0..<size.byteCount {
        v = v << 8 | UInt64(p.load(fromByteOffset: k, as: UInt8.self))
      }
      regs[0] = v

    case .notExecuted:
      // BTF calls are rejected by the checker, and no jump lands on
      // `lddw`'s second slot; unreachable.
      throw .unsupportedInstruction(index: i - slots, mnemonic: "call runtime")

    default:
      preconditionFailure("arithmetic and conditional jumps are dispatched above")
    }
    i += 1
    return nil
  }
}
