/// Which engine executes guest code.
public enum Engine: String, Sendable, CaseIterable {
  /// Compile to host code (x86-64 hosts).
  case jit
  /// The portable reference interpreter.
  case interpreter

  /// The JIT where this host has a port, else the interpreter.
  public static var hostDefault: Engine {
    #if arch(x86_64)
      .jit
    #else
      .interpreter
    #endif
  }
}

/// The inline page walk of generated code. Both use the same pages; they
/// differ only in the tables generated code reads.
public enum PageWalk: String, Sendable, CaseIterable {
  /// The RV32IM spec's structure: 16-bit page table → pool index → tag check.
  case pageTable
  /// One load from a direct table of host biases indexed by guest page
  /// number, kept in step with the page table (faster: one dependent load).
  case direct
}

/// VM configuration, validated by `VirtualMachine.init`.
public struct Config: Sendable {
  /// Size of the guest page pool in 4 KiB pages (1...65536). Default 64 MiB.
  public var maxMemoryPages: Int = 16384
  /// Size of the executable code buffer in bytes (64 KiB ... 1 GiB). Default 1 MiB.
  public var maxCodeSize: Int = 1 << 20
  /// Bytes of the spill stack that bounds nested `callFunction` calls (one
  /// register set per level; at least one set). Default 64 KiB.
  public var maxStackDepth: Int = 64 << 10
  public var engine: Engine = .hostDefault
  /// EBREAK stops with `RuntimeError.breakpoint` instead of being a no-op.
  public var haltOnBreakpoint = false
  /// How generated code walks the page table (JIT only).
  public var pageWalk: PageWalk = .direct
  /// Longest straight-line run of guest instructions compiled as one block.
  public var maxBlockInstructions = 64

  public init() {}

  public static let maxPages = 65536
  public static let minCodeSize = 64 << 10
  public static let maxCodeSizeLimit = 1 << 30
}
