/// Which engine executes guest code.
public enum Engine: String, Sendable, CaseIterable {
  /// Compile to host code with the VM's host port (`HostTarget`).
  case jit
  /// The portable reference interpreter.
  case interpreter
}

/// The inline page walk of generated code. Both use the same pages; they
/// differ only in the tables generated code reads.
public enum PageWalk: String, Sendable, CaseIterable {
  /// The RV32IM spec's structure: 16-bit page table → pool index → tag check.
  case pageTable
  /// One load from a direct table of host biases indexed by guest page
  /// number, kept in step with the page table (faster: one dependent load).
  case direct
  /// The direct tables without a test of the entry: a page that takes the
  /// slow path sends the access into 4 GiB of reserved address space beside
  /// the state block, whose fault the process-wide SIGSEGV handler of flat
  /// memory sends to the slow path (`PagedReservation`). Only misaligned
  /// accesses are tested. Fastest; natively on Linux with a port that
  /// implements it (x86-64), `direct` elsewhere. Like flat memory, it
  /// installs the handler, so an embedding app opts in (`kiln run` does).
  case faulting
}

/// How guest memory is laid out in the host.
public enum MemoryMode: String, Sendable, CaseIterable {
  /// The RV32IM spec's design: a page pool and a 2^20-entry page table that
  /// generated code walks inline on every access (`Config.pageWalk`).
  /// Portable; allocates the pool up front.
  case paged
  /// 4 GiB of reserved host address space per VM; a guest access is one host
  /// instruction, pages are mapped on first touch by a process-wide SIGSEGV
  /// handler that counts them against `maxMemoryPages`. Faster; Linux only,
  /// and the JIT needs a port with a native fault path and native execution
  /// (`VMError.flatMemoryUnavailable` otherwise).
  case flat

  /// True where `.flat` can be used (Linux).
  public static var flatAvailable: Bool { FlatReservation.isSupported }

  /// `.flat` where it is available, else `.paged`.
  public static var hostDefault: MemoryMode { flatAvailable ? .flat : .paged }
}

/// VM configuration, validated by `VirtualMachine.init`.
public struct Config: Sendable {
  /// Size of the guest page pool in 4 KiB pages (1...65536; paged memory
  /// maps at most 65,535 at once). Default 64 MiB.
  public var maxMemoryPages: Int = 16384
  /// Size of the executable code buffer in bytes: at least 64 KiB, and no
  /// more than the port's direct branches reach (`PortFacts.maxCodeSize`;
  /// 1 GiB on x86-64, 128 MiB on AArch64). When it is full, all compiled
  /// code is dropped and recompiled on demand. Default 128 MiB: address
  /// space only, host memory is used as code is written (a straight-line
  /// program of 20 M RV32 instructions fills it on x86-64).
  public var maxCodeSize: Int = 128 << 20
  /// Bytes of the spill stack that bounds nested `callFunction` calls (one
  /// register set per level; at least one set). Default 64 KiB. Nesting is
  /// also bounded by the calling thread's host stack, whatever this allows
  /// (`RuntimeError.stackOverflow` either way).
  public var maxStackDepth: Int = 64 << 10
  /// The JIT needs a host port: `VirtualMachine(config:host:…)` takes one,
  /// and `KilnHosts` gives the native one (`Engine.hostDefault` there is the
  /// JIT where this machine has a port, else the interpreter).
  public var engine: Engine = .jit
  /// EBREAK stops with `RuntimeError.breakpoint` instead of being a no-op.
  public var haltOnBreakpoint = false
  /// Paged or flat guest memory. The library default is the spec's paged
  /// memory: flat memory reserves 4 GiB of address space per VM and installs
  /// a process-wide SIGSEGV handler, which an embedding app should opt into
  /// (`kiln run` does, on Linux x86-64).
  public var memoryMode: MemoryMode = .paged
  /// How generated code walks the page table (JIT, paged memory only).
  public var pageWalk: PageWalk = .direct
  /// Longest straight-line run of guest instructions compiled as one block.
  public var maxBlockInstructions = 64
  /// The instruction budget of a run: each outermost `run`/`callFunction`
  /// (nested calls share their caller's) stops with
  /// `RuntimeError.instructionBudgetExhausted` after exactly this many
  /// guest instructions, at the same pc with the same registers on every
  /// engine. Nil: no budget, and the JIT emits no check code.
  public var instructionBudget: UInt64? = nil
  /// Lets `VirtualMachine.interrupter` stop a running guest from another
  /// thread (`RuntimeError.interrupted`). The JIT then checks at every region
  /// entry (x86-64) or block entry (AArch64), as with a budget (the same check; its cost is measured in the
  /// README); without a budget and this flag it emits no check at all.
  public var interruptible = false
  /// Tiered compilation: how many times a block runs in the interpreter
  /// before the JIT compiles it (0...1,000,000). 0, the library default,
  /// compiles every block before its first run. With 1, code that runs
  /// once (start-up code, straight-line programs) is never compiled, and a
  /// loop is compiled, as a region from its head, when it comes round the
  /// second time. Interpreted blocks behave exactly as compiled ones (the
  /// same results, errors and self-modifying-code rules). With an
  /// `instructionBudget` or `interruptible` every block is compiled at once
  /// (the budget's exact stop is kept by the JIT's own accounting).
  public var compileThreshold = 0

  public init() {}

  public static let maxCompileThreshold = 1_000_000

  public static let maxPages = 65536
  public static let minCodeSize = 64 << 10

  /// Whether runs count instructions (a budget, or interrupts).
  var countsInstructions: Bool { instructionBudget != nil || interruptible }
}
