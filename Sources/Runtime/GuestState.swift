import KilnIR

/// The block of host memory that generated code reaches through its pinned
/// state pointer. One allocation, made when the VM is created:
///
///     offset
///     0x000000  registers     33 × UInt32 (x0…x31, slot 32 = scratch)
///     0x000100  exitPC        UInt32
///     0x000108  exitPatchSite UInt64
///     0x000110  owner         UInt64 (unretained engine, for host calls)
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
struct GuestState {
  static let registerCount = 33
  static let noPage: UInt32 = 0xFFFF_FFFF
  static let jumpCacheEntries = 65536
  static let jumpCacheEmpty: UInt64 = 1  // odd: never an aligned guest PC

  static let layout = StateLayout(
    registers: 0, registerCount: registerCount, pageTable: 0x101000, readTags: 0x301000,
    writeTags: 0x341000, hostBias: 0x381000, jumpCache: 0x1000,
    jumpCacheMask: UInt32(jumpCacheEntries - 1), exitPC: 0x100, exitPatchSite: 0x108,
    hostCalls: 0x200)
  static let readDirect = 0x401000
  static let writeDirect = 0xC01000
  static let ownerOffset = 0x110
  static let size = 0x1401000

  /// The layout handed to the port for a given page-walk choice.
  static func layout(for walk: PageWalk) -> StateLayout {
    var l = layout
    if walk == .direct { l.directTables = (Int32(readDirect), Int32(writeDirect)) }
    return l
  }

  let memory: HostAllocation
  var base: UnsafeMutableRawPointer { memory.base }

  init() throws(VMError) {
    memory = try HostAllocation(size: Self.size)
    let tags = memory.base + Int(Self.layout.readTags)
    for i in 0..<(2 * Config.maxPages) {
      tags.storeBytes(of: Self.noPage, toByteOffset: 4 * i, as: UInt32.self)
    }
    resetJumpCache()
  }

  // MARK: typed views (all offsets come from `layout`)

  var registers: UnsafeMutablePointer<UInt32> {
    (base + Int(Self.layout.registers)).assumingMemoryBound(to: UInt32.self)
  }
  var pageTable: UnsafeMutablePointer<UInt16> {
    (base + Int(Self.layout.pageTable)).assumingMemoryBound(to: UInt16.self)
  }
  var readTags: UnsafeMutablePointer<UInt32> {
    (base + Int(Self.layout.readTags)).assumingMemoryBound(to: UInt32.self)
  }
  var writeTags: UnsafeMutablePointer<UInt32> {
    (base + Int(Self.layout.writeTags)).assumingMemoryBound(to: UInt32.self)
  }
  var hostBias: UnsafeMutablePointer<Int> {
    (base + Int(Self.layout.hostBias)).assumingMemoryBound(to: Int.self)
  }
  var readDirectTable: UnsafeMutablePointer<Int> {
    (base + Self.readDirect).assumingMemoryBound(to: Int.self)
  }
  var writeDirectTable: UnsafeMutablePointer<Int> {
    (base + Self.writeDirect).assumingMemoryBound(to: Int.self)
  }
  var jumpCache: UnsafeMutablePointer<UInt64> {
    (base + Int(Self.layout.jumpCache)).assumingMemoryBound(to: UInt64.self)
  }
  var hostCalls: UnsafeMutablePointer<UInt> {
    (base + Int(Self.layout.hostCalls)).assumingMemoryBound(to: UInt.self)
  }

  var exitPC: UInt32 {
    get { base.load(fromByteOffset: Int(Self.layout.exitPC), as: UInt32.self) }
    nonmutating set {
      base.storeBytes(of: newValue, toByteOffset: Int(Self.layout.exitPC), as: UInt32.self)
    }
  }
  var exitPatchSite: UInt {
    get { base.load(fromByteOffset: Int(Self.layout.exitPatchSite), as: UInt.self) }
    nonmutating set {
      base.storeBytes(of: newValue, toByteOffset: Int(Self.layout.exitPatchSite), as: UInt.self)
    }
  }
  var owner: UnsafeMutableRawPointer? {
    get { base.load(fromByteOffset: Self.ownerOffset, as: UnsafeMutableRawPointer?.self) }
    nonmutating set {
      base.storeBytes(
        of: newValue, toByteOffset: Self.ownerOffset, as: UnsafeMutableRawPointer?.self)
    }
  }

  func resetJumpCache() {
    for i in 0..<Self.jumpCacheEntries {
      jumpCache[2 * i] = Self.jumpCacheEmpty
      jumpCache[2 * i + 1] = 0
    }
  }

  func cacheJump(pc: UInt32, host: UInt) {
    let i = Int((pc >> 2) & Self.layout.jumpCacheMask)
    jumpCache[2 * i] = UInt64(pc)
    jumpCache[2 * i + 1] = UInt64(host)
  }
}
