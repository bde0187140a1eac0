import KilnIR
import KilnPort

/// The block of host memory that generated code reaches through its pinned
/// state pointer. One allocation, made when the VM is created. Every field is
/// reached through `layout`, whose offsets are relative to `pointer` (the
/// value of the pinned register), so the two memory modes differ only here.
///
/// Paged memory (`pointer` = start of the block):
///
///     offset
///     0x000000  registers     33 × UInt32 (x0…x31, slot 32 = scratch)
///     0x000100  exitPC        UInt32
///     0x000108  exitPatchSite UInt64
///     0x000110  owner         UInt64 (unretained VM: the host calls' context)
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
///
/// Flat memory (`pointer` = host address of guest address 0; the block is
/// the first part of the `FlatReservation`, just below it). The registers
/// end at the pointer, so x1…x32 are in reach of a one-byte displacement:
///
///     offset from pointer
///     -0x202000  jumpCache      65536 × 16 bytes                                1 MiB
///     -0x102000  codePages      2^20 + 1 bytes, non-zero = page holds code      1 MiB + 1
///     -0x000200  hostCalls      HostCall.allCases.count × function pointer
///     -0x000100  exitPC         UInt32
///     -0x0000F8  exitPatchSite  UInt64
///     -0x0000F0  owner          UInt64 (the host calls' context)
///     -0x000084  registers      33 × UInt32, up to the pointer
///      0         guest memory   4 GiB, then the guard
struct GuestState {
  static let registerCount = 33
  static let noPage: UInt32 = 0xFFFF_FFFF
  static let jumpCacheEntries = 65536
  static let jumpCacheEmpty: UInt64 = 1  // odd: never an aligned guest PC
  static let jumpCacheMask = UInt32(jumpCacheEntries - 1)

  /// Offsets of the paged layout.
  enum Paged {
    static let pageTable: Int32 = 0x101000
    static let readTags: Int32 = 0x301000
    static let writeTags: Int32 = 0x341000
    static let hostBias: Int32 = 0x381000
    static let readDirect: Int32 = 0x401000
    static let writeDirect: Int32 = 0xC01000
    static let size = 0x1401000

    static func layout(walk: PageWalk) -> StateLayout {
      let direct = walk == .direct ? (read: readDirect, write: writeDirect) : nil
      let tables = PageTables(
        pageTable: pageTable, readTags: readTags, writeTags: writeTags, hostBias: hostBias,
        directTables: direct)
      return StateLayout(
        registers: 0, registerCount: registerCount, memory: .paged(tables), jumpCache: 0x1000,
        jumpCacheMask: jumpCacheMask, exitPC: 0x100, exitPatchSite: 0x108, hostCalls: 0x200,
        hostContext: 0x110)
    }
  }

  /// Offsets of the flat layout (negative: below guest address 0).
  enum Flat {
    static let codePages: Int32 = -0x102000
    /// Bytes of state below the pointer (page-aligned).
    static let size = 0x202000

    static let layout = StateLayout(
      registers: -0x84, registerCount: registerCount, memory: .flat(codePages: codePages),
      jumpCache: -0x202000, jumpCacheMask: jumpCacheMask, exitPC: -0x100, exitPatchSite: -0xF8,
      hostCalls: -0x200, hostContext: -0xF0)
  }

  let layout: StateLayout
  /// The value of generated code's state register.
  let pointer: UnsafeMutableRawPointer
  /// Keeps the memory alive.
  private let storage: AnyObject

  /// A paged state block (its own allocation, from the executor).
  init(walk: PageWalk, preferredRegisters: [GuestRegister], executor: any Executor)
    throws(VMError)
  {
    let memory = try HostAllocation(size: Paged.size, executor: executor)
    storage = memory
    pointer = memory.base
    var layout = Paged.layout(walk: walk)
    layout.preferredRegisters = preferredRegisters
    self.layout = layout
    resetJumpCache()
  }

  /// The state block of a flat reservation.
  init(flat reservation: FlatReservation, preferredRegisters: [GuestRegister]) {
    storage = reservation
    pointer = reservation.guestBase
    var layout = Flat.layout
    layout.preferredRegisters = preferredRegisters
    self.layout = layout
    resetJumpCache()
  }

  // MARK: typed views (all offsets come from `layout`)

  /// The field at `offset` (from `layout`) as a typed pointer.
  /// SAFETY: every layout offset lies inside the state block this value keeps alive.
  func field<T>(_ offset: Int32, as type: T.Type) -> UnsafeMutablePointer<T> {
    (pointer + Int(offset)).assumingMemoryBound(to: T.self)
  }

  var registers: UnsafeMutablePointer<UInt32> { field(layout.registers, as: UInt32.self) }
  var jumpCache: UnsafeMutablePointer<UInt64> { field(layout.jumpCache, as: UInt64.self) }
  var hostCalls: UnsafeMutablePointer<UInt> { field(layout.hostCalls, as: UInt.self) }
  /// Where host calls' first argument points (see `HostCalls.vm`).
  var hostContext: UnsafeMutableRawPointer { pointer + Int(layout.hostContext) }

  var exitPC: UInt32 {
    get { field(layout.exitPC, as: UInt32.self).pointee }
    nonmutating set { field(layout.exitPC, as: UInt32.self).pointee = newValue }
  }
  var exitPatchSite: UInt {
    get { field(layout.exitPatchSite, as: UInt.self).pointee }
    nonmutating set { field(layout.exitPatchSite, as: UInt.self).pointee = newValue }
  }
  var owner: UnsafeMutableRawPointer? {
    get { hostContext.load(as: UnsafeMutableRawPointer?.self) }
    nonmutating set { hostContext.storeBytes(of: newValue, as: UnsafeMutableRawPointer?.self) }
  }

  func resetJumpCache() {
    for i in 0..<Self.jumpCacheEntries {
      jumpCache[2 * i] = Self.jumpCacheEmpty
      jumpCache[2 * i + 1] = 0
    }
  }

  func cacheJump(pc: UInt32, host: UInt) {
    let i = Int((pc >> 2) & layout.jumpCacheMask)
    jumpCache[2 * i] = UInt64(pc)
    jumpCache[2 * i + 1] = UInt64(host)
  }
}
