import EBPF

/// The engines that can run eBPF on the device.
///
/// Which one the image uses is decided here, once: the interpreter today;
/// the Thumb-2 JIT when the `Thumb2Port` module lands (build with
/// `Firmware/build.sh --engine thumb2`, which defines `KILN_THUMB2_JIT`).
/// Everything else in the firmware goes through ``load(_:helpers:)`` and
/// ``run(_:context:)`` and does not know which engine it got.
enum Engine {
  case interpreter
  case thumb2JIT

  #if KILN_THUMB2_JIT
    static let selected = Engine.thumb2JIT
  #else
    static let selected = Engine.interpreter
  #endif

  var name: String {
    switch self {
    case .interpreter: "interpreter"
    case .thumb2JIT: "thumb2-jit"
    }
  }
}

/// A program made ready to run by one engine: checked (interpreter) or
/// compiled (JIT). Loading is what the benchmark counts as the load cost.
/// The interpreter's case is boxed: a copy of the enum (each run takes one
/// from the caller's storage) is then one reference, not the
/// `Interpreter` struct's bytes (a `memcpy` of about 180 instructions).
enum LoadedProgram {
  indirect case interpreter(Interpreter)
  #if KILN_THUMB2_JIT
    case thumb2(Thumb2Program)
  #endif
}

/// What the firmware knows of some of its helpers beyond the table, for a
/// JIT (the interpreter calls the table's closures and needs none of it).
struct HelperFacts {
  /// C entry points, by id, which a JIT may call without the helper table
  /// (each the same function as the table's).
  var direct: [UInt32: UInt64] = [:]
  /// How many 64-bit arguments the C entry point of `direct[id]` takes
  /// (fewer than five: a call passes only those).
  var arguments: [UInt32: Int] = [:]
  /// Helpers whose result is always below 2^32 (their C function returns
  /// `uint32_t`): the JIT zero-extends the 32-bit result into r0.
  var narrowResults: [UInt32] = []
  /// Helpers that access no memory through their arguments (a JIT then
  /// zeroes only the stack a run can reach).
  var memoryFree: [UInt32] = []
}

/// Checks (and, for a JIT, compiles) `program` for the selected engine.
func load(_ program: Program, helpers: HelperTable, facts: HelperFacts = HelperFacts())
  throws(EBPFError) -> LoadedProgram
{
  switch Engine.selected {
  case .interpreter: return try loadForInterpreter(program, helpers: helpers)
  case .thumb2JIT: return try loadForThumb2JIT(program, helpers: helpers, facts: facts)
  }
}

/// Runs a loaded program once with `context` as its memory (`r1`, `r2`).
func run(_ loaded: LoadedProgram, context: UnsafeMutableRawBufferPointer?) throws(EBPFError)
  -> UInt64
{
  switch loaded {
  case .interpreter(let vm): return try vm.run(context: context)
  #if KILN_THUMB2_JIT
    case .thumb2(let compiled): return try runThumb2(compiled, context: context)
  #endif
  }
}

/// Loads and runs once.
func run(program: Program, context: UnsafeMutableRawBufferPointer?, helpers: HelperTable)
  throws(EBPFError) -> UInt64
{
  try run(load(program, helpers: helpers), context: context)
}

// MARK: - One function per engine

/// Kiln's reference interpreter: the checker runs here, at load time.
func loadForInterpreter(_ program: Program, helpers: HelperTable) throws(EBPFError)
  -> LoadedProgram
{
  .interpreter(try Interpreter(program: program, helpers: helpers))
}

/// The Thumb-2 JIT: compile into a static SRAM code buffer (no mmap on the
/// MCU), DSB + ISB after writing the code (the M4 has no instruction cache),
/// call the entry with the Thumb bit set.
func loadForThumb2JIT(_ program: Program, helpers: HelperTable, facts: HelperFacts)
  throws(EBPFError) -> LoadedProgram
{
  #if KILN_THUMB2_JIT
    .thumb2(try compileForThumb2(program, helpers: helpers, facts: facts))
  #else
    throw .engineUnavailable(reason: "this image is built without the Thumb-2 JIT (Thumb2Port)")
  #endif
}
