import KilnPort

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Anonymous, zero-filled, page-aligned host memory (the OS backs it
/// lazily, so a large page pool costs only what the guest touches). Memory
/// that generated code addresses comes from the VM's executor, so an
/// emulator sees it at the same address; memory only Swift touches comes
/// straight from `mmap`.
final class HostAllocation {
  let base: UnsafeMutableRawPointer
  let size: Int
  private let executor: (any Executor)?

  /// Memory that generated code may address, from `executor`.
  init(size: Int, executor: any Executor) throws(VMError) {
    do { base = try executor.allocate(bytes: size) } catch { throw .allocationFailed(bytes: size) }
    self.size = size
    self.executor = executor
  }

  /// Memory only Swift code touches.
  init(size: Int) throws(VMError) {
    guard size > 0,
      let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      p != MAP_FAILED
    else { throw .allocationFailed(bytes: size) }
    base = p
    self.size = size
    executor = nil
  }

  deinit {
    if let executor { executor.deallocate(base, bytes: size) } else { munmap(base, size) }
  }
}
