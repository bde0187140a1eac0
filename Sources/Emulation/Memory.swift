import CUnicorn

/// What emulated code may do with a mapped range (`UC_PROT_*`).
public struct Permissions: OptionSet, Hashable, Sendable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let read = Self(rawValue: UC_PROT_READ.rawValue)
  public static let write = Self(rawValue: UC_PROT_WRITE.rawValue)
  public static let execute = Self(rawValue: UC_PROT_EXEC.rawValue)
  public static let readWrite: Self = [.read, .write]
  public static let readExecute: Self = [.read, .execute]
  public static let all: Self = [.read, .write, .execute]
}

/// The kind of emulated memory access that reached a hook.
public enum MemoryAccess: Sendable, Hashable {
  case read
  case write
  /// An instruction fetch.
  case fetch

  /// The access of Unicorn's `uc_mem_type` (plain, unmapped or protection event).
  init(_ type: uc_mem_type) {
    switch type {
    case UC_MEM_WRITE, UC_MEM_WRITE_UNMAPPED, UC_MEM_WRITE_PROT: self = .write
    case UC_MEM_FETCH, UC_MEM_FETCH_UNMAPPED, UC_MEM_FETCH_PROT: self = .fetch
    default: self = .read
    }
  }
}

/// Unicorn maps whole pages. Kiln uses 4 KiB everywhere: it is the host page
/// size on Linux and a multiple of every Unicorn target page (1 KiB on ARM).
public let emulatorPageSize = 4096

/// Throws ``EmulatorError/unaligned(address:size:)`` unless [address, address + size)
/// is a non-empty run of whole 4 KiB pages.
func checkPages(_ address: UInt64, _ size: Int) throws(EmulatorError) {
  let mask = UInt64(emulatorPageSize - 1)
  guard size > 0, address & mask == 0, UInt64(size) & mask == 0 else {
    throw .unaligned(address: address, size: size)
  }
}
