/// Bit fields of the opcode byte (RFC 9669 §3, §4, §5).
///
/// ```
/// arithmetic and jump:  | code:4 | s:1 | class:3 |    s = source (K imm / X reg)
/// load and store:       | mode:3 | sz:2 | class:3 |
/// ```
public enum Opcode {
  // Classes (low three bits).
  public static let classLD: UInt8 = 0x00
  public static let classLDX: UInt8 = 0x01
  public static let classST: UInt8 = 0x02
  public static let classSTX: UInt8 = 0x03
  public static let classALU: UInt8 = 0x04
  public static let classJMP: UInt8 = 0x05
  public static let classJMP32: UInt8 = 0x06
  public static let classALU64: UInt8 = 0x07

  // Source bit of arithmetic and jump instructions.
  public static let sourceK: UInt8 = 0x00
  public static let sourceX: UInt8 = 0x08

  // Load/store modes (top three bits).
  public static let modeIMM: UInt8 = 0x00
  public static let modeABS: UInt8 = 0x20
  public static let modeIND: UInt8 = 0x40
  public static let modeMEM: UInt8 = 0x60
  public static let modeMEMSX: UInt8 = 0x80
  public static let modeATOMIC: UInt8 = 0xC0

  /// Byte-swap direction bit of `END` (ALU class): 0 = to little, 8 = to big endian.
  public static let endToBE: UInt8 = 0x08

  /// The `imm` flag of atomic operations that returns the old value.
  public static let atomicFetch: Int32 = 0x01
}

/// Access width of loads, stores and atomics: the `size` field.
public enum AccessSize: UInt8, Hashable, Sendable, CaseIterable {
  case word = 0x00  // W, 4 bytes
  case half = 0x08  // H, 2 bytes
  case byte = 0x10  // B, 1 byte
  case double = 0x18  // DW, 8 bytes

  public var byteCount: Int {
    switch self {
    case .byte: 1
    case .half: 2
    case .word: 4
    case .double: 8
    }
  }

  /// Mnemonic suffix: `b`, `h`, `w`, `dw`.
  public var suffix: String {
    switch self {
    case .byte: "b"
    case .half: "h"
    case .word: "w"
    case .double: "dw"
    }
  }
}

/// Operand width of arithmetic and conditional jumps (ALU/JMP32 vs ALU64/JMP).
public enum Width: Hashable, Sendable {
  case w32, w64
}

/// The source operand of arithmetic and conditional jumps.
public enum Source: Hashable, Sendable {
  /// `K`: the 32-bit `imm` field.
  case imm
  /// `X`: the `src` register.
  case reg
}
