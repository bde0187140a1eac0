import CKilnFault
import KilnIR
import KilnPort

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The address space of one flat-memory VM: a single reservation holding the
/// state block and the whole 32-bit guest address space, registered with the
/// SIGSEGV handler of `CKilnFault`.
///
///     start                         state block (read-write), GuestState.Flat.size bytes
///     guestBase = start + state     guest 0x0000_0000 ┐ PROT_NONE; a page becomes
///                                                     │ read-write on first touch
///     guestBase + 4 GiB - 1         guest 0xFFFF_FFFF ┘ (counted against the quota)
///     guestBase + 4 GiB             guard, PROT_NONE forever (accesses wrapping past the top)
///     start + size                  end
///
/// Generated code touches guest pages directly and the handler maps them;
/// Swift code (the memory API, slow paths, the interpreter) maps pages
/// explicitly with `map(page:)` and never relies on faults. Both count in
/// the region record, so the quota is shared. `MAP_NORESERVE` and the lazy
/// mapping mean that only touched pages cost memory.
///
/// Each mapped page that is not next to another mapped page is a separate
/// kernel mapping (VMA); a guest touching tens of thousands of isolated pages
/// can reach the kernel's `vm.max_map_count`, and further pages then fail to
/// map, reported as `outOfMemory` like an exhausted quota.
final class FlatReservation: LazyMemory {
  static let guestSpace = 1 << 32
  /// Past the top of the guest space: an access of up to 4 bytes at
  /// 0xFFFF_FFFF reaches 3 bytes in, and generated code may add an offset
  /// of up to 64 KiB to a guest address without wrapping it
  /// (`GuestMemoryLayout.flatGuardBytes`).
  static let guardSize = GuestMemoryLayout.flatGuardBytes
  static let pageSize = 4096

  /// True if flat memory can be used in this process (Linux).
  static var isSupported: Bool { kiln_flat_supported() != 0 }

  let start: UnsafeMutableRawPointer
  let size: Int
  /// Host address of guest address 0 (the JIT's state pointer).
  let guestBase: UnsafeMutableRawPointer
  /// One bit per guest page, set while the page is mapped (written by the
  /// signal handler too).
  let mappedBits: HostAllocation
  /// `mappedBits` as words (kept, not recomputed: `isMapped` is on the interpreter's fast path).
  private let bits: UnsafeMutablePointer<UInt64>
  /// This VM's record in the handler's registry.
  let region: UnsafeMutablePointer<kiln_flat_region>

