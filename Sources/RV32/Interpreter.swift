import KilnIR

/// The reference engine: executes RV32IM instructions one at a time with
/// the exact semantics of the ISA. It is the portable fallback and the
/// oracle the JIT is tested against.
///
/// Instructions are decoded once, on first execution, into an
/// `InstructionCache` (eight bytes each, registers and immediates ready),
/// and the loop dispatches on the decoded code with one jump table. The
/// cache changes nothing that can be observed: stores reset the slots they
/// write (self-modifying code runs its new bytes at once, as before), and
/// fetch faults, illegal words, misaligned jumps, memory faults and the
/// instruction count are those of an interpreter that fetches and decodes
/// every time.
public struct Interpreter {
  /// Runs until an event, until `pc == stopPC` (checked before every
  /// instruction, the first included; returns nil), or until `budget`
  /// instructions have executed (returns nil).
  ///
  /// On `ecall`/`ebreak`/`fenceI` the instruction has executed and `state.pc`
  /// is the next one (pc + 4). On `fault`, and when `memory` throws,
  /// `state.pc` is the faulting instruction and its effects are not applied.
  public static func run<M: RV32Memory>(
    _ state: inout RV32State, memory: inout M, stopPC: UInt32, budget: Int = .max
  ) throws(RV32MemoryFault) -> StepEvent? {
    var executed = 0
    return try run(&state, memory: &memory, stopPC: stopPC, budget: budget, executed: &executed)
  }

  /// `run`, adding to `executed` the instructions it executed (one whose
  /// memory access failed included). Decodes into a fresh cache.
  public static func run<M: RV32Memory>(
    _ state: inout RV32State, memory: inout M, stopPC: UInt32, budget: Int = .max,
    executed: inout Int
  ) throws(RV32MemoryFault) -> StepEvent? {
    try run(
      &state, memory: &memory, cache: InstructionCache(), stopPC: stopPC, budget: budget,
      executed: &executed)
  }

  /// `run` with a cache that lives across runs (whoever else writes
  /// `memory` between runs invalidates what it wrote, see `InstructionCache`).
  public static func run<M: RV32Memory>(
    _ state: inout RV32State, memory: inout M, cache: InstructionCache, stopPC: UInt32,
    budget: Int = .max, executed: inout Int
  ) throws(RV32MemoryFault) -> StepEvent? {
    let file = UnsafeMutablePointer<UInt32>.allocate(capacity: Translator.registerSlotCount)
    file.initialize(repeating: 0, count: Translator.registerSlotCount)
    for i in 1..<32 where i < state.registers.count { file[i] = state.registers[i] }
    var pc = state.pc
    defer {
      state = RV32State(registers: Array(UnsafeBufferPointer(start: file, count: 32)), pc: pc)
      file.deallocate()
    }
    return try run(
      registers: file, pc: &pc, memory: &memory, cache: cache, stopPC: stopPC, budget: budget,
      executed: &executed)
  }

  /// The interpreter loop, on a register file of `Translator.registerSlotCount`
  /// (33) slots: `x0`…`x31` and the scratch slot that writes to `x0` go to.
  /// Sets `registers[0]` to 0; `pc` is updated as `state.pc` above.
  @inlinable
  public static func run<M: RV32Memory>(
    registers r: UnsafeMutablePointer<UInt32>, pc: inout UInt32, memory: inout M,
    cache: InstructionCache, stopPC: UInt32, budget: Int = .max, executed: inout Int
  ) throws(RV32MemoryFault) -> StepEvent? {
    r[0] = 0
    var remaining = budget
    var cursor = cache.cursor(at: pc, stopPC: stopPC)
    // Written back once per call, not per instruction.
    defer {
      pc = cursor.pc
      executed += budget - remaining
    }
    while remaining > 0 && cursor.slot != cursor.stop {
      let slot = cursor.slot
      let outcome = try slot.pointee.handler.dispatch(
        marker: { (marker: Handler) throws(RV32MemoryFault) -> Outcome in
          switch marker {
          case .undecoded: return .decode
          case .pageEnd: return .nextPage
          default:
            return .fault(.illegalInstruction(pc: cursor.pc, word: slot.pointee.immediate))
          }
        },
        instruction: { (kind: InstructionKind) throws(RV32MemoryFault) -> Outcome in
          remaining -= 1
          return try execute(kind, slot, at: cursor, registers: r, memory: &memory, cache: cache)
        })
      switch outcome {
      case .next:
        cursor.advance()
      case .jump(let target):
        cursor.jump(to: target, stopPC: stopPC, in: cache)
      case .event(let event):
        cursor.advance()
        return event
      case .fault(let fault):
        return .fault(fault)
      case .decode:
        let here = cursor.pc
        guard let word = memory.fetch(here) else { return .fault(.fetchOutsideMemory(pc: here)) }
        slot.pointee = DecodedInstruction(word: word)
      case .nextPage:
        cursor = cache.cursor(at: cursor.pc, stopPC: stopPC)
      }
    }
    return nil
  }

