#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fixed region of host memory for generated code, never writable and
/// executable at the same time (W^X).
///
/// On Linux the pages are mapped read+write, and every write is bracketed by
/// `mprotect` flips (RX → RW → RX). On macOS the region is mapped with
/// `MAP_JIT` and the per-thread `pthread_jit_write_protect_np` switch is used,
/// which is how Apple silicon enforces W^X.
public final class ExecutableMemory {
  /// Start of the region. Generated code lives at `base + offset`.
  public let base: UnsafeMutableRawPointer
  public let capacity: Int
  /// True while the region is writable (and therefore not executable).
  public private(set) var isWritable: Bool

  public init(capacity requested: Int) throws(CodeGenError) {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let size = max(page, (requested + page - 1) / page * page)
    #if os(macOS)
      let flags = MAP_PRIVATE | MAP_ANON | MAP_JIT
      let prot = PROT_READ | PROT_WRITE | PROT_EXEC
    #else
      let flags = MAP_PRIVATE | MAP_ANONYMOUS
      let prot = PROT_READ | PROT_EXEC
    #endif
    guard let p = mmap(nil, size, prot, flags, -1, 0), p != MAP_FAILED else {
      throw .memoryMapFailed(errno: errno)
    }
    base = p
    capacity = size
    isWritable = false
    #if os(macOS)
      pthread_jit_write_protect_np(1)
    #endif
  }

  deinit { munmap(base, capacity) }

  /// Makes the region writable (not executable), runs `body`, then makes it
  /// executable (not writable) again. Nested calls are allowed.
  public func withWritable<R, E: Error>(
    _ body: (UnsafeMutableRawPointer) throws(E) -> R
  ) throws(E) -> R {
    if isWritable { return try body(base) }
    setWritable(true)
    defer { setWritable(false) }
    return try body(base)
  }

  /// Copies `bytes` to `offset` (W^X flip around the copy).
  public func write(_ bytes: [UInt8], at offset: Int) {
    precondition(offset >= 0 && offset + bytes.count <= capacity, "write outside code memory")
    withWritable { base in
      bytes.withUnsafeBytes { src in
        guard let s = src.baseAddress else { return }
        (base + offset).copyMemory(from: s, byteCount: src.count)
      }
    }
  }

  private func setWritable(_ writable: Bool) {
    #if os(macOS)
      pthread_jit_write_protect_np(writable ? 0 : 1)
    #else
      let prot = writable ? (PROT_READ | PROT_WRITE) : (PROT_READ | PROT_EXEC)
      // mprotect only fails for invalid ranges, which `base`/`capacity` are not.
      let rc = mprotect(base, capacity, prot)
      precondition(rc == 0, "mprotect of JIT code memory failed")
    #endif
    isWritable = writable
    #if arch(arm64)
      if !writable { flushInstructionCache() }
    #endif
  }

  #if arch(arm64)
    /// Arm hosts do not keep the instruction cache coherent with data writes.
    private func flushInstructionCache() {
      #if os(macOS)
        sys_icache_invalidate(base, capacity)
      #else
        // The AArch64 port issues `dc cvau`/`ic ivau` itself; see Ports/AArch64.
      #endif
    }
  #endif
}
