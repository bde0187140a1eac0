/// Guest memory as the Swift side of the runtime sees it: the memory API,
/// host-call slow paths, the interpreter and the translator's fetches.
/// `PagedMemory` (the RV32IM spec's design) and `FlatMemory` (reserved
/// address space, Linux x86-64) implement it; `Config.memoryMode` picks one.
///
/// Both map a page on first touch and count it against the same quota
/// (`Config.maxMemoryPages`); accesses may cross pages and wrap from
/// 0xFFFF_FFFF to 0.
protocol GuestMemory: AnyObject {
  /// Guest pages that are never mapped: every access to them fails.
  var guardPages: Range<UInt32> { get set }
  /// Pages mapped so far.
  var used: Int { get }
  /// Counts `store`s into pages holding compiled code (the interpreter's
  /// stores for a JIT VM compare it before and after: `Budget.swift`).
  var codeStores: Int { get }
  /// Read-only and non-executable pages (`protect`).
  var permissions: PagePermissions { get }

  /// Maps `page` and makes it read-only unless `writable`, and not
  /// executable unless `executable`. Only guest accesses are refused: the
  /// memory API (`read`, `write`) still reaches the page.
  func protect(page: UInt32, writable: Bool, executable: Bool) throws(MemoryError)

  /// Gives `page` the default permissions again (`PagePermissions.forget`),
  /// without mapping it.
  func unprotect(page: UInt32)

  /// Whether pages without permissions of their own may be executed.
  func setDefaultExecutable(_ executable: Bool)

  /// Like `mappedHost`, but nil for pages that stores may not write
  /// directly (read-only pages, and pages holding compiled code): the
  /// interpreter's store fast path.
  func mappedHostForStore(_ address: UInt32, size: Int) -> UnsafeMutableRawPointer?

  /// Reads `size` bytes (1, 2 or 4) at `address`, little-endian; any
  /// alignment, mapping pages on first touch.
  func load(_ address: UInt32, size: Int) throws(MemoryError) -> UInt32

  /// Writes the low `size` bytes of `value` at `address`. Returns true if a
  /// page holding compiled code was written.
  func store(_ address: UInt32, size: Int, value: UInt32) throws(MemoryError) -> Bool

  /// The host address of the `size` (1, 2 or 4) bytes at `address` if they
  /// lie in one page that is mapped; nil otherwise (`load` and `store`
  /// then map pages and cross them). The interpreter's fast path: it
  /// neither maps pages nor reports stores into compiled code.
  func mappedHost(_ address: UInt32, size: Int) -> UnsafeMutableRawPointer?

  /// The instruction word at `pc`, or nil if one of its pages was never mapped.
  func fetch(_ pc: UInt32) -> UInt32?

  func read(at address: UInt32, count: Int) throws(MemoryError) -> [UInt8]

  /// Returns true if a page holding compiled code was written.
  func write(at address: UInt32, _ bytes: [UInt8]) throws(MemoryError) -> Bool

  /// Unmaps and zeroes every page in use.
  func clear()

  /// Stores to this (mapped) page now take the slow path, which invalidates
  /// code. Throws if the page cannot be made so (`FlatMemory`'s host write
  /// protection).
  func markCode(page: UInt32) throws(MemoryError)

  /// Forgets all code pages (after the code cache is flushed).
  func unmarkAllCode()
}

extension GuestMemory {
  /// `count` bytes from `address` must stay inside the 32-bit address space.
  static func checkRange(_ address: UInt32, _ count: Int) throws(MemoryError) {
    guard count >= 0, UInt64(address) + UInt64(count) <= 1 << 32 else {
      throw .addressOverflow(address: address, count: count)
    }
  }
}
