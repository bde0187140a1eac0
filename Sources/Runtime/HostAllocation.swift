#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Anonymous, zero-filled host memory from `mmap` (the OS backs it lazily,
/// so a large page pool costs only what the guest touches).
final class HostAllocation {
  let base: UnsafeMutableRawPointer
  let size: Int

  init(size: Int) throws(VMError) {
    guard size > 0,
      let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      p != MAP_FAILED
    else { throw .allocationFailed(bytes: size) }
    base = p
    self.size = size
  }

  deinit { munmap(base, size) }
}
