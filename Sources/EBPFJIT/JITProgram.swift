import EBPF
import KilnCore
import KilnIR
import KilnPort

/// What a caller sees of a compiled eBPF program, whatever its port.
public protocol CompiledProgram: ExecutionEngine, AnyObject {
  /// The generated machine code, as installed at ``codeAddress``.
  var hostCode: [UInt8] { get }
  var codeAddress: UInt { get }
  /// The port's facts (name, Capstone target for dumps, …).
  var portFacts: PortFacts { get }
  /// Host instructions executed so far, where the executor counts them.
  var executedInstructions: UInt64? { get }
}

/// The eBPF JIT: checks a program, translates it to ``FunctionIR``, compiles
/// it with the host port `Port`, installs it in the executor's code memory,
/// and runs it there with the same interface, memory model and errors as
/// ``Interpreter``. `KilnHosts` makes one for a `HostTarget`
/// (`makeJITProgram(host:program:…)`); with the native port directly:
///
/// ```swift
/// let jit = try JITProgram<X86_64Port>(
///   program: Program(assembly: "mov %r0, 1\nexit"), executor: NativeExecutor())
/// let r0 = try jit.run()
/// ```
///
/// Differences from the interpreter, by design: in unchecked mode an access
/// to an unmapped address is a host fault, as in native code. An
/// ``ExecutionOptions/instructionBudget`` compiles a check per region
/// (``BudgetRegions``: function entries, loop heads and exits, return
/// points) for its longest path, and a slow copy of the code checked per
/// straight-line run (``BudgetBlocks``) for when the budget left does not
/// cover a region; where it does not cover a run, the code leaves with its
/// registers saved and the interpreter executes exactly what is left, so
/// the program stops where and as the interpreter stops it. An
/// ``ExecutionOptions/interrupter`` compiles a poll at the check points. Without either there is no such code.
/// (A port that cannot compile the check refuses the program with
/// ``EBPFError/engineUnavailable(reason:)``.)
public final class JITProgram<Port: FunctionPort>: CompiledProgram, @unchecked Sendable {
  // @unchecked: every stored property is immutable after `init`; the code
  // memory is only read (executed) by `run`, which keeps all per-run state
  // in its own allocations, so concurrent runs are safe on the native
  // executor. (An emulator executor is single-threaded: one run at a time.)
  public let program: Program
  public let helpers: HelperTable
  public let options: ExecutionOptions
  public let memoryMap: MemoryMap
  public let hostCode: [UInt8]
  let environment: FunctionEnvironment
  /// The helper table as the helper trampoline reaches it (one per program).
  let helperBox: HelperBox
  let executor: any Executor
  let code: any CodeMemory
  /// Where generated code calls the helper trampoline.
  let helperCall: UInt
  /// With a budget: the interpreter that finishes it exactly
  /// (``Interpreter/finishBudget(at:registers:budget:remaining:stack:context:regions:)``).
  let budgetFinisher: Interpreter?

  public var codeAddress: UInt { code.address }
  public var portFacts: PortFacts { Port.facts }
  public var executedInstructions: UInt64? { executor.executedInstructions }

