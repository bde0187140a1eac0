/// Memory syscalls: brk, mmap2 (anonymous), munmap, mprotect.
///
/// Guest pages are mapped lazily by the VM and never returned to its pool,
/// so these calls manage address ranges and page permissions. Memory handed
/// out again after brk shrank or munmap ran is zeroed, as the kernel's fresh
/// pages are. Permissions follow `prot` (PROT_WRITE, PROT_EXEC) as the guest
/// sees them: the default, read-write and not executable, costs nothing;
/// other mappings are mapped at once. A page cannot be made unreadable, so
/// PROT_NONE gives read-only, not executable pages.
extension LinuxSyscalls {
  enum MapFlag {
    static let shared: UInt32 = 0x01
    static let `private`: UInt32 = 0x02
    static let fixed: UInt32 = 0x10
    static let anonymous: UInt32 = 0x20
  }

  enum Protection {
    static let read: UInt32 = 0x1
    static let write: UInt32 = 0x2
    static let exec: UInt32 = 0x4
  }

  static let page = UInt64(AddressSpace.pageSize)

  /// The guest pages of `range` (page-aligned, below 4 GiB).
  static func pages(_ range: Range<UInt64>) -> Range<UInt32> {
    UInt32(range.lowerBound / page)..<UInt32(range.upperBound / page)
  }

  /// Where brk may grow to: the lowest mmap2 region, and no further than the
  /// guest memory size above the initial break.
  var breakLimit: UInt64 {
    min(mappings.first?.lowerBound ?? UInt64(AddressSpace.mmapTop), UInt64(brkStart) + memoryLimit)
  }

  /// brk(2): returns the new break, or the old one if `address` is refused.
  func setBreak<G: LinuxGuest>(_ guest: G, _ address: UInt32) -> UInt32 {
    guard address >= brkStart, UInt64(address) <= breakLimit else { return brk }
    if address > brk {
      // Pages an mprotect left with other permissions: read-write again.
      let first = AddressSpace.pageAlignUp(UInt64(brk))
      let end = AddressSpace.pageAlignUp(UInt64(address))
      if first < end, !reset(guest, first..<end) { return brk }
      let dirtyEnd = min(address, brkHighWater)
      if dirtyEnd > brk, !zero(guest, UInt64(brk)..<UInt64(dirtyEnd)) { return brk }
    }
    brk = address
    brkHighWater = max(brkHighWater, address)
    return brk
  }

  func mmap2<G: LinuxGuest>(
    _ guest: G, address: UInt32, length: UInt32, protection: UInt32, flags: UInt32, fd: UInt32,
    pageOffset: UInt32
  ) -> Int {
    guard length > 0 else { return fail(.EINVAL) }
    guard protection & ~(Protection.read | Protection.write | Protection.exec) == 0 else {
      return fail(.EINVAL)
    }
    let kind = flags & (MapFlag.shared | MapFlag.private)
    guard kind == MapFlag.shared || kind == MapFlag.private else { return fail(.EINVAL) }
    // File mappings are not supported (only anonymous memory).
    guard flags & MapFlag.anonymous != 0 else { return fail(.ENODEV) }
    let size = AddressSpace.pageAlignUp(UInt64(length))
    let inUse = mappings.reduce(UInt64(0)) { $0 + UInt64($1.count) }
    guard inUse + size <= memoryLimit else { return fail(.ENOMEM) }

    let range: Range<UInt64>
    if flags & MapFlag.fixed != 0 {
      let start = UInt64(address)
      guard start % Self.page == 0 else { return fail(.EINVAL) }
      let fixed = start..<start + size
      // Allowed between the break and the top of the mmap area.
      guard fixed.lowerBound >= AddressSpace.pageAlignUp(UInt64(brk)),
        fixed.upperBound <= UInt64(AddressSpace.mmapTop)
      else { return fail(.ENOMEM) }
      unmap(guest, fixed)
      guard reset(guest, fixed), zero(guest, fixed) else { return fail(.ENOMEM) }
      range = fixed
    } else {
      guard let found = findFreeRange(size: size), reset(guest, found) else {
        return fail(.ENOMEM)
      }
      // Memory at or above the low-water mark may hold old data.
      let dirty = max(found.lowerBound, mmapLowWater)..<found.upperBound
      if !dirty.isEmpty, !zero(guest, dirty) { return fail(.ENOMEM) }
      range = found
    }
    let writable = protection & Protection.write != 0
    let executable = protection & Protection.exec != 0
    if !writable || executable,
      !guest.setPagePermissions(Self.pages(range), writable: writable, executable: executable)
    {
      return fail(.ENOMEM)
    }
    mmapLowWater = min(mmapLowWater, range.lowerBound)
    let insertAt = mappings.firstIndex { $0.lowerBound > range.lowerBound } ?? mappings.endIndex
    mappings.insert(range, at: insertAt)
    return Int(range.lowerBound)
  }

