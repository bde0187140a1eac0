import CKilnFault
import KilnPort

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The state block of a paged VM that may use the faulting page walk
/// (`PageWalk.faulting`), followed by its miss region, in one reservation:
///
///     start                         state block (read-write), `missOffset` bytes
///     start + missOffset            miss region: 4 GiB of PROT_NONE, never mapped
///     start + missOffset + 4 GiB    page pool (`poolPages` > 0): PROT_NONE, pages
///                                   made read-write as `PagedMemory` hands them out
///     start + size                  end
///
/// Generated code adds a guest address `a` to the direct table's entry for
/// its page and accesses `start + missOffset + a + entry`: a mapped page's
/// entry is its host bias minus `start + missOffset`, so the access lands in
/// the page pool; a page that takes the slow path has entry 0, so the access
/// lands in the miss region and faults. The process-wide SIGSEGV handler of
/// `CKilnFault` (the flat-memory one) finds the region registered with quota
/// 0 and resumes at the recovery stub, which sends the access to its slow
/// path. Only address space is reserved (`MAP_NORESERVE`, never touched).
///
/// The page pool, when the reservation has one (`poolPages`), is the guarded
/// pool of `PagedMemory`: every run of pool pages holding consecutive guest
/// pages is followed by a PROT_NONE page, so a load that straddles out of a
/// page either reads the next guest page (the next pool page holds it) or
/// faults into its slow path (the handler's region covers the pool too).
/// Generated loads then need no alignment test (`PageTables.guardedPool`).
final class PagedReservation {
  static let missSize = 1 << 32

  let start: UnsafeMutableRawPointer
  /// Bytes from `start` to the miss region (the state block, page-rounded).
  let missOffset: Int
  let size: Int
  /// Pool pages the reservation has room for (0: no pool; the pool's
  /// address space is `2 * poolPages + 1` pages, a gap after every page at
  /// worst).
  let poolPages: Int
  /// This VM's record in the handler's registry, once `register` succeeded.
  private(set) var region: UnsafeMutablePointer<kiln_flat_region>?

  /// Reserves a state block of `stateSize` bytes and its miss region; nil
  /// where the faulting walk is not available (not Linux).
  init?(stateSize: Int, poolPages: Int = 0) {
    guard FlatReservation.isSupported else { return nil }
    missOffset = (stateSize + FlatReservation.pageSize - 1) & ~(FlatReservation.pageSize - 1)
    self.poolPages = poolPages
    let poolBytes = poolPages > 0 ? (2 * poolPages + 1) * FlatReservation.pageSize : 0
    size = missOffset + Self.missSize + poolBytes
    guard
      let p = mmap(nil, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
      p != MAP_FAILED
    else { return nil }
    guard mprotect(p, missOffset, PROT_READ | PROT_WRITE) == 0 else {
      munmap(p, size)
      return nil
    }
    start = p
  }

  deinit {
    if let region { kiln_flat_unregister(region) }
    munmap(start, size)
  }

  /// The host address the miss region starts at.
  var missBase: UInt { UInt(bitPattern: start) + UInt(missOffset) }

  /// The first page of the pool (meaningful only when `poolPages` > 0).
  var poolBase: UnsafeMutableRawPointer { start + missOffset + Self.missSize }

  /// Registers the miss region and the pool's address space (its gaps
  /// fault like the miss region) with the SIGSEGV handler; false if the
  /// registry is full.
  func register() -> Bool {
    if region == nil {
      region = kiln_flat_register(missBase, UInt(bitPattern: start) + UInt(size), nil, 0)
    }
    return region != nil
  }

  var isRegistered: Bool { region != nil }

  /// Lets the handler resolve faults of generated code in `start..<end` at
  /// `recovery`, reading the pc at `pcOffset` in the signal's ucontext_t.
  func attachCode(start: UInt, end: UInt, recovery: UInt, pcOffset: Int) {
    guard let region else { return }
    kiln_flat_set_code(region, start, end, recovery, UInt(pcOffset))
  }

  /// Host RIP of the last access the handler sent to the recovery stub.
  var lastFaultRIP: UInt { region?.pointee.fault_rip ?? 0 }
}
