import EBPF
import EBPFJIT
import KilnHosts

/// The engines every behavioural test runs on.
enum Engine: String, CaseIterable, Sendable, CustomStringConvertible {
  case interpreter, jit

  var description: String { rawValue }

  /// Checks and runs `program`; `memory` (if any) is the context. The
  /// interpreter gets an instruction budget against runaway loops.
  func run(
    _ program: Program, memory: [UInt8]?, helpers: HelperTable,
    options: ExecutionOptions = ExecutionOptions(), map: MemoryMap = MemoryMap()
  ) throws(EBPFError) -> UInt64 {
    let vm: any ExecutionEngine
    switch self {
    case .interpreter:
      var options = options
      if options.instructionLimit == nil { options.instructionLimit = 10_000_000 }
      vm = try Interpreter(program: program, helpers: helpers, options: options, memoryMap: map)
    case .jit:
      vm = try makeNativeJITProgram(
        program: program, helpers: helpers, options: options, memoryMap: map)
    }
    guard var memory else { return try vm.run() }
    return try vm.run(memory: &memory)
  }
}

/// Assembles, checks and runs `source` on `engine`.
func run(
  _ source: String, memory: [UInt8]? = nil, helpers: HelperTable = .conformance,
  options: ExecutionOptions = ExecutionOptions(), map: MemoryMap = MemoryMap(),
  engine: Engine = .interpreter
) throws(EBPFError) -> UInt64 {
  try engine.run(
    Program(assembly: source), memory: memory, helpers: helpers, options: options, map: map)
}

/// An interpreter or a JIT program, for tests that run one program several times.
func makeVM(
  _ engine: Engine, _ source: String, helpers: HelperTable = .conformance,
  options: ExecutionOptions = ExecutionOptions()
) throws(EBPFError) -> any ExecutionEngine {
  let program = try Program(assembly: source)
  switch engine {
  case .interpreter: return try Interpreter(program: program, helpers: helpers, options: options)
  case .jit: return try makeNativeJITProgram(program: program, helpers: helpers, options: options)
  }
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
