import KilnIR

/// The two layouts of the state block, built by `LayoutBuilder` in the
/// order drawn. In both, the exit words (exitPC, exitPatchSite, owner) are one
/// group, and it and the host-call table each start on a 256-byte boundary;
/// the big tables are page-aligned.
extension GuestState {
  /// Bytes of the register file (`registerCount` × UInt32).
  static let registersSize = registerCount * MemoryLayout<UInt32>.size
  /// Bytes of the host-call table (one function pointer per `HostCall`).
  static let hostCallsSize = HostCall.allCases.count * MemoryLayout<UInt>.size
  /// Bytes of the jump cache ({ UInt64 guest PC, UInt64 host address } per entry).
  static let jumpCacheSize = jumpCacheEntries * 2 * MemoryLayout<UInt64>.size
  /// Guest pages of 4 KiB in the 32-bit guest address space.
  static let guestPages = 1 << 20
  static let pageSize = 4096
  /// Where the small groups start.
  static let groupAlignment = 0x100

  /// The exit words, laid out upward as one group: offsets in the group.
  static func exitWords(_ g: inout LayoutBuilder) -> (
    pc: Int32, patchSite: Int32, owner: Int32, budget: BudgetLayout
  ) {
    (
      pc: g.field("exitPC", size: MemoryLayout<UInt32>.size, alignment: 4),
      patchSite: g.field("exitPatchSite", size: MemoryLayout<UInt64>.size, alignment: 8),
      owner: g.field("owner", size: MemoryLayout<UInt>.size, alignment: 8),
      budget: BudgetLayout(
        remaining: g.field("budgetRemaining", size: MemoryLayout<UInt64>.size, alignment: 8),
        limit: g.field("budgetLimit", size: MemoryLayout<UInt64>.size, alignment: 8))
    )
  }

  /// Paged memory (`pointer` = start of the block), growing upward:
  ///
  ///     offset
  ///     0x000000  registers     33 × UInt32 (x0…x31, slot 32 = scratch)
  ///     0x000100  exitPC        UInt32
  ///     0x000108  exitPatchSite UInt64
  ///     0x000110  owner         UInt64 (unretained VM: the host calls' context)
  ///     0x000118  budgetRemaining UInt64 (instruction budget: `BudgetLayout`)
  ///     0x000120  budgetLimit   UInt64
  ///     0x000200  hostCalls     HostCall.allCases.count × function pointer
  ///     0x001000  jumpCache     65536 × { UInt64 guest PC, UInt64 host address }   1 MiB
  ///     0x101000  pageTable     2^20 × UInt16 pool index                           2 MiB
  ///     0x301000  readTags      65536 × UInt32 guest page number (or `noPage`)   256 KiB
  ///     0x341000  writeTags     65536 × UInt32 (`noPage` for code pages)         256 KiB
  ///     0x381000  hostBias      65536 × Int64 pool page address − page base      512 KiB
  ///     0x401000  readDirect    2^20 × Int64 host bias by guest page (0 = slow)  8 MiB
  ///     0xC01000  writeDirect   2^20 × Int64 (0 also for code pages)             8 MiB
  ///     0x1401000 end
  ///
  /// The direct tables are the faster inline walk (`Config.pageWalk`); the
  /// runtime keeps them in step with the page table and tags.
  enum Paged {
    /// The offsets of the diagram, handed out by `LayoutBuilder`.
    struct Offsets: Sendable {
      let registers, exitPC, exitPatchSite, owner, hostCalls, jumpCache: Int32
      let budget: BudgetLayout
      let pageTable, readTags, writeTags, hostBias, readDirect, writeDirect: Int32
      let fields: FieldLayout

      init() {
        var b = LayoutBuilder(.upward)
        registers = b.field("registers", size: registersSize, alignment: 4)
        let exit = b.group("exit", alignment: groupAlignment, exitWords)
        exitPC = exit.offset + exit.result.pc
        exitPatchSite = exit.offset + exit.result.patchSite
        owner = exit.offset + exit.result.owner
        budget = BudgetLayout(
          remaining: exit.offset + exit.result.budget.remaining,
          limit: exit.offset + exit.result.budget.limit)
        hostCalls = b.field("hostCalls", size: hostCallsSize, alignment: groupAlignment)
        jumpCache = b.field("jumpCache", size: jumpCacheSize, alignment: pageSize)
        pageTable = b.field(
          "pageTable", size: guestPages * MemoryLayout<UInt16>.size, alignment: pageSize)
        let tags = Config.maxPages * MemoryLayout<UInt32>.size
        readTags = b.field("readTags", size: tags, alignment: pageSize)
        writeTags = b.field("writeTags", size: tags, alignment: pageSize)
        hostBias = b.field(
          "hostBias", size: Config.maxPages * MemoryLayout<Int>.size, alignment: pageSize)
        let direct = guestPages * MemoryLayout<Int>.size
        readDirect = b.field("readDirect", size: direct, alignment: pageSize)
        writeDirect = b.field("writeDirect", size: direct, alignment: pageSize)
        fields = b.build(alignment: pageSize)
      }
    }

