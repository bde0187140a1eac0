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
    /// The helpers of ids below `helperSlotCount`, indexed by id (nil: none
    /// registered), so that a call finds its helper without hashing; other
    /// ids go through `helpers`.
    let helperSlots: UnsafeMutablePointer<HelperSlot>
    let helperSlotCount: Int
    /// The eBPF stack and the state block of a run, allocated once per
    /// program (a run re-zeroes the stack and rewrites the state); a run
    /// that starts while another one is active (a helper running the same
    /// program) allocates its own.
    let stack: UnsafeMutableRawPointer
    let state: UnsafeMutablePointer<UInt64>
    let stackSize: Int
    /// Bytes at the top of the stack a run can reach (`reachableStackBytes`):
    /// the ones a run zeroes.
    let stackReach: Int
    var running = false
    /// Whether `state` holds the fields no run changes (helper call, frame
    /// top, the stack region, host context): written at load.
    var statePrepared = false
    /// Where a run writes in the state block.
    let words: StateWords

    static let maxHelperSlots = 64
    static let regionCount = 2

    init(code: [UInt8], helpers: HelperTable, options: ExecutionOptions, stackReach: Int)
      throws(EBPFError)
    {
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
      let count = min((helpers.ids.last.map { Int($0) } ?? -1) + 1, Self.maxHelperSlots)
      helperSlotCount = count
      helperSlots = .allocate(capacity: max(count, 1))
      for id in 0..<count {
        (helperSlots + id).initialize(to: HelperSlot(function: helpers.function(for: UInt64(id))))
      }
      words = StateWords(regionCount: Self.regionCount)
      stackSize = Self.stackSize(options)
      stack = .allocate(byteCount: stackSize, alignment: 16)
      self.stackReach = min(stackReach, stackSize)
      state = .allocate(capacity: words.count)
      prepareState(state, of: self, stack: stack)
      statePrepared = true
    }

    deinit {
      if CodeBuffer.top == offset + size { CodeBuffer.top = offset }
      helperSlots.deinitialize(count: helperSlotCount)
      helperSlots.deallocate()
      stack.deallocate()
      state.deallocate()
    }

    /// The entry address, Thumb bit clear.
    var address: UInt { UInt(bitPattern: kiln_code_memory()) + UInt(offset) }

    static func stackSize(_ options: ExecutionOptions) -> Int {
      ExecutionOptions.stackFrameSize * options.maxCallDepth
    }

    /// The helper of `id` (nil: none registered).
    @inline(__always)
    func helper(_ id: UInt64) -> HelperFunction? {
      id < UInt64(helperSlotCount) ? helperSlots[Int(id)].function : helpers.function(for: id)
    }
  }

  /// One helper of ``Thumb2Program/helperSlots``. The struct keeps the
  /// closure in its own (substituted) representation: stored directly in
  /// generic memory (`UnsafeMutablePointer<HelperFunction?>`, a dictionary)
  /// it is kept maximally abstracted, and every call would allocate a
  /// reabstraction thunk.
  struct HelperSlot {
    let function: HelperFunction?
  }

  /// The first free byte of the code buffer.
  enum CodeBuffer {
    nonisolated(unsafe) static var top = 0
  }

  /// Checks `program` (as the hosted JIT does), translates it to FunctionIR
  /// and compiles it for the Cortex-M4.
  func compileForThumb2(
    _ program: Program, helpers: HelperTable, facts: HelperFacts = HelperFacts()
  ) throws(EBPFError) -> Thumb2Program {
    let options = ExecutionOptions()
    try options.validate()
    try Checker(helpers: helpers, maxProgramInstructions: Checker.defaultMaxProgramInstructions)
      .check(program)
    var environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: options.boundsChecks,
      maxCallDepth: options.maxCallDepth, frameSize: ExecutionOptions.stackFrameSize)
    // Helpers with a C entry point are called directly (no trampoline).
    environment.directHelpers = facts.direct
    var function = try Translator.translate(program)
    // A 32-bit helper result, zero-extended, is then a fact of the IR.
    function = zeroExtendingResults(of: facts.narrowResults, in: function)
    // One run of the range analysis gives both the access facts (bounds
    // checks left out) and the word facts (single-register homes).
    let analysis = FunctionIR.RangeAnalysis.factsAndWordFacts(
      for: function, frameSize: environment.frameSize, lengthFits: true)
    if options.boundsChecks { function.accessFacts = analysis.facts }
    let code: [UInt8]
    do {
      code = try Thumb2Port.compile(
        function, environment: environment, baseAddress: 0,
        hints: Thumb2Port.Hints(wordFacts: analysis.words, helperArguments: facts.arguments))
    } catch {
      throw .engineUnavailable(reason: "code generation failed: \(error.description)")
    }
    let reach = reachableStackBytes(
      function, frameSize: environment.frameSize, stackSize: Thumb2Program.stackSize(options),
      memoryFree: facts.memoryFree, provenReach: analysis.frameReach)
    return try Thumb2Program(code: code, helpers: helpers, options: options, stackReach: reach)
  }

  typealias Env = FunctionEnvironment

  /// The compiled entry: AAPCS `(state) -> UInt64` (r0:r1).
  typealias Thumb2Entry = @convention(c) (UnsafeMutableRawPointer) -> UInt64

  /// The state block's fields a run writes, as indices of its 8-byte
  /// words, found once per program: `FunctionEnvironment`'s offsets are
  /// lazily initialised globals, and in Embedded Swift every read of one
  /// checks its initialisation (about 15 instructions each).
  struct StateWords {
    /// Words `0..<cleared` (status, errorSite, errorAddress, errorDetail,
    /// savedStack, callDepth, helperID: what code and trampoline write)
    /// are zeroed before each run.
    let cleared: Int
    let status: Int
    let callDepth: Int
    let argument1: Int
    let argument2: Int
    /// The context region's base and limit[1, 2, 4, 8].
    let contextBase: Int
    let contextLimits: (Int, Int, Int, Int)
    /// The state block's size in words.
    let count: Int

    init(regionCount: Int) {
      func word(_ offset: Int32) -> Int { Int(offset) / 8 }
      cleared = word(Env.helperID) + 1
      status = word(Env.status)
      callDepth = word(Env.callDepth)
      argument1 = word(Env.argument1)
      argument2 = word(Env.argument2)
      contextBase = word(Env.regionBase(Env.contextRegion))
      contextLimits = (
        word(Env.regionLimit(Env.contextRegion, size: 1)),
        word(Env.regionLimit(Env.contextRegion, size: 2)),
        word(Env.regionLimit(Env.contextRegion, size: 4)),
        word(Env.regionLimit(Env.contextRegion, size: 8))
      )
      count = (Env.stateSize(regionCount: regionCount) + 7) / 8
    }
  }

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
    let w = compiled.words
    let stackSize = compiled.stackSize
    // The program's own buffers, unless a run of it is active already.
    let reentered = compiled.running
    let stack =
      reentered
      ? UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16) : compiled.stack
    let state =
      reentered ? UnsafeMutablePointer<UInt64>.allocate(capacity: w.count) : compiled.state
    compiled.running = true
    defer {
      if reentered {
        stack.deallocate()
        state.deallocate()
      } else {
        compiled.running = false
      }
    }
    // Every run starts from a zeroed stack, as the interpreter's: the bytes
    // below the frame top it can reach (a multiple of 8): a few words
    // directly, more with memset (64 bytes per loop iteration,
    // Runtime/libc.c).
    let reach = compiled.stackReach
    if reach > 64 {
      (stack + (stackSize - reach)).initializeMemory(as: UInt8.self, repeating: 0, count: reach)
    } else if reach > 0 {
      (stack + (stackSize - reach)).initializeMemory(
        as: UInt64.self, repeating: 0, count: reach / 8)
    }
    // The fields a run writes (`StateWords.cleared`) are 0 here: from
    // `prepareState`, and after a failed run (below). A run that succeeds
    // leaves the status 0, and every path that sets a status writes the
    // fields `checkStatus` reads for it, so nothing else needs clearing.
    if reentered || !compiled.statePrepared {
      prepareState(state, of: compiled, stack: stack)
      if !reentered { compiled.statePrepared = true }
    }
    state[w.callDepth] = 1
    state[w.argument1] = base
    state[w.argument2] = length
    state[w.contextBase] = base
    state[w.contextLimits.0] = length
    state[w.contextLimits.1] = length >= 2 ? length - 1 : 0
    state[w.contextLimits.2] = length >= 4 ? length - 3 : 0
    state[w.contextLimits.3] = length >= 8 ? length - 7 : 0
    // The entry is Thumb code: call it with bit 0 set.
    let entry = unsafeBitCast(compiled.address | 1, to: Thumb2Entry.self)
    let r0 = entry(UnsafeMutableRawPointer(state))
    if state[w.status] != 0 {
      defer { for i in 0..<w.cleared { state[i] = 0 } }
      try checkStatus(
        UnsafeMutableRawPointer(state), contextLength: length,
        limit: compiled.options.maxCallDepth)
    }
    return r0
  }

  /// Writes every field of a fresh state block for `compiled` with `stack`
  /// (0 except the fields no run changes: helper call, frame top, the stack
  /// region, host context); `runThumb2` then writes the per-run ones.
  private func prepareState(
    _ state: UnsafeMutablePointer<UInt64>, of compiled: Thumb2Program,
    stack: UnsafeMutableRawPointer
  ) {
    state.initialize(repeating: 0, count: compiled.words.count)
    func set(_ offset: Int32, _ value: UInt64) { state[Int(offset) / 8] = value }
    let stackBase = UInt64(UInt(bitPattern: stack))
    let stackSize = compiled.stackSize
    let trampoline = unsafeBitCast(thumb2HelperTrampoline, to: UnsafeRawPointer.self)
    set(Env.helperCall, UInt64(UInt(bitPattern: trampoline)))
    set(Env.frameTop, stackBase + UInt64(stackSize))
    set(Env.regionBase(Env.stackRegion), stackBase)
    set(Env.regionLimit(Env.stackRegion, size: 1), UInt64(stackSize))
    set(Env.regionLimit(Env.stackRegion, size: 2), UInt64(stackSize - 1))
    set(Env.regionLimit(Env.stackRegion, size: 4), UInt64(stackSize - 3))
    set(Env.regionLimit(Env.stackRegion, size: 8), UInt64(stackSize - 7))
    let program = Unmanaged.passUnretained(compiled).toOpaque()
    set(Env.hostContext, UInt64(UInt(bitPattern: program)))
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
      // The program outlives the run: borrow it without retain/release.
      return Unmanaged<Thumb2Program>.fromOpaque(raw)._withUnsafeGuaranteedRef { program in
        guard let helper = program.helper(id) else {
          state.storeBytes(
            of: FunctionIR.Status.unknownHelper.rawValue, toByteOffset: Int(Env.status),
            as: UInt64.self)
          state.storeBytes(of: id, toByteOffset: Int(Env.errorAddress), as: UInt64.self)
          return 0
        }
        return helper(a1, a2, a3, a4, a5)
      }
    }
#endif