  public init(
    program: Program, helpers: HelperTable = HelperTable(),
    options: ExecutionOptions = ExecutionOptions(), memoryMap: MemoryMap = MemoryMap(),
    maxProgramInstructions: Int = Checker.defaultMaxProgramInstructions, executor: any Executor
  ) throws(EBPFError) {
    try options.validate()
    try Checker(helpers: helpers, maxProgramInstructions: maxProgramInstructions).check(program)
    self.program = program
    self.helpers = helpers
    helperBox = HelperBox(helpers)
    self.options = options
    self.memoryMap = memoryMap
    self.executor = executor
    environment = FunctionEnvironment(
      writable: [true, true] + memoryMap.regions.map(\.writable),
      boundsChecks: options.boundsChecks, maxCallDepth: options.maxCallDepth,
      frameSize: ExecutionOptions.stackFrameSize)
    budgetFinisher =
      options.instructionBudget == nil
      ? nil
      : try Interpreter(
        program: program, helpers: helpers, options: options, memoryMap: memoryMap,
        maxProgramInstructions: maxProgramInstructions)
    var function = try Translator.translate(
      program, budget: options.instructionBudget != nil,
      interruptible: options.interrupter != nil)
    if options.boundsChecks { function.analyzeRanges(frameSize: environment.frameSize) }
    // After the analysis: the unrolled copies keep their sites and facts.
    // Only where every eBPF register has a host register (64-bit ports): on
    // Thumb-2 the temporaries would take homes from the registers of other
    // loops (sort: 37% more host instructions).
    if Port.facts.pointerBits == 64 { FunctionIR.RecurrenceUnroll.apply(to: &function) }
    // The code is position independent (labels only; helpers and data are
    // reached through the state block), so it is compiled once and copied.
    do {
      hostCode = try Port.compile(function, environment: environment, baseAddress: 0)
    } catch {
      throw .engineUnavailable(reason: "code generation failed: \(error.description)")
    }
    do {
      code = try executor.makeCodeMemory(capacity: hostCode.count, port: Port.facts)
      let trampoline = unsafeBitCast(helperTrampoline, to: UnsafeRawPointer.self)
      helperCall = try executor.hostCallAddress(
        HostFunction(address: trampoline, signature: helperSignature))
    } catch {
      throw .engineUnavailable(reason: "cannot install code: \(error.description)")
    }
    code.install(hostCode, at: 0)
  }

  /// Runs with `context` as the program's memory, or with `r1 = r2 = 0` when `nil`.
  ///
  /// The context and the memory map's regions are lent to the executor for
  /// the run only (`expose` … `withdraw`), and generated code gets the
  /// addresses the executor returns: the buffers themselves natively and on
  /// 64-bit ports, low copies of high buffers on a 32-bit emulated port,
  /// which `withdraw` copies back when the run ends, so the caller sees
  /// what the run wrote as soon as `run` returns. (See `Executor.expose`:
  /// a region the program reaches through a compiled-in address must lie
  /// where the port can address it.)
  public func run(context: UnsafeMutableRawBufferPointer?) throws(EBPFError) -> UInt64 {
    var contextBuffer = UnsafeRawBufferPointer(start: nil, count: 0)
    if let context, context.baseAddress != nil { contextBuffer = UnsafeRawBufferPointer(context) }
    var lent: [UnsafeRawBufferPointer] = []
    defer { for buffer in lent.reversed() { executor.withdraw(buffer) } }
    var context = MemoryRegion(base: 0, length: 0, writable: true)
    var regions: [MemoryRegion] = []
    do throws(ExecutorError) {
      let address = try executor.expose(contextBuffer, writable: true)
      lent.append(contextBuffer)
      context = MemoryRegion(
        base: UInt64(address), length: UInt64(contextBuffer.count), writable: true)
      for region in memoryMap.regions {
        let address = try executor.expose(region.buffer, writable: region.writable)
        lent.append(region.buffer)
        regions.append(
          MemoryRegion(base: UInt64(address), length: region.length, writable: region.writable))
      }
    } catch {
      throw .engineUnavailable(reason: "cannot lend memory to generated code: \(error.description)")
    }
    try checkHostStack()
    let run = try RunState(
      options: options, regions: regions, helperBox: helperBox, helperCall: helperCall,
      context: context, executor: executor)
    defer { run.deallocate() }
    if let interrupter = options.interrupter {
      interrupter.attach(
        (run.state + Int(FunctionEnvironment.interrupt)).assumingMemoryBound(to: UInt64.self))
    }
    defer { options.interrupter?.detach() }
    let r0: UInt64
    do {
      r0 = try executor.call(code.address, UInt(bitPattern: run.state), 0)
    } catch {
      throw .engineUnavailable(reason: "generated code failed: \(error.description)")
    }
    if run.load(FunctionEnvironment.status) == FunctionIR.Status.budgetExhausted.rawValue {
      return try stopped(run, context: context, regions: regions)
    }
    try run.check(limit: options.maxCallDepth)
    return r0
  }

