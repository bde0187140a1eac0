import EBPF

/// Assembles, checks and runs `source` on the interpreter.
func run(
  _ source: String, memory: [UInt8]? = nil, helpers: HelperTable = .conformance,
  options: ExecutionOptions = ExecutionOptions(), map: MemoryMap = MemoryMap()
) throws(EBPFError) -> UInt64 {
  let vm = try Interpreter(
    program: Program(assembly: source), helpers: helpers, options: options, memoryMap: map)
  guard var memory else { return try vm.run() }
  return try vm.run(memory: &memory)
}

/// The error `body` throws, or `nil`.
func error<T>(_ body: () throws(EBPFError) -> T) -> EBPFError? {
  do {
    _ = try body()
    return nil
  } catch {
    return error
  }
}

/// The checker's verdict on raw slots.
func check(_ slots: [RawInstruction], helpers: HelperTable = .conformance, limit: Int = 65536)
  -> EBPFError?
{
  error { () throws(EBPFError) in
    try Checker(helpers: helpers, maxInstructions: limit).check(Program(slots: slots))
  }
}

let exitSlot = RawInstruction(opcode: 0x95)
