/// One of the 32 RV32 integer registers, `x0`…`x31`.
///
/// `x0` is hard-wired to zero: writes to it are discarded.
public struct Register: Hashable, Sendable, CustomStringConvertible {
  /// The register number, always `0..<32`.
  public let index: UInt8

  /// The register `x<index>`, or nil if `index` is not below 32.
  public init?(_ index: UInt8) {
    guard index < 32 else { return nil }
    self.index = index
  }

  /// The register named by a 5-bit instruction field (only the low five bits are used).
  @inline(__always)
  init(field bits: UInt32) {
    self.index = UInt8(truncatingIfNeeded: bits & 31)
  }

  /// The ABI name, as the disassembler prints it (`zero`, `ra`, `sp`, … `t6`).
  public var name: String { Register.abiNames[Int(index)] }

  public var description: String { name }

  public var isZero: Bool { index == 0 }

  static let abiNames: [String] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
  ]

  public static let zero = Register(field: 0)
  public static let ra = Register(field: 1)
  public static let sp = Register(field: 2)
  public static let gp = Register(field: 3)
  public static let tp = Register(field: 4)
  public static let t0 = Register(field: 5)
  public static let t1 = Register(field: 6)
  public static let t2 = Register(field: 7)
  public static let s0 = Register(field: 8)
  /// Frame pointer: another name for `s0`.
  public static let fp = Register(field: 8)
  public static let s1 = Register(field: 9)
  public static let a0 = Register(field: 10)
  public static let a1 = Register(field: 11)
  public static let a2 = Register(field: 12)
  public static let a3 = Register(field: 13)
  public static let a4 = Register(field: 14)
  public static let a5 = Register(field: 15)
  public static let a6 = Register(field: 16)
  public static let a7 = Register(field: 17)
  public static let s2 = Register(field: 18)
  public static let s3 = Register(field: 19)
  public static let s4 = Register(field: 20)
  public static let s5 = Register(field: 21)
  public static let s6 = Register(field: 22)
  public static let s7 = Register(field: 23)
  public static let s8 = Register(field: 24)
  public static let s9 = Register(field: 25)
  public static let s10 = Register(field: 26)
  public static let s11 = Register(field: 27)
  public static let t3 = Register(field: 28)
  public static let t4 = Register(field: 29)
  public static let t5 = Register(field: 30)
  public static let t6 = Register(field: 31)
}