  init(quota: Int) throws(VMError) {
    guard Self.isSupported else {
      throw .flatMemoryUnavailable("flat guest memory needs Linux; use paged memory")
    }
    let stateSize = GuestState.Flat.size
    size = stateSize + Self.guestSpace + Self.guardSize
    guard
      let p = mmap(
        nil, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
      p != MAP_FAILED
    else { throw .flatMemoryUnavailable("cannot reserve \(size) bytes of address space") }
    guard mprotect(p, stateSize, PROT_READ | PROT_WRITE) == 0 else {
      munmap(p, size)
      throw .allocationFailed(bytes: stateSize)
    }
    start = p
    guestBase = p + stateSize
    do {
      mappedBits = try HostAllocation(size: (Self.guestSpace / Self.pageSize) / 8)
    } catch {
      munmap(p, size)
      throw error
    }
    bits = mappedBits.base.assumingMemoryBound(to: UInt64.self)
    let base = UInt(bitPattern: guestBase)
    guard
      let r = kiln_flat_register(
        base, UInt(bitPattern: p + size), bits, UInt32(quota))
    else {
      munmap(p, size)
      throw .flatMemoryUnavailable(
        "more than \(KILN_FLAT_MAX_REGIONS) flat-memory VMs at once, or no SIGSEGV handler")
    }
    region = r
  }

  deinit {
    kiln_flat_unregister(region)
    munmap(start, size)
  }

  /// Lets the handler resolve faults of generated code in `start..<end` at
  /// `recovery`, reading the pc at `pcOffset` in the signal's ucontext_t.
  func attachCode(start: UInt, end: UInt, recovery: UInt, pcOffset: Int) {
    kiln_flat_set_code(region, start, end, recovery, UInt(pcOffset))
  }

  /// Pages mapped so far.
  var mapped: Int { Int(region.pointee.mapped) }

  /// Host RIP of the last access the handler sent to the recovery stub.
  var lastFaultRIP: UInt { region.pointee.fault_rip }

  /// The state block below guest address 0 (generated code reaches it).
  var stateBlock: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: start, count: guestBase - start)
  }

  // MARK: LazyMemory (first touches in an emulator)

  /// The guest space and its guard.
  var lazyRange: Range<UInt> {
    UInt(bitPattern: guestBase)..<UInt(bitPattern: start) + UInt(size)
  }

  /// What the native SIGSEGV handler does, for an emulator: a touch of the
  /// guest space within the quota maps the page (or finds it mapped by the
  /// runtime); over the quota, or in the guard past 0xFFFF_FFFF, generated
  /// code resumes at the recovery stub, which sends the access to its slow
  /// path (`HostCall.memoryFault` reads `lastFaultRIP`).
  func touch(address: UInt, pc: UInt) -> LazyTouch {
    let r = region.pointee
    guard lazyRange.contains(address) else { return .refused }
    let offset = address - UInt(bitPattern: guestBase)
    if offset < UInt(Self.guestSpace) {
      let page = UInt32(offset >> 12)
      if (try? map(page: page)) != nil {
        return .mapped(page: UInt(bitPattern: guestBase) + UInt(page) << 12, size: Self.pageSize)
      }
    }
    guard r.recovery != 0, pc >= r.code_start, pc < r.code_end else { return .refused }
    region.pointee.fault_rip = pc
    region.pointee.fault_address = address
    return .redirect(resume: r.recovery)
  }

  @inline(__always) func isMapped(page: UInt32) -> Bool {
    bits[Int(page >> 6)] & (1 << UInt64(page & 63)) != 0
  }

  /// Maps guest page `page` read-write (zero-filled) unless it is mapped.
  @inline(__always) func map(page: UInt32) throws(MemoryError) {
    if isMapped(page: page) { return }
    try mapSlow(page: page)
  }

  /// Guest pages that are never mapped (`VirtualMachine.guardPages`).
  var guardPages: Range<UInt32> {
    get { region.pointee.guard_first..<region.pointee.guard_end }
    set {
      region.pointee.guard_first = newValue.lowerBound
      region.pointee.guard_end = newValue.upperBound
    }
  }

  @inline(never) private func mapSlow(page: UInt32) throws(MemoryError) {
    let address = page << 12
    guard !guardPages.contains(page), region.pointee.mapped < region.pointee.quota,
      mprotect(guestBase + Int(address), Self.pageSize, PROT_READ | PROT_WRITE) == 0
    else { throw .outOfMemory(address: address) }
    bits[Int(page >> 6)] |= 1 << UInt64(page & 63)
    region.pointee.mapped += 1
  }

  /// Unmaps every mapped page: its contents are dropped (zero when mapped
  /// again) and it is PROT_NONE again.
  func unmapAll() {
    var page = 0
    let pages = Self.guestSpace / Self.pageSize
    while page < pages {
      let word = bits[page >> 6]
      if word == 0 {
        page = (page | 63) + 1
        continue
      }
      guard word & (1 << UInt64(page & 63)) != 0 else {
        page += 1
        continue
      }
      var end = page + 1
      while end < pages && bits[end >> 6] & (1 << UInt64(end & 63)) != 0 { end += 1 }
      let host = guestBase + page * Self.pageSize
      let length = (end - page) * Self.pageSize
      madvise(host, length, MADV_DONTNEED)
      mprotect(host, length, PROT_NONE)
      page = end
    }
    mappedBits.base.initializeMemory(as: UInt8.self, repeating: 0, count: mappedBits.size)
    region.pointee.mapped = 0
  }
}
