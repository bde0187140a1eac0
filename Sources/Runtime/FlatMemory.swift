/// Flat guest memory: guest address `a` is the host byte at
/// `reservation.guestBase + a` (see `FlatReservation`). Generated code
/// accesses it directly; this is the Swift side (slow paths, the memory API,
/// the interpreter), which maps pages explicitly against the shared quota.
///
/// Pages holding compiled code are flagged in the state block's code-page map
/// (`GuestState.Flat.codePages`, one byte per guest page), which generated
/// stores check, so a store into compiled code takes the slow path and
/// invalidates it.
final class FlatMemory: GuestMemory {
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
    var touchedCode = false
    for k in 0..<size {
      let a = address &+ UInt32(k)
      let page = a >> Self.pageShift
      try reservation.map(page: page)
      if codePageMap[Int(page)] != 0 { touchedCode = true }
      host(a).storeBytes(of: UInt8(truncatingIfNeeded: value >> UInt32(8 * k)), as: UInt8.self)
    }
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
    bytes.withUnsafeBytes { src in
      host(address).copyMemory(from: src.baseAddress!, byteCount: src.count)
    }
    let last = UInt32(UInt64(address) + UInt64(bytes.count) - 1)
    for page in (address >> Self.pageShift)...(last >> Self.pageShift)
    where codePageMap[Int(page)] != 0 {
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
  }

  func unprotect(page: UInt32) {
    guard permissions.isMarked(page) else { return }
    if permissions.isReadOnly(page) { codePageMap[Int(page)] = 0 }
    permissions.forget(page: page)
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

  func markCode(page: UInt32) {
    guard reservation.isMapped(page: page), codePageMap[Int(page)] == 0 else { return }
    codePageMap[Int(page)] = 1
    codePages.append(page)
  }

  func unmarkAllCode() {
    for page in codePages where !permissions.isReadOnly(page) { codePageMap[Int(page)] = 0 }
    codePages.removeAll(keepingCapacity: true)
  }
}