    static let offsets = Offsets()
    static let pageTable = offsets.pageTable
    static let readTags = offsets.readTags
    static let writeTags = offsets.writeTags
    static let hostBias = offsets.hostBias
    static let readDirect = offsets.readDirect
    static let writeDirect = offsets.writeDirect
    /// Bytes in the block.
    static let size = offsets.fields.size

    static func layout(walk: PageWalk) -> StateLayout {
      let o = offsets
      // The faulting walk starts as the direct one; `JITEngine` adds the
      // miss region where it can use it.
      let direct = walk != .pageTable ? (read: o.readDirect, write: o.writeDirect) : nil
      let tables = PageTables(
        pageTable: o.pageTable, readTags: o.readTags, writeTags: o.writeTags,
        hostBias: o.hostBias, directTables: direct)
      return StateLayout(
        registers: o.registers, registerCount: registerCount, memory: .paged(tables),
        jumpCache: o.jumpCache, jumpCacheMask: jumpCacheMask, exitPC: o.exitPC,
        exitPatchSite: o.exitPatchSite, hostCalls: o.hostCalls, hostContext: o.owner)
    }
  }

  /// Flat memory (`pointer` = host address of guest address 0; the block is
  /// the first part of the `FlatReservation`, just below it), growing
  /// downward. The registers end exactly at the pointer, so x1…x32 are in
  /// reach of a one-byte displacement:
  ///
  ///     offset from pointer
  ///     -0x202000  jumpCache      65536 × 16 bytes                                1 MiB
  ///     -0x102000  codePages      2^20 + 1 bytes, non-zero = page holds code      1 MiB + 1
  ///                               (given whole pages: up to -0x1000)
  ///     -0x000200  hostCalls      HostCall.allCases.count × function pointer
  ///     -0x000100  exitPC         UInt32
  ///     -0x0000F8  exitPatchSite  UInt64
  ///     -0x0000F0  owner          UInt64 (the host calls' context)
  ///     -0x0000E8  budgetRemaining UInt64 (instruction budget: `BudgetLayout`)
  ///     -0x0000E0  budgetLimit    UInt64
  ///     -0x000084  registers      33 × UInt32, up to the pointer
  ///      0         guest memory   4 GiB, then the guard
  enum Flat {
    /// The offsets of the diagram, handed out by `LayoutBuilder` (from the
    /// pointer down).
    struct Offsets: Sendable {
      let registers, exitPC, exitPatchSite, owner, hostCalls, jumpCache, codePages: Int32
      let budget: BudgetLayout
      let fields: FieldLayout

      init() {
        var b = LayoutBuilder(.downward)
        registers = b.field("registers", size: registersSize, at: -registersSize)
        let exit = b.group("exit", alignment: groupAlignment, exitWords)
        exitPC = exit.offset + exit.result.pc
        exitPatchSite = exit.offset + exit.result.patchSite
        owner = exit.offset + exit.result.owner
        budget = BudgetLayout(
          remaining: exit.offset + exit.result.budget.remaining,
          limit: exit.offset + exit.result.budget.limit)
        hostCalls = b.field("hostCalls", size: hostCallsSize, alignment: groupAlignment)
        // One more byte, as generated stores read the flags of two pages at
        // once; whole pages, so the small fields have the last page to themselves.
        let map = LayoutBuilder.align(up: guestPages + 1, pageSize)
        codePages = b.field("codePages", size: map, alignment: pageSize)
        jumpCache = b.field("jumpCache", size: jumpCacheSize, alignment: pageSize)
        fields = b.build(alignment: pageSize)
      }
    }

    static let offsets = Offsets()
    static let codePages = offsets.codePages
    /// Bytes of state below the pointer (page-aligned).
    static let size = offsets.fields.size

    static let layout = StateLayout(
      registers: offsets.registers, registerCount: registerCount,
      memory: .flat(codePages: offsets.codePages), jumpCache: offsets.jumpCache,
      jumpCacheMask: jumpCacheMask, exitPC: offsets.exitPC, exitPatchSite: offsets.exitPatchSite,
      hostCalls: offsets.hostCalls, hostContext: offsets.owner)
  }
}
