#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Flat guest memory: guest address `a` is the host byte at
/// `reservation.guestBase + a` (see `FlatReservation`). Generated code
/// accesses it directly; this is the Swift side (slow paths, the memory API,
/// the interpreter), which maps pages explicitly against the shared quota.
///
/// Pages holding compiled code are flagged in the state block's code-page map
/// (`GuestState.Flat.codePages`, one byte per guest page), which generated
/// stores check, so a store into compiled code takes the slow path and
/// invalidates it. With `writeProtectsCode` (generated code running natively)
/// the flagged pages are also read-only in the host, so a port may leave the
/// check out: such a store faults, and the SIGSEGV handler (which finds the
/// page mapped) sends it to the access's slow path like any other fault.
/// Every Swift writer (`store`, `write`) lifts the protection around its
/// write. Invariant: a mapped page is read-only in the host exactly while it
/// is flagged (`syncHostProtection`).
final class FlatMemory: GuestMemory {
  private(set) var codeStores = 0
  static let pageSize = 4096
  static let pageShift: UInt32 = 12

  let reservation: FlatReservation
  let base: UnsafeMutableRawPointer
  /// 2^20 + 1 bytes: the extra byte lets generated code read two flags at
  /// the last page.
  private(set) var permissions = PagePermissions()
  let codePageMap: UnsafeMutablePointer<UInt8>
  /// Guest pages currently flagged in `codePageMap`.
  private var codePages: [UInt32] = []
  /// Whether flagged pages are write-protected in the host (set by the JIT
  /// engine when its code runs natively; an emulator writes guest memory
  /// through host pointers of its own and relies on the code-page check).
  private(set) var writeProtectsCode = false

  init(reservation: FlatReservation, state: GuestState) {
    self.reservation = reservation
    base = reservation.guestBase
    codePageMap = state.field(GuestState.Flat.codePages, as: UInt8.self)
    codePages.reserveCapacity(64)
  }

  var used: Int { reservation.mapped }

  var guardPages: Range<UInt32> {
    get { reservation.guardPages }
    set { reservation.guardPages = newValue }
  }

  /// Host address of guest address `address` (which must be mapped to be touched).
  @inline(__always) func host(_ address: UInt32) -> UnsafeMutableRawPointer {
    base + Int(address)
  }

  // MARK: byte access

  @inline(__always)
  func mappedHost(_ address: UInt32, size: Int) -> UnsafeMutableRawPointer? {
    guard Int(address & 0xFFF) + size <= Self.pageSize,
      reservation.isMapped(page: address >> Self.pageShift)
    else { return nil }
    return host(address)
  }

  func load(_ address: UInt32, size: Int) throws(MemoryError) -> UInt32 {
    if Int(address & 0xFFF) + size <= Self.pageSize {
      try reservation.map(page: address >> Self.pageShift)
      return loadLittleEndian(host(address), size: size)
    }
    var value: UInt32 = 0
    for k in 0..<size {
      let a = address &+ UInt32(k)  // wraps from 0xFFFF_FFFF to 0
      try reservation.map(page: a >> Self.pageShift)
      value |= UInt32(host(a).load(as: UInt8.self)) << UInt32(8 * k)
    }
    return value
  }

  func store(_ address: UInt32, size: Int, value: UInt32) throws(MemoryError) -> Bool {
    if permissions.hasReadOnlyPages {
      for k in 0..<size where permissions.isReadOnly((address &+ UInt32(k)) >> Self.pageShift) {
        throw .writeProtected(address: address &+ UInt32(k))
      }
    }
    // Byte by byte, mapping each page first: on an error the bytes before
    // it are written (as in paged memory and the interpreter).
    var touchedCode = false
    var lifted: UInt32?  // the flagged page made writable for these bytes
    for k in 0..<size {
      let a = address &+ UInt32(k)
      let page = a >> Self.pageShift
      if page != lifted {
        if let p = lifted {
          lifted = nil
          try restoreHostProtection(p)
        }
        try reservation.map(page: page)
        if codePageMap[Int(page)] != 0 {
          touchedCode = true
          codeStores &+= 1
          try liftHostProtection(page)
          lifted = page
        }
      }
      host(a).storeBytes(of: UInt8(truncatingIfNeeded: value >> UInt32(8 * k)), as: UInt8.self)
    }
    if let p = lifted { try restoreHostProtection(p) }
    return touchedCode
  }

  func fetch(_ pc: UInt32) -> UInt32? {
    var value: UInt32 = 0
    for k in 0..<4 {
      let a = pc &+ UInt32(k)
      guard reservation.isMapped(page: a >> Self.pageShift) else { return nil }
      value |= UInt32(host(a).load(as: UInt8.self)) << UInt32(8 * k)
    }
    return value
  }

  // MARK: bulk API

  func read(at address: UInt32, count: Int) throws(MemoryError) -> [UInt8] {
    try Self.checkRange(address, count)
    try mapRange(address, count)
    return [UInt8](UnsafeRawBufferPointer(start: host(address), count: count))
  }

  func write(at address: UInt32, _ bytes: [UInt8]) throws(MemoryError) -> Bool {
    try Self.checkRange(address, bytes.count)
    guard !bytes.isEmpty else { return false }
    try mapRange(address, bytes.count)
    let last = UInt32(UInt64(address) + UInt64(bytes.count) - 1)
    let pages = (address >> Self.pageShift)...(last >> Self.pageShift)  // no wrap (checkRange)
    for page in pages { try liftHostProtection(page) }
    bytes.withUnsafeBytes { src in
      host(address).copyMemory(from: src.baseAddress!, byteCount: src.count)
    }
    for page in pages { try restoreHostProtection(page) }
    for page in pages where codePageMap[Int(page)] != 0 {
      return true
    }
    return false
  }

