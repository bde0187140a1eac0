/// The Linux process start-up stack (what the kernel's `create_elf_tables`
/// builds), as one block of bytes to copy to `[stackPointer, top)`.
///
/// ```
///  top ─▶ ┌─────────────────────────────┐
///         │ argv strings, envp strings,  │
///         │ execfn string (NUL-ended)    │
///         ├─────────────────────────────┤ 16-byte aligned
///         │ AT_RANDOM: 16 random bytes   │
///         ├─────────────────────────────┤
///         │ (padding to 16 bytes)        │
///         │ auxv: (type, value) pairs,   │
///         │       AT_NULL 0              │
///         │ envp[0…], NULL               │
///         │ argv[0…], NULL               │
///  sp ──▶ │ argc                         │  16-byte aligned
///         └─────────────────────────────┘
/// ```
public struct InitialStack: Sendable, Equatable {
  /// Auxiliary vector entry types (`<linux/auxvec.h>`).
  public enum AuxType: UInt32, Sendable {
    case null = 0
    case phdr = 3
    case phent = 4
    case phnum = 5
    case pagesz = 6
    case base = 7
    case flags = 8
    case entry = 9
    case uid = 11
    case euid = 12
    case gid = 13
    case egid = 14
    case hwcap = 16
    case clktck = 17
    case secure = 23
    case random = 25
    case execfn = 31
  }

  /// Guest sp at entry (16-byte aligned).
  public let stackPointer: UInt32
  /// The bytes of `[stackPointer, top)`.
  public let bytes: [UInt8]
  /// Guest address of the 16 AT_RANDOM bytes.
  public let randomAddress: UInt32
  /// The auxiliary vector as written (without the final AT_NULL).
  public let auxiliaryVector: [(type: AuxType, value: UInt32)]

  public static func == (a: InitialStack, b: InitialStack) -> Bool {
    a.stackPointer == b.stackPointer && a.bytes == b.bytes
  }

  /// Largest start-up block accepted (Linux limits argv + envp to a quarter
  /// of the stack limit; we take a quarter of our 8 MiB stack).
  public static let maxSize = Int(AddressSpace.stackSize / 4)

  /// Builds the stack below `top`.
  ///
  /// - Parameters:
  ///   - auxiliary: entries other than AT_RANDOM, AT_EXECFN and AT_NULL,
  ///     which this function adds itself.
  ///   - random: the 16 bytes AT_RANDOM points to.
  /// - Returns: nil if the strings do not fit in `maxSize` bytes.
  public static func build(
    top: UInt32, arguments: [String], environment: [String], executableName: String,
    auxiliary: [(type: AuxType, value: UInt32)], random: [UInt8]
  ) -> InitialStack? {
    // Strings, lowest address first: argv, envp, execfn.
    var strings: [UInt8] = []
    var argOffsets: [Int] = []
    var envOffsets: [Int] = []
    for a in arguments {
      argOffsets.append(strings.count)
      strings += Array(a.utf8) + [0]
    }
    for e in environment {
      envOffsets.append(strings.count)
      strings += Array(e.utf8) + [0]
    }
    let execfnOffset = strings.count
    strings += Array(executableName.utf8) + [0]
    guard strings.count < maxSize, UInt64(top) > UInt64(maxSize) else { return nil }
    // Four zero bytes at the very top, as Linux leaves an end marker.
    let stringsStart = UInt64(top) - 4 - UInt64(strings.count)
    let randomStart = (stringsStart - 16) & ~15

    var aux = auxiliary.filter { $0.type != .random && $0.type != .execfn && $0.type != .null }
    aux.append((.random, UInt32(truncatingIfNeeded: randomStart)))
    aux.append((.execfn, UInt32(truncatingIfNeeded: stringsStart + UInt64(execfnOffset))))

    let words = 1 + (arguments.count + 1) + (environment.count + 1) + 2 * (aux.count + 1)
    let sp = (randomStart - UInt64(words * 4)) & ~15
    let size = UInt64(top) - sp
    guard size <= UInt64(maxSize), sp < UInt64(top) else { return nil }

    var block = [UInt8](repeating: 0, count: Int(size))
    func offset(_ address: UInt64) -> Int { Int(address - sp) }
    block.replaceSubrange(
      offset(stringsStart)..<offset(stringsStart) + strings.count, with: strings)
    block.replaceSubrange(
      offset(randomStart)..<offset(randomStart) + 16,
      with: random.prefix(16) + [UInt8](repeating: 0, count: max(0, 16 - random.count)))

    var cursor = 0
    func put(_ value: UInt32) {
      block.storeLE(value, at: cursor)
      cursor += 4
    }
    put(UInt32(arguments.count))
    for o in argOffsets { put(UInt32(truncatingIfNeeded: stringsStart + UInt64(o))) }
    put(0)
    for o in envOffsets { put(UInt32(truncatingIfNeeded: stringsStart + UInt64(o))) }
    put(0)
    for (type, value) in aux {
      put(type.rawValue)
      put(value)
    }
    put(AuxType.null.rawValue)
    put(0)

    return InitialStack(
      stackPointer: UInt32(truncatingIfNeeded: sp), bytes: block,
      randomAddress: UInt32(truncatingIfNeeded: randomStart), auxiliaryVector: aux)
  }
}
