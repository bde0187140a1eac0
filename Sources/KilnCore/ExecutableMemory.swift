import CKilnCache

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Host memory for generated code, never writable and executable at the
/// same time (W^X): the ``CodeMemory`` of native execution.
///
/// On Linux the pages are mapped read+execute; `write` flips them to
/// read+write and `commit` back (mprotect). On macOS the region is mapped
/// with `MAP_JIT` and the per-thread `pthread_jit_write_protect_np` switch
/// is used, which is how Apple silicon enforces W^X. Where the host's
/// instruction cache is not coherent with data writes (Arm), `commit`
/// flushes exactly the committed range (`kiln_clear_cache`).
public final class ExecutableMemory: CodeMemory {
  /// Start of the region. Generated code lives at `base + offset`.
  public let base: UnsafeMutableRawPointer
  public let capacity: Int
  /// True while the region is writable (and therefore not executable).
  public private(set) var isWritable: Bool
  let flushesInstructionCache: Bool

  public var address: UInt { UInt(bitPattern: base) }

  /// `flushInstructionCache`: the host needs an instruction-cache flush
  /// after code is written (the port's `InstructionCachePolicy`).
  public init(capacity requested: Int, flushInstructionCache: Bool = false) throws(CodeGenError) {
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
    flushesInstructionCache = flushInstructionCache
    #if os(macOS)
      pthread_jit_write_protect_np(1)
    #endif
  }

  deinit { munmap(base, capacity) }

  public func write(_ bytes: [UInt8], at offset: Int) {
    precondition(offset >= 0 && offset + bytes.count <= capacity, "write outside code memory")
    if !isWritable { setWritable(true) }
    bytes.withUnsafeBytes { src in
      guard let s = src.baseAddress else { return }
      (base + offset).copyMemory(from: s, byteCount: src.count)
    }
  }

  public func commit(_ range: Range<Int>) {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= capacity, "commit outside code memory")
    if isWritable { setWritable(false) }
    if flushesInstructionCache && !range.isEmpty {
      kiln_clear_cache(base + range.lowerBound, base + range.upperBound)
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
  }
}
