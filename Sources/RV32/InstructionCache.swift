/// The interpreter's decoded instructions, kept per 4 KiB guest page: each
/// page the interpreter runs gets 1024 slots (one per aligned word) that
/// are decoded on first execution, plus a `pageEnd` marker, so straight-line
/// code walks from slot to slot and crosses into the next page through the
/// marker.
///
/// The cache is exact: every write to guest memory resets the slots of the
/// words it touches to `undecoded`, so the next execution decodes the new
/// bytes. The interpreter does this for its own stores (self-modifying code
/// needs no `fence.i`); whoever else writes guest memory (a VM's memory
/// API, syscalls) calls `invalidate(address:count:)` or `invalidateAll()`.
/// Slots are never freed while the cache lives, so a page the interpreter
/// holds stays valid.
///
///     address bits   31 … 22       21 … 12       11 … 2
///                    directory  →  table      →  page slot
///                    (1024)        (1024 pages)  (1024 + pageEnd)
///
/// A store's check costs one load when no code lives in its 4 MiB (the
/// usual case for the stack and the heap), three when it does.
public final class InstructionCache {
  @usableFromInline typealias Page = UnsafeMutablePointer<DecodedInstruction>
  @usableFromInline typealias Table = UnsafeMutablePointer<Page?>

  @usableFromInline static let slotsPerPage = 1024
  @usableFromInline static let tableEntries = 1024

  /// One entry per 4 MiB of guest space: nil, or its table of pages.
  @usableFromInline let directory: UnsafeMutablePointer<Table?>
  /// Everything allocated, for `invalidateAll` and `deinit`.
  private var tables: [Table] = []
  private var pages: [Page] = []
  /// Slots for code at a misaligned pc (only an entry pc can be one: every
  /// jump checks its target). Such code runs sequentially, each slot once;
  /// `cursor(at:)` empties them whenever it hands them out.
  private var misaligned: Page?

  public init() {
    directory = .allocate(capacity: Self.tableEntries)
    directory.initialize(repeating: nil, count: Self.tableEntries)
  }

  deinit {
    for page in pages { page.deallocate() }
    for table in tables { table.deallocate() }
    misaligned?.deallocate()
    directory.deallocate()
  }

  /// Number of guest pages with decoded slots.
  public var pageCount: Int { pages.count }

  // MARK: the interpreter's view

  /// Where the interpreter stands: the pc, its slot, the page it is in, and
  /// the slot of the stop pc if that is in the page (straight-line code
  /// moves `pc` and `slot` and compares `slot` with `stop`).
  @usableFromInline
  struct Cursor {
    @usableFromInline var pc: UInt32
    @usableFromInline var slot: Page
    /// The pc of the page's first slot: the page's address, or for the
    /// misaligned slots the (misaligned) pc they start at, which no
    /// page-aligned address equals.
    @usableFromInline var pageAddress: UInt32
    @usableFromInline var page: Page
    /// The slot of the stop pc, or one that is never reached (past `pageEnd`).
    @usableFromInline var stop: Page

    @inlinable init(pc: UInt32, slot: Page, pageAddress: UInt32, page: Page, stop: Page) {
      self.pc = pc
      self.slot = slot
      self.pageAddress = pageAddress
      self.page = page
      self.stop = stop
    }

    /// Moves to the next instruction.
    @inlinable @inline(__always)
    mutating func advance() {
      pc &+= 4
      slot += 1
    }

    /// Moves to `target` (an aligned pc), within the page without a lookup.
    @inlinable @inline(__always)
    mutating func jump(to target: UInt32, stopPC: UInt32, in cache: InstructionCache) {
      if target & ~0xFFF == pageAddress {
        pc = target
        slot = page + Int((target & 0xFFF) >> 2)
      } else {
        self = cache.cursor(at: target, stopPC: stopPC)
      }
    }
  }

  /// The cursor for `pc`, allocating its page on first use.
  @usableFromInline
  func cursor(at pc: UInt32, stopPC: UInt32) -> Cursor {
    let page: Page
    let start: UInt32
    if pc & 3 != 0 {
      page = misaligned ?? Self.makePage()
      misaligned = page
      Self.clear(page)
      start = pc
    } else {
      page = self.page(at: pc)
      start = pc & ~0xFFF
    }
    let stopOffset = stopPC &- start
    let stop =
      stopOffset & 3 == 0 && stopOffset >> 2 < Self.slotsPerPage
      ? page + Int(stopOffset >> 2) : page + Self.slotsPerPage + 1
    return Cursor(
      pc: pc, slot: page + Int((pc &- start) >> 2), pageAddress: start, page: page, stop: stop)
  }

  private func page(at pc: UInt32) -> Page {
    let top = Int(pc >> 22)
    let table: Table
    if let existing = directory[top] {
      table = existing
    } else {
      table = .allocate(capacity: Self.tableEntries)
      table.initialize(repeating: nil, count: Self.tableEntries)
      tables.append(table)
      directory[top] = table
    }
    let index = Int((pc >> 12) & 0x3FF)
    if let page = table[index] { return page }
    let page = Self.makePage()
    Self.clear(page)
    pages.append(page)
    table[index] = page
    return page
  }

  /// `slotsPerPage` slots, `pageEnd`, and one more that no instruction
  /// reaches (a cursor's `stop` when the stop pc is elsewhere).
  private static func makePage() -> Page {
    let page = Page.allocate(capacity: slotsPerPage + 2)
    page.initialize(repeating: .undecoded, count: slotsPerPage)
    (page + slotsPerPage).initialize(repeating: DecodedInstruction(handler: .pageEnd), count: 2)
    return page
  }

  private static func clear(_ page: Page) {
    page.update(repeating: .undecoded, count: slotsPerPage)
  }

  // MARK: invalidation

  /// Forgets the decoded slots of the `size` (1…4) bytes at `address` (the
  /// interpreter's stores; they may wrap past 0xFFFF_FFFF, as the access does).
  @inlinable @inline(__always)
  func invalidate(_ address: UInt32, size: Int) {
    let first = address >> 2
    let last = (address &+ UInt32(truncatingIfNeeded: size - 1)) >> 2
    invalidate(word: first)
    if last != first { invalidate(word: last) }
  }

  /// Forgets the slot of the aligned word `word << 2`.
  @inlinable @inline(__always)
  func invalidate(word: UInt32) {
    guard let table = directory[Int(word >> 20)],
      let page = table[Int((word >> 10) & 0x3FF)]
    else { return }
    page[Int(word & 0x3FF)] = .undecoded
  }

  /// Forgets the decoded slots of `count` bytes at `address` (inside the
  /// 32-bit address space; bytes past 0xFFFF_FFFF are ignored).
  public func invalidate(address: UInt32, count: Int) {
    guard count > 0 else { return }
    let end = min(UInt64(address) + UInt64(count), 1 << 32)  // exclusive
    var word = UInt64(address >> 2)
    let lastWord = (end - 1) >> 2
    while word <= lastWord {
      let w = UInt32(truncatingIfNeeded: word)
      let pageEnd = min((word | 0x3FF), lastWord)  // last word of this page in range
      if let table = directory[Int(w >> 20)], let page = table[Int((w >> 10) & 0x3FF)] {
        let from = Int(word & 0x3FF)
        (page + from).update(repeating: .undecoded, count: Int(pageEnd - word) + 1)
      }
      word = pageEnd + 1
    }
  }

  /// Forgets every decoded slot (the pages stay allocated).
  public func invalidateAll() {
    for page in pages { Self.clear(page) }
  }
}