  /// Maps every page of `count` (> 0) bytes at `address` (inside the 4 GiB).
  private func mapRange(_ address: UInt32, _ count: Int) throws(MemoryError) {
    guard count > 0 else { return }
    let last = UInt32(UInt64(address) + UInt64(count) - 1)
    for page in (address >> Self.pageShift)...(last >> Self.pageShift) {
      try reservation.map(page: page)  // reports the page's address, as paged memory does
    }
  }

  func clear() {
    reservation.unmapAll()
    unmarkAllCode()
    for page in permissions.readOnlyPages { codePageMap[Int(page)] = 0 }
    permissions.reset()
  }

  // MARK: permissions

  /// A read-only page is flagged in `codePageMap` (as 2) like a code page,
  /// so generated stores to it take the slow path, where `store` refuses
  /// them; `unmarkAllCode` leaves it flagged.
  func protect(page: UInt32, writable: Bool, executable: Bool) throws(MemoryError) {
    try reservation.map(page: page)
    permissions.set(page: page, writable: writable, executable: executable)
    if !writable {
      codePageMap[Int(page)] = 2
    } else if codePageMap[Int(page)] == 2 {
      codePageMap[Int(page)] = 0
    }
    guard syncHostProtection(page) else { throw .outOfMemory(address: page << Self.pageShift) }
  }

  func unprotect(page: UInt32) {
    guard permissions.isMarked(page) else { return }
    if permissions.isReadOnly(page) { codePageMap[Int(page)] = 0 }
    permissions.forget(page: page)
    keepFlaggedIfStillReadOnly(page)
  }

  func setDefaultExecutable(_ executable: Bool) { permissions.defaultExecutable = executable }

  @inline(__always)
  func mappedHostForStore(_ address: UInt32, size: Int) -> UnsafeMutableRawPointer? {
    guard Int(address & 0xFFF) + size <= Self.pageSize,
      reservation.isMapped(page: address >> Self.pageShift),
      codePageMap[Int(address >> Self.pageShift)] == 0
    else { return nil }
    return host(address)
  }

  // MARK: code pages (self-modifying code)

  /// Throws `outOfMemory` if the page cannot be write-protected (the kernel's
  /// limit on mappings, `vm.max_map_count`); it is then not flagged, and no
  /// code compiled from it may run.
  func markCode(page: UInt32) throws(MemoryError) {
    guard reservation.isMapped(page: page), codePageMap[Int(page)] == 0 else { return }
    codePageMap[Int(page)] = 1
    guard syncHostProtection(page) else {
      codePageMap[Int(page)] = 0
      throw .outOfMemory(address: page << Self.pageShift)
    }
    codePages.append(page)
  }

  func unmarkAllCode() {
    let pages = codePages
    codePages.removeAll(keepingCapacity: true)
    for page in pages where !permissions.isReadOnly(page) {
      codePageMap[Int(page)] = 0
      keepFlaggedIfStillReadOnly(page)
    }
  }

  // MARK: host write protection of flagged pages

  /// From now on, flagged pages are read-only in the host (`writeProtectsCode`).
  func enableCodeWriteProtection() throws(MemoryError) {
    writeProtectsCode = true
    for page in codePages + permissions.readOnlyPages where !syncHostProtection(page) {
      throw .outOfMemory(address: page << Self.pageShift)
    }
  }

  /// Makes mapped page `page` read-only in the host if it is flagged and
  /// read-write otherwise (nothing without `writeProtectsCode`); false if
  /// mprotect failed. An unmapped page stays PROT_NONE: the signal handler
  /// or `map(page:)` maps it read-write, and no page is flagged unmapped.
  private func syncHostProtection(_ page: UInt32) -> Bool {
    guard writeProtectsCode, reservation.isMapped(page: page) else { return true }
    return setHostProtection(page, writable: codePageMap[Int(page)] == 0)
  }

  /// After `page` lost its flag: makes it read-write in the host, or, if
  /// mprotect fails (the kernel's limit on mappings), flags it as a code page
  /// again, so that it stays read-only exactly while flagged (stores to it
  /// then drop compiled code: slower, still exact).
  private func keepFlaggedIfStillReadOnly(_ page: UInt32) {
    guard codePageMap[Int(page)] == 0, !syncHostProtection(page) else { return }
    codePageMap[Int(page)] = 1
    codePages.append(page)
  }

  /// Makes flagged page `page` writable in the host for a write from Swift,
  /// which must not fault; `restoreHostProtection` undoes it.
  private func liftHostProtection(_ page: UInt32) throws(MemoryError) {
    guard writeProtectsCode, codePageMap[Int(page)] != 0 else { return }
    guard setHostProtection(page, writable: true) else {
      throw .outOfMemory(address: page << Self.pageShift)
    }
  }

  private func restoreHostProtection(_ page: UInt32) throws(MemoryError) {
    guard syncHostProtection(page) else { throw .outOfMemory(address: page << Self.pageShift) }
  }

  /// mprotect of one mapped guest page (host pages are 4 KiB, as guest
  /// pages). It can fail only when it splits a mapping and the process is at
  /// the kernel's limit on mappings.
  private func setHostProtection(_ page: UInt32, writable: Bool) -> Bool {
    let flags = writable ? PROT_READ | PROT_WRITE : PROT_READ
    return mprotect(host(page << Self.pageShift), Self.pageSize, flags) == 0
  }
}
