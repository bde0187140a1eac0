/// Byte offsets, from the pinned state pointer, of everything generated code
/// touches. The runtime owns the memory and fills this in; ports only read it.
/// Keeping it here lets guests and hosts stay independent of each other.
/// Offsets may be negative: in flat memory mode the state pointer is the host
/// address of guest address 0 and the state block sits just below it.
public struct StateLayout: Sendable {
  /// `UInt32` registers, `registerCount` of them. This includes any scratch
  /// slots a guest translator writes (RV32 uses slot 32 as the destination
  /// of loads into x0, which must still perform their access).
  public var registers: Int32
  public var registerCount: Int
  /// How guest memory is reached (`GuestMemoryLayout`).
  public var memory: GuestMemoryLayout
  /// Direct-mapped cache of (guest PC, host address) pairs, 16 bytes each, for
  /// indirect jumps; `jumpCacheMask` selects the entry from `pc >> 2`.
  public var jumpCache: Int32
  public var jumpCacheMask: UInt32
  /// `UInt32` guest PC written on every exit to the dispatcher.
  public var exitPC: Int32
  /// `UInt64` host address of the branch to patch, written on chain exits (0 = none).
  public var exitPatchSite: Int32
  /// Host-call table: `HostCall.allCases.count` function pointers.
  public var hostCalls: Int32
  /// The word whose address host calls receive as their first argument (the
  /// runtime keeps its context there).
  public var hostContext: Int32
  /// The front end's hint: guest registers in the order they deserve a
  /// host register for the whole run (most used first). A port pins as many
  /// as it has registers for, in this order; the rest live in the register
  /// file. Ports never pick guest registers by number themselves.
  public var preferredRegisters: [GuestRegister]
  /// The instruction budget's counters, or nil for no budget check at all
  /// (then generated code has none: a run without a budget pays nothing).
  public var budget: BudgetLayout?
  /// Flat memory: the runtime keeps the host pages of flagged guest pages
  /// (`GuestMemoryLayout.flat`'s code pages and read-only pages) read-only,
  /// so a store to them faults and the signal handler sends it to its slow
  /// path: a port may leave the code-page check out of its stores. False
  /// when the code runs in an emulator, which writes guest memory through
  /// host pointers of its own.
  public var codePagesWriteProtected = false

  public init(
    registers: Int32, registerCount: Int, memory: GuestMemoryLayout, jumpCache: Int32,
    jumpCacheMask: UInt32, exitPC: Int32, exitPatchSite: Int32, hostCalls: Int32,
    hostContext: Int32, preferredRegisters: [GuestRegister] = []
  ) {
    self.preferredRegisters = preferredRegisters
    self.registers = registers
    self.registerCount = registerCount
    self.memory = memory
    self.jumpCache = jumpCache
    self.jumpCacheMask = jumpCacheMask
    self.exitPC = exitPC
    self.exitPatchSite = exitPatchSite
    self.hostCalls = hostCalls
    self.hostContext = hostContext
  }
}

/// The two ways generated code reaches guest memory.
public enum GuestMemoryLayout: Sendable {
  /// The RV32IM spec's paged memory, walked inline (`PageTables`).
  case paged(PageTables)
  /// Flat: guest address `a` is at host address `state + a` (`a`
  /// zero-extended), in 4 GiB of reserved address space followed by a guard;
  /// unmapped pages fault and the runtime's signal handler maps them or
  /// sends the access to its slow path (`HostCall.memoryFault`).
  /// `codePages` is a byte per guest page (2^20 + 1 bytes), non-zero for
  /// pages holding compiled code: stores check the bytes of the first page
  /// they touch and of the next one, and take the slow path if either is set
  /// (a port may skip the check when `StateLayout.codePagesWriteProtected`).
  case flat(codePages: Int32)

  /// Flat memory: the bytes of inaccessible guard past guest address
  /// 0xFFFF_FFFF. An access at `state + base + offset` with `base` a
  /// zero-extended guest value and `0 <= offset` and `offset + 8 <=` this
  /// stays inside the reservation, so a port may address it without
  /// wrapping `base + offset` to 32 bits first: where the sum passes 4 GiB
  /// the access faults in the guard and its slow path redoes it at the
  /// wrapped address.
  public static let flatGuardBytes = 64 << 10
}

/// The tables of paged guest memory. 4 KiB pages, a 2^20-entry page table of
/// 16-bit pool indices, a pool of pages. Next to it the runtime keeps, per
/// pool page, the guest page number it holds for loads (`readTags`) and for
/// stores (`writeTags`, which differ for pages holding compiled code), and the
/// host address bias (`hostBias[i] = poolPage(i) - pageNumber << 12`).
///
/// Inline page walk for an access of `size` bytes at guest address `a`:
///
///     index = pageTable[a >> 12]
///     if tags[index] != (a + size - 1) >> 12 { slow path }   // unmapped, straddling, code page
///     host  = hostBias[index] + a
public struct PageTables: Sendable {
  public var pageTable: Int32
  public var readTags: Int32
  public var writeTags: Int32
  public var hostBias: Int32
  /// The faster walk, when present: two direct tables of 2^20 `Int64`
  /// entries indexed by guest page number, holding the host bias of mapped
  /// pages (0 = take the slow path; the write table has 0 for code pages).
  /// They mirror the spec's page table and tags, which stay authoritative.
  ///
  ///     bias = table[a >> 12]
  ///     if bias == 0 || a ^ (a + size - 1) > 0xFFF { slow path }   // unmapped, code, straddling
  ///     host = bias + a
  public var directTables: (read: Int32, write: Int32)?
  /// The faulting walk (`directTables` must be set; native code only): the
  /// state block is followed, `missBase` bytes from the state pointer, by 4
  /// GiB of reserved address space that faults on every access, and the
  /// direct tables hold the host bias minus `state + missBase` (0 for a page
  /// that takes the slow path, as before). So an access needs no test of
  /// the entry: an unmapped page, or a code or read-only page for a store,
  /// sends it to `state + missBase + a`, whose fault resumes at the access's
  /// slow path (a fault site, as in flat memory) with the guest address
  /// still in the address register. Only a misaligned access, which could
  /// straddle a page, is tested:
  ///
  ///     if size > 1 && a & (size - 1) != 0 { slow path }
  ///     host = state + missBase + a + table[a >> 12]      // faults on a miss
  public var missBase: Int32?
  /// With `missBase`: the page pool is guarded (the runtime's
  /// `PagedMemory`): a run of pool pages holding consecutive guest pages is
  /// followed by a page that faults, so a load that straddles out of its
  /// page reads the next guest page or faults into its slow path, and loads
  /// need no alignment test. Stores keep it (a straddling store must not
  /// write into a code or read-only page through its neighbour's entry).
  public var guardedPool = false

