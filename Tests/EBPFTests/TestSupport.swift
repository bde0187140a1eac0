import EBPF
import EBPFJIT
import Emulation
import KilnHosts
import KilnPort
import Testing

/// The engines every behavioural test runs on: the interpreter, and the JIT
/// of every port natively (this machine's) and in Unicorn. A new port adds
/// its rows by being in `Hosts.ports` (and a code-generation variant, such
/// as AArch64 without LSE, by being in `Hosts.variants`).
struct Engine: Sendable, CustomStringConvertible, CustomTestStringConvertible {
  /// The JIT's port and executor; nil for the interpreter.
  let host: HostTarget?

  static let interpreter = Engine(host: nil)
  /// The JIT of this machine's port, natively.
  static let jit = Engine(host: Hosts.native)
  /// Every JIT row.
  static let jits: [Engine] =
    (Hosts.native.map { [Engine(host: $0)] } ?? [])
    // Missing emulation is a build problem (Unicorn is built in), not a skip.
    + (Hosts.functionPorts + Hosts.functionVariants).map { Engine(host: try! Hosts.emulated($0)) }
  static let allCases: [Engine] = [interpreter] + jits

  var description: String { host.map { "jit[\($0.description)]" } ?? "interpreter" }
  var testDescription: String { description }

  /// Checks and runs `program`; `memory` (if any) is the context. The
  /// interpreter gets an instruction budget against runaway loops.
  func run(
    _ program: Program, memory: [UInt8]?, helpers: HelperTable,
    options: ExecutionOptions = ExecutionOptions(), map: MemoryMap = MemoryMap()
  ) throws(EBPFError) -> UInt64 {
    let vm = try make(program, helpers: helpers, options: options, map: map)
    guard var memory else { return try vm.run() }
    return try vm.run(memory: &memory)
  }

  /// The interpreter or a JIT program of this engine.
  func make(
    _ program: Program, helpers: HelperTable, options: ExecutionOptions = ExecutionOptions(),
    map: MemoryMap = MemoryMap()
  ) throws(EBPFError) -> any ExecutionEngine {
    guard let host else {
      var options = options
      if options.instructionBudget == nil { options.instructionBudget = 10_000_000 }
      return try Interpreter(program: program, helpers: helpers, options: options, memoryMap: map)
    }
    return try makeJITProgram(
      host: host, program: program, helpers: helpers, options: options, memoryMap: map)
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
  guard let host = engine.host else {
    return try Interpreter(program: program, helpers: helpers, options: options)
  }
  return try makeJITProgram(host: host, program: program, helpers: helpers, options: options)
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
    try Checker(helpers: helpers, maxProgramInstructions: limit).check(Program(slots: slots))
  }
}

let exitSlot = RawInstruction(opcode: 0x95)

/// A zeroed host buffer of `bytes` bytes below 4 GiB, which every engine
/// can address: programs that hold a host address as a constant (`lddw`,
/// a helper's result) need one for the 32-bit port (Thumb-2), whose
/// emulated pointers are 32 bits. Free with ``freeLowBuffer(_:)``.
func lowBuffer(_ bytes: Int) throws -> UnsafeMutableRawBufferPointer {
  // Where the host has no free low memory (macOS reserves it), any pages:
  // only the 32-bit rows need low ones.
  let p: UnsafeMutableRawPointer
  if let low = try? Emulator.allocatePages(bytes, below4GiB: true) {
    p = low
  } else {
    p = try Emulator.allocatePages(bytes, below4GiB: false)
  }
  p.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
  return UnsafeMutableRawBufferPointer(start: p, count: bytes)
}

func freeLowBuffer(_ buffer: UnsafeMutableRawBufferPointer) {
  guard let p = buffer.baseAddress else { return }
  Emulator.freePages(p, size: buffer.count)
}
