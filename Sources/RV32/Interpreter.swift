import KilnIR

/// The reference engine: decodes and executes one instruction at a time with
/// the exact RV32IM semantics. It is the portable fallback and the oracle the
/// JIT is tested against.
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
  /// memory access failed included).
  public static func run<M: RV32Memory>(
    _ state: inout RV32State, memory: inout M, stopPC: UInt32, budget: Int = .max,
    executed: inout Int
  ) throws(RV32MemoryFault) -> StepEvent? {
    if state.registers.count != 32 { state = RV32State(registers: state.registers, pc: state.pc) }
    state.registers[0] = 0
    var remaining = budget
    // Counted once per call, not per instruction: the loop keeps its shape.
    defer { executed += budget - remaining }
    while remaining > 0 {
      let pc = state.pc
      if pc == stopPC { return nil }
      guard let word = memory.fetch(pc) else { return .fault(.fetchOutsideMemory(pc: pc)) }
      guard let instruction = decode(word) else {
        return .fault(.illegalInstruction(pc: pc, word: word))
      }
      remaining -= 1
      if let event = try execute(instruction, pc: pc, state: &state, memory: &memory) {
        return event
      }
    }
    return nil
  }

  /// Executes one decoded instruction at `pc`, updating `state.pc` unless it faults.
  @inline(__always)
  static func execute<M: RV32Memory>(
    _ instruction: Instruction, pc: UInt32, state: inout RV32State, memory: inout M
  ) throws(RV32MemoryFault) -> StepEvent? {
    let next = pc &+ 4
    switch instruction {
    case .lui(let rd, let immediate):
      state[rd] = UInt32(bitPattern: immediate)
    case .auipc(let rd, let immediate):
      state[rd] = pc &+ UInt32(bitPattern: immediate)
    case .jal(let rd, let offset):
      let target = pc &+ UInt32(bitPattern: offset)
      if target & 3 != 0 { return .fault(.misalignedJump(pc: pc, target: target)) }
      state[rd] = next
      state.pc = target
      return nil
    case .jalr(let rd, let rs1, let offset):
      // The target is computed before rd is written: rd may be rs1.
      let target = (state[rs1] &+ UInt32(bitPattern: offset)) & ~1
      if target & 3 != 0 { return .fault(.misalignedJump(pc: pc, target: target)) }
      state[rd] = next
      state.pc = target
      return nil
    case .branch(let condition, let rs1, let rs2, let offset):
      if condition.holds(state[rs1], state[rs2]) {
        let target = pc &+ UInt32(bitPattern: offset)
        if target & 3 != 0 { return .fault(.misalignedJump(pc: pc, target: target)) }
        state.pc = target
        return nil
      }
    case .load(let size, let signed, let rd, let rs1, let offset):
      let address = state[rs1] &+ UInt32(bitPattern: offset)
      let raw = try memory.load(address, size: size.rawValue, pc: pc)
      state[rd] = extend(raw, size: size, signed: signed)
    case .store(let size, let rs1, let rs2, let offset):
      let address = state[rs1] &+ UInt32(bitPattern: offset)
      try memory.store(address, size: size.rawValue, value: state[rs2], pc: pc)
    case .operationImmediate(let operation, let rd, let rs1, let immediate):
      state[rd] = operation.evaluate(state[rs1], UInt32(bitPattern: immediate))
    case .operation(let operation, let rd, let rs1, let rs2):
      state[rd] = operation.evaluate(state[rs1], state[rs2])
    case .fence:
      break
    case .fenceI:
      state.pc = next
      return .fenceI(pc: pc)
    case .ecall:
      state.pc = next
      return .ecall(pc: pc)
    case .ebreak:
      state.pc = next
      return .ebreak(pc: pc)
    }
    state.pc = next
    return nil
  }

  /// Sign- or zero-extends the low `size` bytes of a loaded value.
  @inline(__always)
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