  public init(
    pageTable: Int32, readTags: Int32, writeTags: Int32, hostBias: Int32,
    directTables: (read: Int32, write: Int32)? = nil, missBase: Int32? = nil
  ) {
    self.pageTable = pageTable
    self.readTags = readTags
    self.writeTags = writeTags
    self.hostBias = hostBias
    self.directTables = directTables
    self.missBase = missBase
  }
}

/// The calls generated code makes into the runtime, all through one
/// mechanism per port. Every host call has the C signature
/// `(state, a, b, c) -> UInt64`; see `HostCallResult` for the result.
public enum HostCall: Int, Sendable, CaseIterable {
  /// a = guest address, b = the access (`AccessDescriptor.encoded`: size,
  /// signed, pc), c unused → loaded value.
  case load = 0
  /// a = guest address, b = the access (`AccessDescriptor.encoded`: size,
  /// isWrite, pc), c = value.
  case store = 1
  /// a = pc of the ECALL.
  case syscall = 2
  /// a = pc of the EBREAK.
  case breakpoint = 3
  /// a = fault kind (`GuestFaultCode`), b = pc, c = word or target.
  case fault = 4
  /// Flat memory: a guest access faulted and the signal handler could not map
  /// the page (quota exhausted, or the access wrapped past 0xFFFF_FFFF). No
  /// arguments. Unlike the others it returns a host address: where the
  /// faulting access's slow path starts (entered with the guest address in
  /// the port's first scratch register), or 0 when the runtime recorded an
  /// error (leave with `ExitReason.error`).
  case memoryFault = 5
}

/// Raw fault kinds passed to `HostCall.fault`.
public enum GuestFaultCode: UInt64, Sendable {
  case illegalInstruction = 0
  case fetchOutsideMemory = 1
  case misalignedJump = 2
}

/// What a host call returns: the low 32 bits are a value, bits 32… a status.
public enum HostCallStatus: UInt64, Sendable {
  /// Go on.
  case ok = 0
  /// The runtime recorded an error: leave generated code with `ExitReason.error`.
  case error = 1
  /// Guest code was modified: leave with `ExitReason.synchronize` at the next instruction.
  case codeModified = 2
}

/// Why generated code returned to the dispatcher (the value in the return register).
public enum ExitReason: UInt32, Sendable {
  /// Continue at `exitPC`; if `exitPatchSite` is non-zero, chain that branch to the target.
  case chain = 0
  /// Indirect jump whose target was not in the jump cache: continue at `exitPC`.
  case indirect = 1
  /// The runtime recorded an error.
  case error = 2
  /// Continue at `exitPC` after re-validating the code cache.
  case synchronize = 3
  /// The block at `exitPC` did not start: its instructions
  /// (``Block/budgetCost``) are more than `BudgetLayout.remaining`, or an
  /// interrupt lowered `BudgetLayout.limit` to 0. The runtime finishes the
  /// budget exactly (or reports the interrupt).
  case budget = 4
}

/// Where generated code counts guest instructions (``StateLayout/budget``):
/// two `UInt64` state words. `remaining` counts down (the runtime keeps
/// the instructions used as the budget minus it); a port may keep it in a
/// host register while its code runs, stored back at every exit and host
/// call. A check at a block's entry, before any of its instructions runs,
/// covers `cost` instructions (the block's, or on a port that lowers
/// regions the longest path to the next check, ``BudgetPlan``, whose
/// shorter paths give the difference back so `remaining` is exact at every
/// exit):
///
///     if polls && limit == 0 { exitPC = block start; exit(.budget) }
///     if remaining < cost { exitPC = block start; exit(.budget) }
///     remaining -= cost
///
/// Only the runtime's thread writes `remaining`; `limit` is written by
/// another thread (or a signal handler) to interrupt a run: it sets `limit`
/// to 0, and the next check leaves. Generated code only reads `limit`, so
/// the request cannot be lost, and reads it only when `polls` (the VM is
/// interruptible).
public struct BudgetLayout: Sendable, Equatable {
  public var remaining: Int32
  public var limit: Int32
  /// Whether checks also read `limit` (interrupts are possible).
  public var polls: Bool

  public init(remaining: Int32, limit: Int32, polls: Bool = false) {
    self.remaining = remaining
    self.limit = limit
    self.polls = polls
  }
}
