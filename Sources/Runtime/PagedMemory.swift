import KilnIR
import KilnPort
import RV32

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Guest memory as the RV32IM runtime spec describes it: 4 KiB pages, a
/// 2^20-entry table of 16-bit indices into a page pool allocated when the VM
/// is created, pages mapped lazily on first touch, each pool page recording
/// the guest page it holds (`readTags`). The tables live in `GuestState` so
/// generated code walks them inline; this class is the Swift side (slow
/// paths, the memory API, the interpreter).
final class PagedMemory: GuestMemory {
  private(set) var codeStores = 0
  /// Guest pages that are never mapped (`VirtualMachine.guardPages`).
  var guardPages: Range<UInt32> = 0..<0
  private(set) var permissions = PagePermissions()
  static let pageSize = 4096
  static let pageShift: UInt32 = 12

  let state: GuestState
  /// The pool's first page; its memory is `poolStorage`, or the guarded pool
  /// of the state's reservation.
  let poolBase: UnsafeMutableRawPointer
  private let poolStorage: HostAllocation?
  /// The guarded pool (`PagedReservation.poolPages`): pool index → slot
  /// (page of the pool's address space), runs of consecutive guest pages in
  /// consecutive slots, a PROT_NONE slot after each run, so a load that
  /// straddles out of a page reads the next guest page or faults. Empty:
  /// the plain pool, index i at slot i - 1.
  private var slots: [Int32] = []
  /// Whether `slots` is in use: a constant, so that `pageBase` (on every
  /// interpreter access) tests it without touching the array (reading the
  /// var array there made the paged interpreter 1.8× slower).
  private let guarded: Bool
  /// The first slot after the last one handed out (guarded pool).
  private var nextSlot = 0
  let capacity: Int
  /// Pool pages handed out so far (pool indices 1...used). Index 0 is never
  /// handed out: unmapped pages have page-table entry 0, and its tags stay
  /// `noPage`, so the inline walk's tag check cannot match for them. (When
  /// slot 0 held a real page P, an access straddling from an unmapped page
  /// P-1 into P passed the check, whose tag is the last byte's page, and the
  /// JIT accessed host memory before the pool: found by kiln-fuzz,
  /// Fuzz/Regressions/rv32-native/straddle-into-first-page.rv32.)
  private(set) var used = 0
  /// Pool indices are 16 bits and 0 is the sentinel: at most 65,535 pages.
  static let maxIndex = Int(UInt16.max)
  /// Pool indices of pages currently holding compiled code.
  private var codePages: [Int] = []

  // The tables in the state block (`GuestState.Paged`).
  let pageTable: UnsafeMutablePointer<UInt16>
  let readTags: UnsafeMutablePointer<UInt32>
  let writeTags: UnsafeMutablePointer<UInt32>
  let hostBias: UnsafeMutablePointer<Int>
  let readDirectTable: UnsafeMutablePointer<Int>
  let writeDirectTable: UnsafeMutablePointer<Int>
  /// Subtracted from the host bias of a mapped page in the direct tables:
  /// 0, or the miss region's address with the faulting walk
  /// (`PagedReservation`), where an entry of 0 must fault.
  private(set) var directOffset = 0

  init(state: GuestState, pages: Int, executor: any Executor) throws(VMError) {
    self.state = state
    capacity = pages
    if let reservation = state.pagedReservation, reservation.poolPages >= pages {
      poolBase = reservation.poolBase
      poolStorage = nil
      slots = [Int32](repeating: 0, count: min(pages, Self.maxIndex) + 1)
      guarded = true
    } else {
      guarded = false
      let pool = try HostAllocation(size: pages * Self.pageSize, executor: executor)
      poolBase = pool.base
      poolStorage = pool
    }
    codePages.reserveCapacity(64)
    pageTable = state.field(GuestState.Paged.pageTable, as: UInt16.self)
    readTags = state.field(GuestState.Paged.readTags, as: UInt32.self)
    writeTags = state.field(GuestState.Paged.writeTags, as: UInt32.self)
    hostBias = state.field(GuestState.Paged.hostBias, as: Int.self)
    readDirectTable = state.field(GuestState.Paged.readDirect, as: Int.self)
    writeDirectTable = state.field(GuestState.Paged.writeDirect, as: Int.self)
    for i in 0..<Config.maxPages {
      readTags[i] = GuestState.noPage
      writeTags[i] = GuestState.noPage
    }
  }

