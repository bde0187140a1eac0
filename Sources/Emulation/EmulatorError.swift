import CUnicorn

/// A Unicorn error code (`uc_err`), with names for the ones callers test.
public struct UnicornErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  init(_ error: uc_err) { rawValue = error.rawValue }

  public static let ok = Self(UC_ERR_OK)
  public static let noMemory = Self(UC_ERR_NOMEM)
  public static let invalidArgument = Self(UC_ERR_ARG)
  public static let invalidMapping = Self(UC_ERR_MAP)
  public static let readUnmapped = Self(UC_ERR_READ_UNMAPPED)
  public static let writeUnmapped = Self(UC_ERR_WRITE_UNMAPPED)
  public static let fetchUnmapped = Self(UC_ERR_FETCH_UNMAPPED)
  public static let readProtected = Self(UC_ERR_READ_PROT)
  public static let writeProtected = Self(UC_ERR_WRITE_PROT)
  public static let fetchProtected = Self(UC_ERR_FETCH_PROT)
  public static let invalidInstruction = Self(UC_ERR_INSN_INVALID)
  public static let exception = Self(UC_ERR_EXCEPTION)

  /// Unicorn's text for the code (`uc_strerror`).
  public var description: String { String(cString: uc_strerror(uc_err(rawValue))) }
}

/// Why an ``Emulator`` operation failed.
public enum EmulatorError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The Unicorn call `function` returned `code`. `message` is
  /// `uc_strerror(code)`. For ``Emulator/run(from:until:instructionLimit:)``,
  /// `pc` is the program counter where emulation stopped; see there for how
  /// precise it is.
  case unicorn(function: String, code: UnicornErrorCode, message: String, pc: UInt64?)
  /// A mapping's address or size was not a non-zero multiple of 4 KiB.
  case unaligned(address: UInt64, size: Int)
  /// A mapping reaches past the 4 GiB address space of a 32-bit architecture.
  case outsideAddressSpace(address: UInt64, size: Int)
  /// `mmap` failed.
  case allocationFailed(size: Int, errno: Int32)
  /// No host memory below 4 GiB could be had for a 32-bit guest.
  case noMemoryBelow4GiB(size: Int)

  /// The Unicorn error code, for ``unicorn(function:code:message:pc:)``.
  public var code: UnicornErrorCode? {
    if case .unicorn(_, let code, _, _) = self { code } else { nil }
  }

  /// Where emulation stopped, for a failed run.
  public var pc: UInt64? {
    if case .unicorn(_, _, _, let pc) = self { pc } else { nil }
  }

  public var description: String {
    switch self {
    case .unicorn(let function, _, let message, let pc):
      "\(function): \(message)" + (pc.map { " at pc 0x\(String($0, radix: 16))" } ?? "")
    case .unaligned(let address, let size):
      "0x\(String(address, radix: 16)) + \(size) is not a whole number of 4 KiB pages"
    case .outsideAddressSpace(let address, let size):
      "0x\(String(address, radix: 16)) + \(size) lies beyond the 32-bit address space"
    case .allocationFailed(let size, let errno):
      "mmap of \(size) bytes failed (errno \(errno))"
    case .noMemoryBelow4GiB(let size):
      "no \(size) bytes of host memory below 4 GiB"
    }
  }
}

extension EmulatorError {
  /// The error of Unicorn call `function` that returned `result`.
  init(_ result: uc_err, _ function: String, pc: UInt64? = nil) {
    let code = UnicornErrorCode(result)
    self = .unicorn(function: function, code: code, message: code.description, pc: pc)
  }
}

/// Throws ``EmulatorError/unicorn(function:code:message:pc:)`` unless `result` is `UC_ERR_OK`.
func check(_ result: uc_err, _ function: String, pc: UInt64? = nil) throws(EmulatorError) {
  guard result == UC_ERR_OK else { throw EmulatorError(result, function, pc: pc) }
}