  /// The code left at the start of a straight-line run (status
  /// `budgetExhausted`), registers saved: an interrupt, or a budget that
  /// does not cover the run, which the interpreter finishes exactly on the
  /// run's registers and memory.
  func stopped(_ run: RunState, context: MemoryRegion, regions: [MemoryRegion])
    throws(EBPFError) -> UInt64
  {
    typealias Env = FunctionEnvironment
    let site = Int(truncatingIfNeeded: run.load(Env.errorSite))
    if let interrupter = options.interrupter, interrupter.takeRequest() {
      throw .interrupted(index: site)
    }
    guard let budget = options.instructionBudget, let budgetFinisher else {
      // A poll saw the word set by a request another run consumed.
      throw .interrupted(index: site)
    }
    var registers = (0..<Env.stopRegisterCount).map { run.load(Env.stopRegister($0)) }
    let stack = MemoryRegion(
      base: UInt64(UInt(bitPattern: run.stack)), length: UInt64(run.stackSize), writable: true)
    return try budgetFinisher.finishBudget(
      at: site, registers: &registers, budget: budget,
      remaining: run.load(Env.budgetRemaining), stack: stack, context: context, regions: regions)
  }
}

/// The host stack a JIT run needs when its code runs natively.
public enum JITHostStack {
  /// Host stack one local call takes, at most, on every port: r6–r10 and
  /// the return address, 48 bytes on x86-64 (measured natively in
  /// `CallDepthTests`) and three register pairs, 48 bytes, on AArch64.
  public static let bytesPerFrame = 64
  /// Host stack kept for the entry frame and helper calls (Swift closures).
  public static let reserve = 32 << 10
}

extension JITProgram {
  /// Local calls recurse on the host stack when the code runs natively:
  /// refuses a `maxCallDepth` whose frames the calling thread's stack
  /// cannot hold (an emulator runs the code on a stack of its own).
  func checkHostStack() throws(EBPFError) {
    guard executor.runsNatively, let room = HostStack.remaining() else { return }
    let frames = max(0, room - JITHostStack.reserve) / JITHostStack.bytesPerFrame
    guard options.maxCallDepth <= frames else {
      throw .invalidCallDepth(requested: options.maxCallDepth, limit: frames)
    }
  }
}

extension MemoryRegion {
  /// The host bytes the region covers.
  var buffer: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(
      start: UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: base)),
      count: Int(truncatingIfNeeded: length))
  }
}

/// The JIT program of `host`'s port, running through a new executor of
/// `host`; fails if the port does not compile ``FunctionIR``.
public func makeJITProgram(
  host: HostTarget, program: Program, helpers: HelperTable = HelperTable(),
  options: ExecutionOptions = ExecutionOptions(), memoryMap: MemoryMap = MemoryMap(),
  maxProgramInstructions: Int = Checker.defaultMaxProgramInstructions
) throws(EBPFError) -> any CompiledProgram {
  guard let port = host.port as? any FunctionPort.Type else {
    throw .engineUnavailable(reason: "the \(host.port.facts.name) port does not compile eBPF")
  }
  let executor: any Executor
  do { executor = try host.makeExecutor() } catch {
    throw .engineUnavailable(reason: error.description)
  }
  return try open(
    port, program: program, helpers: helpers, options: options, memoryMap: memoryMap,
    maxProgramInstructions: maxProgramInstructions, executor: executor)
}

private func open<Port: FunctionPort>(
  _ port: Port.Type, program: Program, helpers: HelperTable, options: ExecutionOptions,
  memoryMap: MemoryMap, maxProgramInstructions: Int, executor: any Executor
) throws(EBPFError) -> any CompiledProgram {
  try JITProgram<Port>(
    program: program, helpers: helpers, options: options, memoryMap: memoryMap,
    maxProgramInstructions: maxProgramInstructions, executor: executor)
}