  /// Whether the pool is guarded (see `slots`): generated loads need no
  /// alignment test (`PageTables.guardedPool`).
  var hasGuardedPool: Bool { guarded }

  /// The pool size for which `VirtualMachine` asks its reservation for a
  /// guarded pool: `pages`, when two memory mappings per page (a page and
  /// the gap after it, at worst) stay well inside the process's limit
  /// (`vm.max_map_count`); else 0 (the plain pool, and loads keep their
  /// alignment test).
  static func guardedPoolPages(_ pages: Int) -> Int {
    #if canImport(Glibc)
      let limit = maxMapCount() ?? 65530
      return 2 * min(pages, maxIndex) + 8192 <= limit ? pages : 0
    #else
      return 0
    #endif
  }

  /// `/proc/sys/vm/max_map_count`, if readable.
  private static func maxMapCount() -> Int? {
    #if canImport(Glibc)
      let fd = Glibc.open("/proc/sys/vm/max_map_count", O_RDONLY)
      guard fd >= 0 else { return nil }
      defer { Glibc.close(fd) }
      var buffer = [UInt8](repeating: 0, count: 32)
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      guard n > 0 else { return nil }
      var value = 0
      for byte in buffer[0..<n] {
        guard byte >= 0x30, byte <= 0x39 else { break }
        value = value * 10 + Int(byte - 0x30)
      }
      return value > 0 ? value : nil
    #else
      return nil
    #endif
  }

  /// Switches the direct tables to the faulting walk's entries (host bias
  /// minus `missBase`, the miss region's host address).
  func useMissRegion(at missBase: UInt) {
    directOffset = Int(bitPattern: missBase)
    for i in stride(from: 1, through: used, by: 1) {
      let page = Int(readTags[i])
      readDirectTable[page] = hostBias[i] &- directOffset
      if writeDirectTable[page] != 0 { writeDirectTable[page] = hostBias[i] &- directOffset }
    }
  }

  // MARK: pages

  /// Pool index of guest page `page`, if mapped.
  @inline(__always) func index(ofPage page: UInt32) -> Int? {
    let i = Int(pageTable[Int(page)])
    return readTags[i] == page ? i : nil
  }

  /// Pool index of guest page `page`, mapping a zeroed page on first touch.
  func mapPage(_ page: UInt32) throws(MemoryError) -> Int {
    if let i = index(ofPage: page) { return i }
    guard used < min(capacity, Self.maxIndex), !guardPages.contains(page) else {
      throw .outOfMemory(address: page << Self.pageShift)
    }
    if hasGuardedPool { try takeSlot(index: used + 1, page: page) }
    used += 1
    let i = used
    pageTable[Int(page)] = UInt16(truncatingIfNeeded: i)
    readTags[i] = page
    writeTags[i] = page
    let bias = Int(bitPattern: pageBase(i)) - Int(page << Self.pageShift)
    hostBias[i] = bias
    readDirectTable[Int(page)] = bias &- directOffset
    writeDirectTable[Int(page)] = bias &- directOffset
    return i
  }

  @inline(__always) func pageBase(_ index: Int) -> UnsafeMutableRawPointer {
    poolBase + (guarded ? Int(slots[index]) : index - 1) * Self.pageSize
  }

