import CUnicorn
import CUnicornShim

/// One Unicorn CPU with its memory map and hooks.
///
/// Kiln runs generated host code of another ISA with it. Memory is normally
/// *identity mapped* (``mapIdentity(_:size:permissions:)``): host memory at
/// host address A appears to emulated code at address A, so pointers that
/// Swift stores into memory are valid for emulated code and back.
///
/// Not `Sendable`: a Unicorn engine is single-threaded, and hooks run on the
/// thread that called ``run(from:until:instructionLimit:)``. Use one emulator
/// from one thread (or task) at a time.
public final class Emulator {
  public let architecture: Architecture
  /// The `uc_engine *`. Owned: closed in `deinit`.
  let engine: OpaquePointer
  /// The boxes of installed hooks, retained here while their hook exists
  /// (Unicorn holds them only as unretained `user_data`).
  var hookBoxes: [Hook: Unmanaged<AnyObject>] = [:]
  /// Boxes of hooks removed during a run, released when the outermost run
  /// ends (a hook may remove itself while its closure is executing).
  var retiredBoxes: [Unmanaged<AnyObject>] = []
  /// Nesting depth of `run` (a hook may start a nested run).
  var runDepth = 0
  /// Bytes of code invalidated since the translation buffer was last
  /// flushed (``invalidateCode(from:to:)``).
  var invalidatedBytes = 0
  /// Whole-buffer flushes done so far (for tests).
  public private(set) var translationFlushes = 0
  /// Invalidated bytes after which the next outermost run flushes first.
  public var flushThreshold = 1 << 20
  /// The instruction counter, written by the counting hook (see ``countInstructions``).
  let counter: UnsafeMutablePointer<UInt64>
  /// The counting hook while ``countInstructions`` is on.
  var countHook: uc_hook?

  /// Opens a Unicorn engine for `architecture`.
  ///
  /// - Parameter cpuModel: a `UC_CPU_X86_*`, `UC_CPU_ARM64_*` or
  ///   `UC_CPU_ARM_*` value; `nil` takes ``Architecture/defaultCPUModel``
  ///   (Cortex-M4 for ``Architecture/thumb``).
  public init(architecture: Architecture, cpuModel: Int32? = nil) throws(EmulatorError) {
    var handle: OpaquePointer?
    let opened = uc_open(architecture.unicornArch, architecture.unicornMode, &handle)
    guard opened == UC_ERR_OK, let handle else { throw EmulatorError(opened, "uc_open") }
    if let model = cpuModel ?? architecture.defaultCPUModel {
      // Must come before anything initialises the CPU (mapping memory,
      // touching registers); Unicorn fails it with UC_ERR_ARG afterwards.
      let result = kiln_uc_set_cpu_model(handle, model)
      guard result == UC_ERR_OK else {
        uc_close(handle)
        throw EmulatorError(result, "uc_ctl_set_cpu_model")
      }
    }
    self.architecture = architecture
    self.engine = handle
    counter = .allocate(capacity: 1)
    counter.initialize(to: 0)
  }

  deinit {
    // Close first: after uc_close no hook can run, so the boxes can go.
    uc_close(engine)
    for box in hookBoxes.values { box.release() }
    for box in retiredBoxes { box.release() }
    counter.deallocate()
  }

  /// The CPU model Unicorn runs (`uc_ctl_get_cpu_model`).
  public var cpuModel: Int32 {
    var model: Int32 = -1
    _ = kiln_uc_get_cpu_model(engine, &model)
    return model
  }

  /// Runs emulated code from `begin` until the program counter reaches `end`
  /// (`uc_emu_start`), an error, ``stop()``, or `instructionLimit`
  /// instructions have run.
  ///
  /// On ``Architecture/thumb``, `begin` is a code address; the Thumb bit is
  /// set here (Unicorn takes it from bit 0 of the start address).
  ///
  /// - Throws: ``EmulatorError/unicorn(function:code:message:pc:)`` with the
  ///   program counter where emulation stopped. For a fetch fault that is the
  ///   address that could not be fetched; for an invalid instruction, that
  ///   instruction. For a data fault (a load or store to unmapped or
  ///   protected memory) Unicorn 2.0.1 reports the start of the translated
  ///   block holding the faulting instruction (the registers are those
  ///   before that instruction), unless a code hook covers it, for example
  ///   while ``countInstructions`` is on: then the PC is the faulting
  ///   instruction's.
  public func run(from begin: UInt64, until end: UInt64, instructionLimit: Int? = nil)
    throws(EmulatorError)
  {
    if let instructionLimit {
      // Unicorn reads a count of 0 as "no limit".
      precondition(instructionLimit > 0, "instructionLimit must be positive")
    }
    let start = architecture == .thumb ? begin | 1 : begin
    if runDepth == 0, invalidatedBytes >= flushThreshold {
      try check(kiln_uc_flush_tb(engine), "uc_ctl_flush_tlb")
      invalidatedBytes = 0
      translationFlushes += 1
    }
    runDepth += 1
    let result = uc_emu_start(engine, start, end, 0, instructionLimit ?? 0)
    runDepth -= 1
    if runDepth == 0 {
      for box in retiredBoxes { box.release() }
      retiredBoxes.removeAll()
    }
    try check(result, "uc_emu_start", pc: programCounter)
  }

  /// Asks a running emulation to stop (`uc_emu_stop`); for hooks. Called
  /// from a code hook, the hooked instruction does not run:
  /// ``run(from:until:instructionLimit:)`` returns normally with the program
  /// counter at that instruction.
  public func stop() {
    _ = uc_emu_stop(engine)
  }
}
