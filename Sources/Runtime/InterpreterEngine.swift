import KilnIR
import RV32

/// The guest memory as the interpreter sees it (generic, so each memory
/// mode gets its own specialised interpreter loop).
struct InterpreterBus<M: GuestMemory>: RV32Memory {
  let memory: M

  mutating func load(_ address: UInt32, size: Int, pc: UInt32) throws(RV32MemoryFault) -> UInt32 {
    do { return try memory.load(address, size: size) } catch {
      throw RV32MemoryFault(pc: pc, address: address)
    }
  }

  mutating func store(_ address: UInt32, size: Int, value: UInt32, pc: UInt32)
    throws(RV32MemoryFault)
  {
    do { _ = try memory.store(address, size: size, value: value) } catch {
      throw RV32MemoryFault(pc: pc, address: address)
    }
  }

  mutating func fetch(_ pc: UInt32) -> UInt32? { memory.fetch(pc) }
}

extension VirtualMachine {
  /// Runs the reference interpreter from `pc` until the return address.
  func runInterpreter(from pc: UInt32) throws(RuntimeError) {
    try runInterpreter(from: pc, memory: memory)
  }

  private func runInterpreter<M: GuestMemory>(from pc: UInt32, memory: M) throws(RuntimeError) {
    var hart = RV32State(
      registers: Array(UnsafeBufferPointer(start: state.registers, count: 32)), pc: pc)
    var bus = InterpreterBus(memory: memory)
    while true {
      let event: StepEvent?
      do {
        event = try Interpreter.run(
          &hart, memory: &bus, stopPC: Self.returnAddress, executed: &interpretedInstructions)
      } catch {
        saveRegisters(hart)
        throw memoryFault(pc: error.pc, address: error.address, size: 1)
      }
      saveRegisters(hart)
      switch event {
      case nil:
        return
      case .ecall:
        try syscallHandler(self, state.registers[17])
        for i in 1..<32 { hart.registers[i] = state.registers[i] }
      case .ebreak(let pc):
        if config.haltOnBreakpoint { throw .breakpoint(pc: pc) }
      case .fenceI:
        break
      case .fault(let fault):
        throw RuntimeError(fault)
      }
    }
  }

  private func saveRegisters(_ hart: RV32State) {
    for i in 1..<32 { state.registers[i] = hart.registers[i] }
  }
}

extension RuntimeError {
  init(_ fault: GuestFault) {
    switch fault {
    case .illegalInstruction(let pc, let word): self = .illegalInstruction(pc: pc, word: word)
    case .fetchOutsideMemory(let pc): self = .executionOutsideMemory(pc: pc)
    case .misalignedJump(let pc, let target): self = .misalignedJump(pc: pc, target: target)
    }
  }
}