  /// The highest free range of `size` bytes in the mmap area above the break.
  func findFreeRange(size: UInt64) -> Range<UInt64>? {
    let floor = AddressSpace.pageAlignUp(UInt64(brk))
    var gapEnd = UInt64(AddressSpace.mmapTop)
    for m in mappings.reversed() {
      if gapEnd >= m.upperBound + size { return gapEnd - size..<gapEnd }
      gapEnd = m.lowerBound
    }
    return gapEnd >= floor + size ? gapEnd - size..<gapEnd : nil
  }

  func munmap<G: LinuxGuest>(_ guest: G, address: UInt32, length: UInt32) -> Int {
    guard UInt64(address) % Self.page == 0, length > 0 else { return fail(.EINVAL) }
    let end = UInt64(address) + AddressSpace.pageAlignUp(UInt64(length))
    guard end <= 1 << 32 else { return fail(.EINVAL) }
    unmap(guest, UInt64(address)..<end)
    return 0
  }

  /// Removes `range` from the mappings, splitting regions it cuts, and gives
  /// the mappings' pages in it the default permissions.
  func unmap<G: LinuxGuest>(_ guest: G, _ range: Range<UInt64>) {
    for m in mappings where m.overlaps(range) { _ = reset(guest, m.clamped(to: range)) }
    var kept: [Range<UInt64>] = []
    for m in mappings {
      guard m.overlaps(range) else {
        kept.append(m)
        continue
      }
      if m.lowerBound < range.lowerBound { kept.append(m.lowerBound..<range.lowerBound) }
      if m.upperBound > range.upperBound { kept.append(range.upperBound..<m.upperBound) }
    }
    mappings = kept
  }

  /// mprotect(2) on any pages of the address space (Linux wants them mapped:
  /// ENOMEM otherwise; Kiln does not check that).
  func mprotect<G: LinuxGuest>(_ guest: G, address: UInt32, length: UInt32, protection: UInt32)
    -> Int
  {
    guard UInt64(address) % Self.page == 0,
      protection & ~(Protection.read | Protection.write | Protection.exec) == 0
    else { return fail(.EINVAL) }
    let end = UInt64(address) + AddressSpace.pageAlignUp(UInt64(length))
    guard end <= 1 << 32 else { return fail(.ENOMEM) }
    guard end > UInt64(address) else { return 0 }
    let ok = guest.setPagePermissions(
      Self.pages(UInt64(address)..<end), writable: protection & Protection.write != 0,
      executable: protection & Protection.exec != 0)
    return ok ? 0 : fail(.ENOMEM)
  }

  /// Gives the pages of `range` the default permissions (read-write, not
  /// executable), whatever an earlier mprotect left there.
  func reset<G: LinuxGuest>(_ guest: G, _ range: Range<UInt64>) -> Bool {
    guest.setPagePermissions(Self.pages(range), writable: true, executable: false)
  }

  /// Writes zeros over `range`; false if guest memory ran out.
  func zero<G: LinuxGuest>(_ guest: G, _ range: Range<UInt64>) -> Bool {
    let chunk = 64 << 10
    let zeros = [UInt8](repeating: 0, count: chunk)
    var at = range.lowerBound
    while at < range.upperBound {
      let n = Int(min(UInt64(chunk), range.upperBound - at))
      guard guest.writeGuestBytes(at: UInt32(at), n == chunk ? zeros : Array(zeros[..<n])) else {
        return false
      }
      at += UInt64(n)
    }
    return true
  }
}
