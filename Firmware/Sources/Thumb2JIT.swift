#if KILN_THUMB2_JIT
  import EBPF
  import KilnCore
  import KilnIR
  import Thumb2Port

  /// A program compiled by `Thumb2Port` into the static code buffer
  /// (`Runtime/jit.c`), with what its runs need: the helper table (reached
  /// by the helper trampoline through the state block's `hostContext`) and
  /// the run-time options it was compiled for.
  ///
  /// The code buffer is handed out as a stack: a program takes the bytes
  /// above the last one loaded and gives them back when it is freed while
  /// on top (the conformance run loads, runs and drops one program at a
  /// time; the benchmark keeps two).
  final class Thumb2Program {
    let helpers: HelperTable
    let options: ExecutionOptions
    /// Offset and size of the code in the buffer.
    let offset: Int
    let size: Int

    init(code: [UInt8], helpers: HelperTable, options: ExecutionOptions) throws(EBPFError) {
      let start = (CodeBuffer.top + 7) & ~7
      guard start + code.count <= Int(KILN_CODE_CAPACITY) else {
        throw .engineUnavailable(
          reason: "code buffer full: \(code.count) bytes at \(start) of \(KILN_CODE_CAPACITY)")
      }
      let memory = UnsafeMutableRawPointer(kiln_code_memory()!)
      code.withUnsafeBytes { bytes in
        (memory + start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
      }
      kiln_code_sync()
      offset = start
      size = code.count
      CodeBuffer.top = start + code.count
      self.helpers = helpers
      self.options = options
    }

    deinit {
      if CodeBuffer.top == offset + size { CodeBuffer.top = offset }
    }

    /// The entry address, Thumb bit clear.
    var address: UInt { UInt(bitPattern: kiln_code_memory()) + UInt(offset) }
  }

  /// The first free byte of the code buffer.
  enum CodeBuffer {
    nonisolated(unsafe) static var top = 0
  }

  /// Checks `program` (as the hosted JIT does), translates it to FunctionIR
  /// and compiles it for the Cortex-M4.
  func compileForThumb2(_ program: Program, helpers: HelperTable) throws(EBPFError)
    -> Thumb2Program
  {
    let options = ExecutionOptions()
    try options.validate()
    try Checker(helpers: helpers, maxProgramInstructions: Checker.defaultMaxProgramInstructions)
      .check(program)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: options.boundsChecks,
      maxCallDepth: options.maxCallDepth, frameSize: ExecutionOptions.stackFrameSize)
    let function = try Translator.translate(program)
    let code: [UInt8]
    do {
      code = try Thumb2Port.compile(function, environment: environment, baseAddress: 0)
    } catch {
      throw .engineUnavailable(reason: "code generation failed: \(error.description)")
    }
    return try Thumb2Program(code: code, helpers: helpers, options: options)
  }

  typealias Env = FunctionEnvironment

  /// The compiled entry: AAPCS `(state) -> UInt64` (r0:r1).
  typealias Thumb2Entry = @convention(c) (UnsafeMutableRawPointer) -> UInt64

  /// Runs `compiled` once, with a state block and eBPF stack of its own (as
  /// `EBPFJIT.RunState` does), and turns the status the run left into the
  /// interpreter's error.
  func runThumb2(_ compiled: Thumb2Program, context: UnsafeMutableRawBufferPointer?)
    throws(EBPFError) -> UInt64
  {
    var base: UInt64 = 0
    var length: UInt64 = 0
    if let context, let start = context.baseAddress {
      base = UInt64(UInt(bitPattern: start))
      length = UInt64(context.count)
    }
    let stackSize = ExecutionOptions.stackFrameSize * compiled.options.maxCallDepth
    let regionCount = 2
    let stateSize = Env.stateSize(regionCount: regionCount)
    let stack = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
    let state = UnsafeMutableRawPointer.allocate(byteCount: stateSize, alignment: 16)
    defer {
      stack.deallocate()
      state.deallocate()
    }
    stack.initializeMemory(as: UInt8.self, repeating: 0, count: stackSize)
    state.initializeMemory(as: UInt8.self, repeating: 0, count: stateSize)
    func set(_ offset: Int32, _ value: UInt64) {
      state.storeBytes(of: value, toByteOffset: Int(offset), as: UInt64.self)
    }
    let stackBase = UInt64(UInt(bitPattern: stack))
    set(Env.callDepth, 1)
    set(
      Env.helperCall,
      UInt64(UInt(bitPattern: unsafeBitCast(thumb2HelperTrampoline, to: UnsafeRawPointer.self))))
    set(Env.argument1, base)
    set(Env.argument2, length)
    set(Env.frameTop, stackBase + UInt64(stackSize))
    let regions: [(base: UInt64, length: UInt64)] = [
      (stackBase, UInt64(stackSize)), (base, length),
    ]
    for i in 0..<regionCount {
      let r = regions[i]
      set(Env.regionBase(i), r.base)
      for s: UInt64 in [1, 2, 4, 8] {
        set(Env.regionLimit(i, size: Int(s)), r.length >= s ? r.length - s + 1 : 0)
      }
    }
    set(Env.hostContext, UInt64(UInt(bitPattern: Unmanaged.passUnretained(compiled).toOpaque())))
    // The entry is Thumb code: call it with bit 0 set.
    let entry = unsafeBitCast(compiled.address | 1, to: Thumb2Entry.self)
    let r0 = entry(state)
    try checkStatus(state, contextLength: length, limit: compiled.options.maxCallDepth)
    return r0
  }

  /// `RunState.check`: the run's status as an ``EBPFError``.
  private func checkStatus(_ state: UnsafeMutableRawPointer, contextLength: UInt64, limit: Int)
    throws(EBPFError)
  {
    func load(_ offset: Int32) -> UInt64 {
      state.load(fromByteOffset: Int(offset), as: UInt64.self)
    }
    guard let status = FunctionIR.Status(rawValue: load(Env.status)) else {
      throw .engineUnavailable(reason: "internal error: unknown run status \(load(Env.status))")
    }
    let site = Int(load(Env.errorSite))
    let address = load(Env.errorAddress)
    let detail = load(Env.errorDetail)
    func decodedAccess() throws(EBPFError) -> AccessDescriptor {
      guard let access = AccessDescriptor(encoded: detail) else {
        throw .engineUnavailable(reason: "internal error: bad access descriptor \(detail)")
      }
      return access
    }
    switch status {
    case .ok: return
    case .outOfBounds:
      let access = try decodedAccess()
      throw .outOfBounds(index: site, address: address, size: access.size, isWrite: access.isWrite)
    case .packetOutOfBounds:
      throw .packetOutOfBounds(
        index: site, offset: address, size: try decodedAccess().size, length: contextLength)
    case .callDepthExceeded: throw .callDepthExceeded(index: site, limit: limit)
    case .unknownHelper: throw .unknownHelper(index: site, id: address)
    case .budgetExhausted:
      // The firmware compiles without a budget (no `budget` ops): never set.
      throw .engineUnavailable(reason: "internal error: budget status without a budget")
    }
  }

  /// The single host call of the compiled code: `(r1, r2, r3, r4, r5,
  /// state) -> r0`, the helper id in the state's `helperID`, the program in
  /// its `hostContext` (an unmanaged reference: the program outlives the
  /// run). An unknown id records `unknownHelper`, as `EBPFJIT`'s trampoline.
  let thumb2HelperTrampoline:
    @convention(c) (UInt64, UInt64, UInt64, UInt64, UInt64, UnsafeMutableRawPointer) -> UInt64 = {
      a1, a2, a3, a4, a5, state in
      let id = state.load(fromByteOffset: Int(Env.helperID), as: UInt64.self)
      let word = state.load(fromByteOffset: Int(Env.hostContext), as: UInt64.self)
      guard let raw = UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: word)) else {
        return 0
      }
      let program = Unmanaged<Thumb2Program>.fromOpaque(raw).takeUnretainedValue()
      guard let helper = program.helpers.function(for: id) else {
        state.storeBytes(
          of: FunctionIR.Status.unknownHelper.rawValue, toByteOffset: Int(Env.status),
          as: UInt64.self)
        state.storeBytes(of: id, toByteOffset: Int(Env.errorAddress), as: UInt64.self)
        return 0
      }
      return helper(a1, a2, a3, a4, a5)
    }
#endif
