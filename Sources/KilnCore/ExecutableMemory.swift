import CKilnCache

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Host memory for generated code, never writable and executable at the
/// same time (W^X): the ``CodeMemory`` of native execution.
///
/// How W^X is kept depends on the host (``Scheme``); none makes a system
/// call per compiled block:
/// * Linux: one memory object mapped twice (``Scheme/dualMapping``): code
///   runs from `base` (read+execute) and is written through a second,
///   read+write view of the same pages.
/// * macOS: the region is mapped with `MAP_JIT` and writes are enclosed by
///   the per-thread `pthread_jit_write_protect_np` switch
///   (``Scheme/jitWriteProtect``), which is how Apple silicon enforces W^X.
/// * Elsewhere, or where the dual mapping is refused (no `memfd_create`, a
///   seccomp filter): one read+execute mapping whose written pages `write`
///   makes read+write and `commit` read+execute again (``Scheme/mprotect``,
///   two system calls per commit, for the written pages only).
///
/// Where the host's instruction cache is not coherent with data writes
/// (Arm), `commit` flushes exactly the committed range (`kiln_clear_cache`).
public final class ExecutableMemory: CodeMemory {
  /// How the memory keeps W^X.
  public enum Scheme: Sendable, Equatable {
    /// Two views of one memory object: `base` read+execute, `writableBase`
    /// read+write (Linux `memfd_create`).
    case dualMapping
    /// `MAP_JIT` and `pthread_jit_write_protect_np` (macOS).
    case jitWriteProtect
    /// One mapping; `mprotect` flips the written pages.
    case mprotect
  }

  public let scheme: Scheme
  /// Start of the region as generated code sees it (the executable view).
  /// Generated code lives at `base + offset`.
  public let base: UnsafeMutableRawPointer
  /// Where `write` stores: the writable view under ``Scheme/dualMapping``,
  /// else `base` itself (writable only between `write` and `commit`).
  public let writableBase: UnsafeMutableRawPointer
  public let capacity: Int
  /// True while `base` is writable (and therefore not executable): between
  /// `write` and `commit`, and never under ``Scheme/dualMapping``.
  public private(set) var isWritable: Bool
  let flushesInstructionCache: Bool
  let pageSize: Int
  /// ``Scheme/mprotect``: the page-aligned range made writable by `write`s
  /// since the last `commit`.
  private var writablePages: Range<Int>?

  public var address: UInt { UInt(bitPattern: base) }

  /// The best scheme of this host.
  public static var preferredScheme: Scheme {
    #if os(macOS)
      .jitWriteProtect
    #elseif os(Linux)
      .dualMapping
    #else
      .mprotect
    #endif
  }

  /// `flushInstructionCache`: the host needs an instruction-cache flush
  /// after code is written (the port's `InstructionCachePolicy`).
  /// `scheme`: how to keep W^X (default: ``preferredScheme``; a
  /// ``Scheme/dualMapping`` the system refuses falls back to
  /// ``Scheme/mprotect``).
  public init(
    capacity requested: Int, flushInstructionCache: Bool = false,
    scheme wanted: Scheme = ExecutableMemory.preferredScheme
  ) throws(CodeGenError) {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let size = max(page, (requested + page - 1) / page * page)
    pageSize = page
    capacity = size
    isWritable = false
    flushesInstructionCache = flushInstructionCache
    if wanted == .dualMapping, let (writable, executable) = Self.mapDual(size) {
      scheme = .dualMapping
      base = executable
      writableBase = writable
      return
    }
    #if os(macOS)
      let flags = MAP_PRIVATE | MAP_ANON | (wanted == .jitWriteProtect ? MAP_JIT : 0)
      let prot =
        wanted == .jitWriteProtect ? PROT_READ | PROT_WRITE | PROT_EXEC : PROT_READ | PROT_EXEC
      scheme = wanted == .jitWriteProtect ? .jitWriteProtect : .mprotect
    #else
      let flags = MAP_PRIVATE | MAP_ANONYMOUS
      let prot = PROT_READ | PROT_EXEC
      scheme = .mprotect
    #endif
    guard let p = mmap(nil, size, prot, flags, -1, 0), p != MAP_FAILED else {
      throw .memoryMapFailed(errno: errno)
    }
    base = p
    writableBase = p
    #if os(macOS)
      if scheme == .jitWriteProtect { pthread_jit_write_protect_np(1) }
    #endif
  }

  /// The writable and executable views of one new memory object, or nil
  /// where the host has none (not Linux) or refuses it.
  private static func mapDual(_ size: Int) -> (UnsafeMutableRawPointer, UnsafeMutableRawPointer)? {
    var writable: UnsafeMutableRawPointer?
    var executable: UnsafeMutableRawPointer?
    guard kiln_map_dual(size, &writable, &executable) == 0, let writable, let executable else {
      return nil
    }
    return (writable, executable)
  }

  deinit {
    munmap(base, capacity)
    if writableBase != base { munmap(writableBase, capacity) }
  }

  public func write(_ bytes: [UInt8], at offset: Int) {
    precondition(offset >= 0 && offset + bytes.count <= capacity, "write outside code memory")
    guard !bytes.isEmpty else { return }
    switch scheme {
    case .dualMapping: break
    case .jitWriteProtect:
      #if os(macOS)
        if !isWritable { pthread_jit_write_protect_np(0) }
      #endif
      isWritable = true
    case .mprotect: makeWritable(offset..<offset + bytes.count)
    }
    bytes.withUnsafeBytes { src in
      guard let s = src.baseAddress else { return }
      (writableBase + offset).copyMemory(from: s, byteCount: src.count)
    }
  }

  public func commit(_ range: Range<Int>) {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= capacity, "commit outside code memory")
    switch scheme {
    case .dualMapping: break
    case .jitWriteProtect:
      #if os(macOS)
        if isWritable { pthread_jit_write_protect_np(1) }
      #endif
      isWritable = false
    case .mprotect:
      if let pages = writablePages { protect(pages, PROT_READ | PROT_EXEC) }
      writablePages = nil
      isWritable = false
    }
    if flushesInstructionCache && !range.isEmpty {
      kiln_clear_cache(base + range.lowerBound, base + range.upperBound)
    }
  }

  /// ``Scheme/mprotect``: makes the pages of `bytes` writable (and not
  /// executable) until the next `commit`.
  private func makeWritable(_ bytes: Range<Int>) {
    let pages =
      bytes.lowerBound / pageSize * pageSize..<(bytes.upperBound + pageSize - 1)
      / pageSize * pageSize
    if let current = writablePages, current.lowerBound <= pages.lowerBound,
      pages.upperBound <= current.upperBound
    {
      return
    }
    protect(pages, PROT_READ | PROT_WRITE)
    writablePages =
      writablePages.map {
        min($0.lowerBound, pages.lowerBound)..<max($0.upperBound, pages.upperBound)
      } ?? pages
    isWritable = true
  }

  private func protect(_ pages: Range<Int>, _ prot: Int32) {
    // mprotect only fails for invalid ranges, which pages of `base` are not.
    let rc = mprotect(base + pages.lowerBound, pages.count, prot)
    precondition(rc == 0, "mprotect of JIT code memory failed")
  }
}
