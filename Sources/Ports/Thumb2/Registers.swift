// Thumb-2 (ARMv7E-M) core registers as types.
//
// Sixteen registers, r0–r15; r13 is the stack pointer, r14 the link register
// and r15 the program counter. Most 16-bit encodings have 3-bit register
// fields and reach only the *low* registers r0–r7 (`LowReg`); the 32-bit
// encodings reach all sixteen (though most forbid sp and pc in most fields:
// the encoder methods check that with preconditions).
//
//     r0–r7     low      3-bit fields of the 16-bit forms
//     r8–r12    high     32-bit forms, and the hi-register 16-bit forms
//     sp (r13)  stack    sp-relative forms; most data forms forbid it
//     lr (r14)  link     bl/blx write it; push/pop save it
//     pc (r15)  program  bx/pop; never a data operand here

/// One of the sixteen core registers.
public enum Reg: UInt8, CaseIterable, Sendable, CustomStringConvertible {
  case r0 = 0
  case r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, sp, lr, pc

  /// True for r0–r7, which the 3-bit fields of the 16-bit encodings reach.
  public var isLow: Bool { rawValue < 8 }

  /// The 4-bit register field value.
  var field: UInt32 { UInt32(rawValue) }

  /// The name LLVM prints (`r5`, `sp`, `lr`, `pc`).
  public var description: String {
    switch self {
    case .sp: "sp"
    case .lr: "lr"
    case .pc: "pc"
    default: "r\(rawValue)"
    }
  }
}

/// A low register (r0–r7): the operand type of forms that only have a
/// 16-bit encoding with a 3-bit field (`cbz`, `cbnz`).
public struct LowReg: Hashable, Sendable, CustomStringConvertible {
  public let reg: Reg

  /// `r` if it is r0–r7, else nil.
  public init?(_ r: Reg) {
    guard r.isLow else { return nil }
    reg = r
  }

  private init(unchecked r: Reg) { reg = r }

  public static let r0 = LowReg(unchecked: .r0)
  public static let r1 = LowReg(unchecked: .r1)
  public static let r2 = LowReg(unchecked: .r2)
  public static let r3 = LowReg(unchecked: .r3)
  public static let r4 = LowReg(unchecked: .r4)
  public static let r5 = LowReg(unchecked: .r5)
  public static let r6 = LowReg(unchecked: .r6)
  public static let r7 = LowReg(unchecked: .r7)

  public var description: String { reg.description }
}

/// A set of core registers (bit n = rn), for `push` and `pop`.
public struct RegisterList: OptionSet, Sendable, Hashable, CustomStringConvertible {
  public let rawValue: UInt16

  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// The set of `regs`.
  public init(_ regs: Reg...) {
    self.init(regs)
  }

  /// The set of `regs`.
  public init(_ regs: [Reg]) {
    var bits: UInt16 = 0
    for r in regs { bits |= 1 << UInt16(r.rawValue) }
    rawValue = bits
  }

  /// True if `r` is in the set.
  public func contains(_ r: Reg) -> Bool { rawValue & (1 << UInt16(r.rawValue)) != 0 }

  /// The registers in ascending order.
  public var registers: [Reg] { Reg.allCases.filter { contains($0) } }

  /// The number of registers in the set.
  public var count: Int { rawValue.nonzeroBitCount }

  /// `{r4, r5, lr}`, as LLVM prints it.
  public var description: String {
    "{" + registers.map { $0.description }.joined(separator: ", ") + "}"
  }
}

/// The shift applied to the last register operand of a data-processing
/// instruction. Amounts: `lsl` 0–31, `lsr` and `asr` 1–32, `ror` 1–31
/// (`ror #0` would be RRX, which Kiln does not use).
public enum Shift: Sendable, Hashable, CustomStringConvertible {
  case lsl(UInt8)
  case lsr(UInt8)
  case asr(UInt8)
  case ror(UInt8)

  /// True for `lsl #0`: no shift, which the 16-bit forms allow.
  public var isNone: Bool { self == .lsl(0) }

  /// The `type` field (bits 5–4 of the second halfword) and the 5-bit amount
  /// field `imm3:imm2` (`lsr`/`asr` #32 encode as 0). Checks the amount.
  var fields: (type: UInt32, imm5: UInt32) {
    switch self {
    case .lsl(let n):
      precondition(n <= 31, "lsl #\(n): the amount is 0–31")
      return (0, UInt32(n))
    case .lsr(let n):
      precondition(n >= 1 && n <= 32, "lsr #\(n): the amount is 1–32")
      return (1, UInt32(n) & 31)
    case .asr(let n):
      precondition(n >= 1 && n <= 32, "asr #\(n): the amount is 1–32")
      return (2, UInt32(n) & 31)
    case .ror(let n):
      precondition(n >= 1 && n <= 31, "ror #\(n): the amount is 1–31")
      return (3, UInt32(n))
    }
  }

  /// `lsl #3` as LLVM prints it (`lsl #0` prints as nothing).
  public var description: String {
    switch self {
    case .lsl(let n): "lsl #\(n)"
    case .lsr(let n): "lsr #\(n)"
    case .asr(let n): "asr #\(n)"
    case .ror(let n): "ror #\(n)"
    }
  }
}
