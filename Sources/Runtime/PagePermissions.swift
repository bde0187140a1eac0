/// Guest pages that are read-only or not executable (the flags of a Linux
/// program's ELF segments, its mmap2 and mprotect calls;
/// `VirtualMachine.protect`). Every other page is readable and writable, and
/// executable unless `defaultExecutable` is false (a Linux process: its
/// stack, heap and anonymous mappings are not executable). Bitmaps of 2^20
/// bits, allocated on first use, so a VM that never protects a page pays
/// nothing.
///
/// Generated code is not slowed down: read-only pages reuse the marks that
/// already send stores to pages holding compiled code to the slow path
/// (paged: `writeTags`; flat: `codePages`), which then refuses the write;
/// executability is checked when a block is translated or an instruction
/// fetched by the interpreter.
struct PagePermissions {
  private var readOnly: [UInt64] = []
  private var noExecute: [UInt64] = []
  /// Pages given `executable: true`; they matter only when
  /// `defaultExecutable` is false.
  private var executable: [UInt64] = []
  /// Whether a page that was never given permissions may be executed.
  var defaultExecutable = true

  /// True if some page is read-only (stores then look at each page).
  var hasReadOnlyPages: Bool { !readOnly.isEmpty }

  @inline(__always) func isReadOnly(_ page: UInt32) -> Bool { Self.has(readOnly, page) }

  @inline(__always) func isExecutable(_ page: UInt32) -> Bool {
    defaultExecutable ? !Self.has(noExecute, page) : Self.has(executable, page)
  }

  /// True if `page` has permissions of its own (`set`, not yet `forget`).
  func isMarked(_ page: UInt32) -> Bool {
    Self.has(readOnly, page) || Self.has(noExecute, page) || Self.has(executable, page)
  }

  mutating func set(page: UInt32, writable: Bool, executable: Bool) {
    Self.assign(&readOnly, page, !writable)
    Self.assign(&noExecute, page, !executable)
    Self.assign(&self.executable, page, executable)
  }

  /// Gives `page` the default permissions again (writable; executable if
  /// `defaultExecutable`).
  mutating func forget(page: UInt32) {
    Self.assign(&readOnly, page, false)
    Self.assign(&noExecute, page, false)
    Self.assign(&executable, page, false)
  }

  /// The read-only pages, in ascending order.
  var readOnlyPages: [UInt32] {
    var pages: [UInt32] = []
    for (w, word) in readOnly.enumerated() where word != 0 {
      for bit in 0..<64 where word & (1 << UInt64(bit)) != 0 {
        pages.append(UInt32(w * 64 + bit))
      }
    }
    return pages
  }

  /// Forgets every page's permissions; `defaultExecutable` stays.
  mutating func reset() {
    readOnly = []
    noExecute = []
    executable = []
  }

  private static let words = (1 << 20) / 64

  /// Whether `page`'s bit is set; false while `bits` is not allocated.
  @inline(__always) private static func has(_ bits: [UInt64], _ page: UInt32) -> Bool {
    guard !bits.isEmpty else { return false }
    let p = Int(page & 0xF_FFFF)
    return bits[p >> 6] & (1 << UInt64(p & 63)) != 0
  }

  private static func assign(_ bits: inout [UInt64], _ page: UInt32, _ on: Bool) {
    if bits.isEmpty {
      guard on else { return }
      bits = [UInt64](repeating: 0, count: words)
    }
    let p = Int(page & 0xF_FFFF)
    if on {
      bits[p >> 6] |= 1 << UInt64(p & 63)
    } else {
      bits[p >> 6] &= ~(1 << UInt64(p & 63))
    }
  }
}