  /// Gives pool index `index` (guest page `page`) a slot of the guarded
  /// pool and makes it read-write: the slot after guest page `page - 1`'s
  /// when that one ends the pool so far, else one past the gap after it.
  private func takeSlot(index: Int, page: UInt32) throws(MemoryError) {
    var slot = nextSlot
    if slot > 0 {
      var follows = false
      if page > 0, let previous = self.index(ofPage: page - 1) {
        follows = Int(slots[previous]) == slot - 1
      }
      if !follows { slot += 1 }
    }
    // SAFETY: the slot lies inside the reservation's pool (at most
    // 2 * poolPages + 1 slots: one gap per page at worst).
    guard mprotect(poolBase + slot * Self.pageSize, Self.pageSize, PROT_READ | PROT_WRITE) == 0
    else { throw .outOfMemory(address: page << Self.pageShift) }
    slots[index] = Int32(slot)
    nextSlot = slot + 1
  }

  /// Unmaps and zeroes every page in use.
  func clear() {
    for i in stride(from: 1, through: used, by: 1) {
      pageBase(i).initializeMemory(as: UInt8.self, repeating: 0, count: Self.pageSize)
      let page = Int(readTags[i])
      pageTable[page] = 0
      readDirectTable[page] = 0
      writeDirectTable[page] = 0
      readTags[i] = GuestState.noPage
      writeTags[i] = GuestState.noPage
      hostBias[i] = 0
    }
    used = 0
    if hasGuardedPool, nextSlot > 0 {
      // Back to PROT_NONE, so that every slot is a gap until handed out again.
      mprotect(poolBase, nextSlot * Self.pageSize, PROT_NONE)
      nextSlot = 0
    }
    codePages.removeAll(keepingCapacity: true)
    permissions.reset()
  }

  // MARK: permissions

  /// A read-only page's write tag never matches, like a code page's, so
  /// generated stores to it take the slow path, where `store` refuses them.
  func protect(page: UInt32, writable: Bool, executable: Bool) throws(MemoryError) {
    let i = try mapPage(page)
    permissions.set(page: page, writable: writable, executable: executable)
    if writable {
      if !codePages.contains(i) {
        writeTags[i] = page
        writeDirectTable[Int(page)] = hostBias[i] &- directOffset
      }
    } else {
      writeTags[i] = GuestState.noPage
      writeDirectTable[Int(page)] = 0
    }
  }

  func unprotect(page: UInt32) {
    guard permissions.isMarked(page) else { return }
    let readOnly = permissions.isReadOnly(page)
    permissions.forget(page: page)
    // A protected page is mapped (`protect` mapped it): writable again.
    if readOnly, let i = index(ofPage: page), !codePages.contains(i) {
      writeTags[i] = page
      writeDirectTable[Int(page)] = hostBias[i] &- directOffset
    }
  }

  func setDefaultExecutable(_ executable: Bool) { permissions.defaultExecutable = executable }

  @inline(__always)
  func mappedHostForStore(_ address: UInt32, size: Int) -> UnsafeMutableRawPointer? {
    let offset = Int(address & 0xFFF)
    guard offset + size <= Self.pageSize, let i = index(ofPage: address >> Self.pageShift),
      writeTags[i] != GuestState.noPage
    else { return nil }
    return pageBase(i) + offset
  }

  // MARK: code pages (self-modifying code)

  /// Stores to this page now take the slow path, which invalidates code.
  func markCode(page: UInt32) {
    guard let i = index(ofPage: page), writeTags[i] != GuestState.noPage else { return }
    writeTags[i] = GuestState.noPage
    writeDirectTable[Int(page)] = 0
    codePages.append(i)
  }

  func isCode(page: UInt32) -> Bool {
    guard let i = index(ofPage: page) else { return false }
    return writeTags[i] == GuestState.noPage
  }

  /// Forgets all code pages (after the code cache is flushed).
  func unmarkAllCode() {
    for i in codePages where i <= used && !permissions.isReadOnly(readTags[i]) {
      writeTags[i] = readTags[i]
      writeDirectTable[Int(readTags[i])] = hostBias[i] &- directOffset
    }
    codePages.removeAll(keepingCapacity: true)
  }

  // MARK: byte access

  @inline(__always)
  func mappedHost(_ address: UInt32, size: Int) -> UnsafeMutableRawPointer? {
    let offset = Int(address & 0xFFF)
    guard offset + size <= Self.pageSize, let i = index(ofPage: address >> Self.pageShift) else {
      return nil
    }
    return pageBase(i) + offset
  }

