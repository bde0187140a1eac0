/// Errors creating or loading a VM.
public enum VMError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidMaxMemoryPages(Int)
  /// Below `Config.minCodeSize`, or beyond what the port's branches reach (`limit`).
  case invalidMaxCodeSize(Int, limit: Int)
  case invalidMaxStackDepth(Int)
  case invalidMaxBlockInstructions(Int)
  case invalidCompileThreshold(Int)
  case allocationFailed(bytes: Int)
  case memory(MemoryError)
  case jitUnavailable(String)
  /// `MemoryMode.flat` cannot be used here (host, address space, handler registry).
  case flatMemoryUnavailable(String)

  public var description: String {
    switch self {
    case .invalidMaxMemoryPages(let n):
      "maxMemoryPages must be in 1...\(Config.maxPages), got \(n)"
    case .invalidMaxCodeSize(let n, let limit):
      "maxCodeSize must be in \(Config.minCodeSize)...\(limit) bytes, got \(n)"
    case .invalidMaxStackDepth(let n):
      "maxStackDepth must hold at least one register set (\(SpillStack.frameBytes) bytes) and at most 64 MiB, got \(n)"
    case .invalidMaxBlockInstructions(let n): "maxBlockInstructions must be in 1...4096, got \(n)"
    case .invalidCompileThreshold(let n):
      "compileThreshold must be in 0...\(Config.maxCompileThreshold), got \(n)"
    case .allocationFailed(let bytes): "could not allocate \(bytes) bytes"
    case .memory(let e): e.description
    case .jitUnavailable(let why): "JIT unavailable: \(why)"
    case .flatMemoryUnavailable(let why): "flat memory unavailable: \(why)"
    }
  }
}

/// Errors of the memory API (`readMemory`, `writeMemory`, loading).
public enum MemoryError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The page pool has no free page for `address`.
  case outOfMemory(address: UInt32)
  /// `address + count` goes past the end of the 32-bit address space.
  case addressOverflow(address: UInt32, count: Int)
  /// A guest store to a read-only page (`VirtualMachine.protect`).
  case writeProtected(address: UInt32)

  public var description: String {
    switch self {
    case .outOfMemory(let a): "guest memory exhausted mapping address \(hex(a))"
    case .addressOverflow(let a, let n): "\(n) bytes at \(hex(a)) go past the 4 GiB address space"
    case .writeProtected(let a): "write to read-only guest memory at \(hex(a))"
    }
  }
}

extension MemoryError {
  /// The first byte of a guest access at `access` that this error of its
  /// `load`/`store` refused, which a fault reports (as qemu-riscv32's
  /// SIGSEGV `si_addr`): the access's own address when its first page is
  /// the refused one, else the first byte of the refused page (an access
  /// straddling into it; `outOfMemory` names the page's start), or the
  /// read-only byte of `writeProtected`.
  func firstRefusedByte(ofAccessAt access: UInt32) -> UInt32 {
    switch self {
    case .writeProtected(let a): a
    case .outOfMemory(let a), .addressOverflow(let a, _): a >> 12 == access >> 12 ? access : a
    }
  }
}

/// Errors that end guest execution. Each carries the guest PC (and the
/// instruction word where there is one).
public enum RuntimeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Thrown by a syscall handler to stop the guest (Linux exit/exit_group).
  case exited(status: Int32)
  case illegalInstruction(pc: UInt32, word: UInt32)
  case misalignedJump(pc: UInt32, target: UInt32)
  case executionOutsideMemory(pc: UInt32)
  case outOfMemory(pc: UInt32, address: UInt32)
  /// An access to a guard page (`VirtualMachine.guardPages`), such as the
  /// gap below a Linux guest's stack: what a SIGSEGV is on Linux.
  case guardPage(pc: UInt32, address: UInt32)
  /// A store to a read-only page (`write`), or execution of a page that is
  /// not executable, as `VirtualMachine.protect` set them: what a SIGSEGV
  /// is on Linux.
  case protectionFault(pc: UInt32, address: UInt32, write: Bool)
  /// Nested `callFunction` (through a syscall handler) at `depth` levels
  /// found the spill stack (`Config.maxStackDepth`) full, or too little of
  /// the calling thread's host stack left for another level.
  case stackOverflow(depth: Int)
  case breakpoint(pc: UInt32)
  /// A single block needs more room than the whole code buffer has.
  case codeBufferTooSmall(pc: UInt32, needed: Int)
  /// A syscall handler failed for a reason of its own.
  case syscall(String)
  /// `callFunction` takes at most 8 arguments (a0–a7).
  case tooManyArguments(Int)
  /// Internal error of a host port (a bug), reported instead of crashing.
  case internalError(String)
  /// `Config.instructionBudget` ran out: `executed` guest instructions
  /// (the budget) have run, and `pc` is the next one, not executed.
  case instructionBudgetExhausted(pc: UInt32, executed: UInt64)
  /// `Interrupter.interrupt()` stopped the guest at a block boundary:
  /// `pc` is the next instruction, not executed; `executed` counts the
  /// instructions the run executed before.
  case interrupted(pc: UInt32, executed: UInt64)

  public var description: String {
    switch self {
    case .exited(let s): "guest exited with status \(s)"
    case .illegalInstruction(let pc, let w):
      "illegal instruction \(hex(w)) at pc \(hex(pc))"
    case .misalignedJump(let pc, let t): "misaligned jump to \(hex(t)) at pc \(hex(pc))"
    case .executionOutsideMemory(let pc): "execution outside guest memory at pc \(hex(pc))"
    case .outOfMemory(let pc, let a):
      "guest memory exhausted mapping address \(hex(a)) at pc \(hex(pc))"
    case .stackOverflow(let d):
      "nested calls exceed the spill stack or the host stack (\(d) levels)"
    case .guardPage(let pc, let a):
      "access to guard page at address \(hex(a)) at pc \(hex(pc)) (stack overflow?)"
    case .protectionFault(let pc, let a, let write):
      write
        ? "write to read-only memory at address \(hex(a)) at pc \(hex(pc))"
        : "execution of non-executable memory at pc \(hex(pc))"
    case .breakpoint(let pc): "breakpoint at pc \(hex(pc))"
    case .codeBufferTooSmall(let pc, let n):
      "block at pc \(hex(pc)) needs \(n) bytes, more than the code buffer holds"
    case .syscall(let why): "syscall failed: \(why)"
    case .tooManyArguments(let n): "callFunction takes at most 8 arguments, got \(n)"
    case .internalError(let why): "internal JIT error: \(why)"
    case .instructionBudgetExhausted(let pc, let n):
      "instruction budget of \(n) exhausted at pc \(hex(pc))"
    case .interrupted(let pc, let n):
      "interrupted at pc \(hex(pc)) after \(n) instructions"
    }
  }
}

@inline(__always) func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
