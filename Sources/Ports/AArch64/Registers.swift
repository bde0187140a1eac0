// AArch64 general-purpose registers as types.
//
// There are 31 registers, x0–x30, each with a 64-bit (X) and a 32-bit (W)
// view. The register field value 31 names no register of its own: depending
// on the field it is either the zero register (reads 0, writes are discarded)
// or the stack pointer. The Arm ARM writes the two kinds of field as
// `<Xn>`/`<Wn>` (31 = xzr/wzr) and `<Xn|SP>`/`<Wn|WSP>` (31 = sp/wsp).
//
// Kiln gives each kind of field its own type, so that `sp` cannot be passed
// where the encoding would read it as `xzr`, nor the other way round:
//
//     type     width   field 31   conforms to    names
//     XReg     64      xzr        RegisterOrZR   .x0 … .x30, .xzr
//     WReg     32      wzr        RegisterOrZR   .w0 … .w30, .wzr
//     XRegSP   64      sp         RegisterOrSP   .x0 … .x30, .sp
//     WRegSP   32      wsp        RegisterOrSP   .w0 … .w30, .wsp
//
// Encoder methods are generic over the two protocols, so one method covers
// the W and X forms and all operands of an instruction must have the same
// width (`add(.x0, .x1, .w2)` does not compile). The names are static members
// of the protocols (see RegisterNames.swift), so `.x0` and `.sp` work as
// arguments of generic parameters too.

/// One of the 31 general-purpose registers, without a width. Register 31
/// (zr or sp) is not a `GPR`: it exists only as `.xzr`, `.wzr`, `.sp` or
/// `.wsp` of the typed views.
public enum GPR: UInt8, CaseIterable, Sendable, CustomStringConvertible {
  case x0 = 0
  case x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15
  case x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30

  /// The frame pointer of the AAPCS64 (x29).
  public static let fp = GPR.x29
  /// The link register (x30): `bl` and `blr` write the return address here.
  public static let lr = GPR.x30

  /// The 64-bit name (`x5`), for dumps.
  public var description: String { "x\(rawValue)" }
}

/// What the four register views share: the 5-bit field value and the width.
public protocol RegisterView: Sendable, Hashable, CustomStringConvertible {
  /// The value of the 5-bit register field: 0–30, or 31 for zr/sp.
  var field: UInt32 { get }
  /// The `sf` bit of the instruction: 1 for 64-bit views, 0 for 32-bit ones.
  static var sf: UInt32 { get }
  /// The register as a view of this kind (never field 31).
  init(_ register: GPR)
  /// The view with field value `field` (taken modulo 32): 31 is zr or sp.
  /// For decoders and tests; code generators name registers.
  init(field: UInt32)
}

extension RegisterView {
  /// The width in bits: 32 or 64.
  public static var bits: UInt32 { sf == 1 ? 64 : 32 }

  /// The register, or nil for field 31 (zr or sp).
  public var gpr: GPR? { GPR(rawValue: UInt8(field)) }
}

/// A view in which field 31 is the zero register (`xzr`, `wzr`).
public protocol RegisterOrZR: RegisterView {
  /// The view of the same width in which field 31 is the stack pointer.
  associatedtype SP: RegisterOrSP where SP.ZR == Self
  /// The logical immediate of this width.
  associatedtype Bitmask: BitmaskImmediate
  /// The zero register of this width (`.xzr`, `.wzr`).
  static var zr: Self { get }
}

/// A view in which field 31 is the stack pointer (`sp`, `wsp`).
public protocol RegisterOrSP: RegisterView {
  /// The view of the same width in which field 31 is the zero register.
  associatedtype ZR: RegisterOrZR where ZR.SP == Self
  /// The stack pointer at this width (`.sp`, `.wsp`).
  static var stackPointer: Self { get }
}

/// A 64-bit register, or `xzr`.
public struct XReg: RegisterOrZR {
  public typealias SP = XRegSP
  public typealias Bitmask = LogicalImmediate64
  public let field: UInt32
  public init(field: UInt32) { self.field = field & 31 }
  public init(_ register: GPR) { field = UInt32(register.rawValue) }
  public static var sf: UInt32 { 1 }
  public static var zr: XReg { XReg(field: 31) }
  /// The 32-bit view of the same register (`x5` → `w5`, `xzr` → `wzr`).
  public var w: WReg { WReg(field: field) }
  public var description: String { field == 31 ? "xzr" : "x\(field)" }
}

/// A 32-bit register, or `wzr`. Writing a W register zeroes bits 32–63.
public struct WReg: RegisterOrZR {
  public typealias SP = WRegSP
  public typealias Bitmask = LogicalImmediate32
  public let field: UInt32
  public init(field: UInt32) { self.field = field & 31 }
  public init(_ register: GPR) { field = UInt32(register.rawValue) }
  public static var sf: UInt32 { 0 }
  public static var zr: WReg { WReg(field: 31) }
  /// The 64-bit view of the same register (`w5` → `x5`, `wzr` → `xzr`).
  public var x: XReg { XReg(field: field) }
  public var description: String { field == 31 ? "wzr" : "w\(field)" }
}

/// A 64-bit register, or `sp`.
public struct XRegSP: RegisterOrSP {
  public typealias ZR = XReg
  public let field: UInt32
  public init(field: UInt32) { self.field = field & 31 }
  public init(_ register: GPR) { field = UInt32(register.rawValue) }
  public static var sf: UInt32 { 1 }
  public static var stackPointer: XRegSP { XRegSP(field: 31) }
  public var description: String { field == 31 ? "sp" : "x\(field)" }
}

/// A 32-bit register, or `wsp`.
public struct WRegSP: RegisterOrSP {
  public typealias ZR = WReg
  public let field: UInt32
  public init(field: UInt32) { self.field = field & 31 }
  public init(_ register: GPR) { field = UInt32(register.rawValue) }
  public static var sf: UInt32 { 0 }
  public static var stackPointer: WRegSP { WRegSP(field: 31) }
  public var description: String { field == 31 ? "wsp" : "w\(field)" }
}

extension RegisterOrZR {
  /// The same register in the view where field 31 is sp, or nil for the
  /// zero register (which that view cannot name).
  public var orSP: SP? { field == 31 ? nil : SP(field: field) }
}

extension RegisterOrSP {
  /// The same register in the view where field 31 is zr, or nil for the
  /// stack pointer (which that view cannot name).
  public var orZR: ZR? { field == 31 ? nil : ZR(field: field) }
}
