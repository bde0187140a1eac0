/// The sixteen x86-64 general-purpose registers, numbered as the hardware
/// numbers them: bits 0–2 go into a ModRM/SIB field or the low bits of the
/// opcode, bit 3 into REX.R, REX.X or REX.B.
public enum GPR: UInt8, CaseIterable, Sendable, CustomStringConvertible {
  case rax = 0
  case rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15

  /// The three bits that go into ModRM.reg, ModRM.rm, SIB.index, SIB.base or `op+r`.
  var low3: UInt8 { rawValue & 0b111 }

  /// The fourth bit, carried by REX.R, REX.X or REX.B.
  var high1: UInt8 { rawValue >> 3 }

  /// As a byte operand, numbers 4–7 name spl/bpl/sil/dil only when a REX
  /// prefix is present (without one they name ah/ch/dh/bh).
  var byteNeedsREX: Bool { rawValue >= 4 && rawValue < 8 }

  /// The 64-bit name (`rax`, `r8`), for dumps.
  public var description: String { name(.qword) }

  /// The register's name at `size` (`eax`/`rax`, `r8d`/`r8`), for dumps.
  public func name(_ size: OperandSize) -> String {
    switch size {
    case .qword: Self.qwordNames[Int(rawValue)]
    case .dword: Self.dwordNames[Int(rawValue)]
    }
  }

  /// The name of the low byte (`al`, `sil`, `r8b`), for dumps.
  public var byteName: String { Self.byteNames[Int(rawValue)] }

  /// The name of the low 16 bits (`ax`, `si`, `r8w`), for dumps.
  public var wordName: String { Self.wordNames[Int(rawValue)] }

  private static let qwordNames = [
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
  ]
  private static let dwordNames = [
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
  ]
  private static let wordNames = [
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
  ]
  private static let byteNames = [
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
  ]
}

/// The width of a general-purpose operation. A 32-bit result zero-extends
/// into the full 64-bit register; `qword` sets REX.W.
public enum OperandSize: Sendable, Equatable, CustomStringConvertible {
  case dword, qword

  /// The REX.W bit for this size.
  var rexW: Bool { self == .qword }

  public var description: String { self == .qword ? "qword" : "dword" }
}

/// The SIB scale field: the index register is multiplied by 1, 2, 4 or 8.
public enum Scale: UInt8, Sendable, CustomStringConvertible {
  case x1 = 0
  case x2, x4, x8

  /// The multiplier, for dumps.
  public var factor: Int { 1 << Int(rawValue) }

  public var description: String { "\(factor)" }
}