  /// What an instruction (or a marker) does to control flow.
  @usableFromInline
  enum Outcome {
    /// Continue at pc + 4.
    case next
    /// Continue at this (aligned) pc.
    case jump(UInt32)
    /// Stop after the instruction: pc + 4 is next.
    case event(StepEvent)
    /// Stop before the instruction: it had no effect (and is not counted
    /// if it is illegal).
    case fault(GuestFault)
    /// The slot is `undecoded`: decode it, then run it.
    case decode
    /// The slot is `pageEnd`: continue on the next page.
    case nextPage
  }

  /// Executes one instruction of `kind`, the one at `cursor`: the
  /// semantics of RV32IM. `instruction` holds its operands (a destination
  /// `x0` is the scratch slot); each case reads only those it uses, and
  /// only those that need the pc compute it.
  @inlinable @inline(__always)
  static func execute<M: RV32Memory>(
    _ kind: InstructionKind, _ instruction: UnsafeMutablePointer<DecodedInstruction>,
    at cursor: InstructionCache.Cursor, registers r: UnsafeMutablePointer<UInt32>,
    memory: inout M, cache: InstructionCache
  ) throws(RV32MemoryFault) -> Outcome {
    var pc: UInt32 { cursor.pc }
    var rd: Int { Int(instruction.pointee.rd) }
    var rs1: Int { Int(instruction.pointee.rs1) }
    var rs2: Int { Int(instruction.pointee.rs2) }
    var immediate: UInt32 { instruction.pointee.immediate }
    switch kind {
    case .lui:
      r[rd] = immediate
    case .auipc:
      r[rd] = pc &+ immediate
    case .jal:
      let target = pc &+ immediate
      if target & 3 != 0 { return .fault(.misalignedJump(pc: pc, target: target)) }
      r[rd] = pc &+ 4
      return .jump(target)
    case .jalr:
      // The target is computed before rd is written: rd may be rs1.
      let target = (r[rs1] &+ immediate) & ~1
      if target & 3 != 0 { return .fault(.misalignedJump(pc: pc, target: target)) }
      r[rd] = pc &+ 4
      return .jump(target)
    case .branch(let condition):
      if condition.holds(r[rs1], r[rs2]) {
        let target = pc &+ immediate
        if target & 3 != 0 { return .fault(.misalignedJump(pc: pc, target: target)) }
        return .jump(target)
      }
    case .load(let size, let signed):
      let raw = try memory.load(r[rs1] &+ immediate, size: size.rawValue, pc: pc)
      r[rd] = extend(raw, size: size, signed: signed)
    case .store(let size):
      let address = r[rs1] &+ immediate
      try memory.store(address, size: size.rawValue, value: r[rs2], pc: pc)
      cache.invalidate(address, size: size.rawValue)
    case .operationImmediate(let operation):
      r[rd] = operation.evaluate(r[rs1], immediate)
    case .operation(let operation):
      r[rd] = operation.evaluate(r[rs1], r[rs2])
    case .fence:
      break
    case .fenceI:
      return .event(.fenceI(pc: pc))
    case .ecall:
      return .event(.ecall(pc: pc))
    case .ebreak:
      return .event(.ebreak(pc: pc))
    }
    return .next
  }

  /// Sign- or zero-extends the low `size` bytes of a loaded value.
  @inlinable @inline(__always)
  static func extend(_ raw: UInt32, size: AccessSize, signed: Bool) -> UInt32 {
    switch (size, signed) {
    case (.byte, true): return UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: raw)))
    case (.byte, false): return raw & 0xFF
    case (.half, true): return UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: raw)))
    case (.half, false): return raw & 0xFFFF
    case (.word, _): return raw
    }
  }
}
