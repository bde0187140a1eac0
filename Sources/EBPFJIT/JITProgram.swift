import EBPF
import KilnCore
import KilnIR

#if arch(x86_64)
  import X86_64Port
  /// The port that compiles functions on this host.
  typealias HostFunctionBackend = X86_64FunctionBackend
#endif

/// The eBPF JIT: checks a program, translates it to ``FunctionIR``, compiles
/// it with the host's port into W^X code memory, and runs it with the same
/// interface, memory model and errors as ``Interpreter``:
///
/// ```swift
/// let jit = try JITProgram(program: Program(assembly: "mov %r0, 1\nexit"))
/// let r0 = try jit.run()
/// ```
///
/// Differences from the interpreter, by design: no instruction budget
/// (`ExecutionOptions.instructionLimit` must be `nil`), and in unchecked mode
/// an access to an unmapped address is a host fault, as in native code.
public final class JITProgram: ExecutionEngine, @unchecked Sendable {
  // @unchecked: every stored property is immutable after `init`; the code
  // memory is only read (executed) by `run`, which keeps all per-run state
  // in its own allocations, so concurrent runs are safe.
  public let program: Program
  public let helpers: HelperTable
  public let options: ExecutionOptions
  public let memoryMap: MemoryMap
  /// The generated machine code, as installed at ``codeAddress``.
  public let hostCode: [UInt8]
  /// The port's name ("x86-64").
  public let portName: String
  let environment: FunctionEnvironment
  /// The helper table as the helper trampoline reaches it (one per program).
  let helperBox: HelperBox
  let code: ExecutableMemory

  /// Host address of the generated code.
  public var codeAddress: UInt { UInt(bitPattern: code.base) }

  public init(
    program: Program, helpers: HelperTable = HelperTable(),
    options: ExecutionOptions = ExecutionOptions(), memoryMap: MemoryMap = MemoryMap(),
    maxInstructions: Int = Checker.defaultMaxInstructions
  ) throws(EBPFError) {
    try Checker(helpers: helpers, maxInstructions: maxInstructions).check(program)
    guard options.instructionLimit == nil else {
      throw .engineUnavailable(reason: "instruction limits are an interpreter option")
    }
    self.program = program
    self.helpers = helpers
    helperBox = HelperBox(helpers)
    self.options = options
    self.memoryMap = memoryMap
    environment = FunctionEnvironment(
      writable: [true, true] + memoryMap.regions.map(\.writable),
      boundsChecks: options.boundsChecks, maxCallDepth: options.maxCallDepth,
      frameSize: ExecutionOptions.stackFrameSize)
    #if arch(x86_64)
      let function = try Translator.translate(program)
      let backend = HostFunctionBackend()
      portName = HostFunctionBackend.name
      // The code is position independent (labels only; helpers and data are
      // reached through the state block), so it is compiled once and copied.
      do {
        hostCode = try backend.compile(function, environment: environment, baseAddress: 0)
      } catch {
        throw .engineUnavailable(reason: "code generation failed: \(error.description)")
      }
      do {
        code = try ExecutableMemory(capacity: hostCode.count)
      } catch {
        throw .engineUnavailable(reason: "cannot map code memory: \(error)")
      }
      code.write(hostCode, at: 0)
    #else
      throw .engineUnavailable(reason: "no eBPF JIT port for this host")
    #endif
  }

  /// Runs with `context` as the program's memory, or with `r1 = r2 = 0` when `nil`.
  public func run(context: UnsafeMutableRawBufferPointer?) throws(EBPFError) -> UInt64 {
    var contextRegion = MemoryRegion(base: 0, length: 0, writable: true)
    if let context, context.baseAddress != nil {
      contextRegion = MemoryRegion(UnsafeRawBufferPointer(context), writable: true)
    }
    let run = RunState(jit: self, context: contextRegion)
    defer { run.deallocate() }
    let r0 = run.enter(code.base)
    try run.check(limit: options.maxCallDepth)
    return r0
  }
}