  /// Reads `size` bytes (1, 2 or 4) at `address`, little-endian; any alignment,
  /// pages crossed as needed, mapping pages on first touch.
  func load(_ address: UInt32, size: Int) throws(MemoryError) -> UInt32 {
    let offset = Int(address & 0xFFF)
    if offset + size <= Self.pageSize {
      return loadLittleEndian(pageBase(try mapPage(address >> Self.pageShift)) + offset, size: size)
    }
    var value: UInt32 = 0
    for k in 0..<size {
      let a = address &+ UInt32(k)
      let byte = pageBase(try mapPage(a >> Self.pageShift)).load(
        fromByteOffset: Int(a & 0xFFF), as: UInt8.self)
      value |= UInt32(byte) << UInt32(8 * k)
    }
    return value
  }

  /// Writes the low `size` bytes of `value` at `address`. Returns true if a
  /// page holding compiled code was written.
  func store(_ address: UInt32, size: Int, value: UInt32) throws(MemoryError) -> Bool {
    if permissions.hasReadOnlyPages {
      for k in 0..<size where permissions.isReadOnly((address &+ UInt32(k)) >> Self.pageShift) {
        throw .writeProtected(address: address &+ UInt32(k))
      }
    }
    var touchedCode = false
    for k in 0..<size {
      let a = address &+ UInt32(k)
      let i = try mapPage(a >> Self.pageShift)
      if writeTags[i] == GuestState.noPage {
        touchedCode = true
        codeStores &+= 1
      }
      pageBase(i).storeBytes(
        of: UInt8(truncatingIfNeeded: value >> UInt32(8 * k)), toByteOffset: Int(a & 0xFFF),
        as: UInt8.self)
    }
    return touchedCode
  }

  /// The instruction word at `pc`, or nil if its page was never mapped.
  func fetch(_ pc: UInt32) -> UInt32? {
    guard let i = index(ofPage: pc >> Self.pageShift), pc & 0xFFF <= 0xFFC else {
      return fetchSlow(pc)
    }
    return UInt32(
      littleEndian: pageBase(i).loadUnaligned(fromByteOffset: Int(pc & 0xFFF), as: UInt32.self))
  }

  private func fetchSlow(_ pc: UInt32) -> UInt32? {
    var value: UInt32 = 0
    for k in 0..<4 {
      let a = pc &+ UInt32(k)
      guard let i = index(ofPage: a >> Self.pageShift) else { return nil }
      value |=
        UInt32(pageBase(i).load(fromByteOffset: Int(a & 0xFFF), as: UInt8.self)) << UInt32(8 * k)
    }
    return value
  }

  // MARK: bulk API

  func read(at address: UInt32, count: Int) throws(MemoryError) -> [UInt8] {
    try Self.checkRange(address, count)
    var out = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let a = address &+ UInt32(done)
      let chunk = min(count - done, Self.pageSize - Int(a & 0xFFF))
      let src = pageBase(try mapPage(a >> Self.pageShift)) + Int(a & 0xFFF)
      out.withUnsafeMutableBytes { dst in
        (dst.baseAddress! + done).copyMemory(from: src, byteCount: chunk)
      }
      done += chunk
    }
    return out
  }

  /// Returns true if a page holding compiled code was written.
  func write(at address: UInt32, _ bytes: [UInt8]) throws(MemoryError) -> Bool {
    try Self.checkRange(address, bytes.count)
    var done = 0
    var touchedCode = false
    while done < bytes.count {
      let a = address &+ UInt32(done)
      let chunk = min(bytes.count - done, Self.pageSize - Int(a & 0xFFF))
      let i = try mapPage(a >> Self.pageShift)
      if writeTags[i] == GuestState.noPage { touchedCode = true }
      let dst = pageBase(i) + Int(a & 0xFFF)
      bytes.withUnsafeBytes { src in
        dst.copyMemory(from: src.baseAddress! + done, byteCount: chunk)
      }
      done += chunk
    }
    return touchedCode
  }
}
