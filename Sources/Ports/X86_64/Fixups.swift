import KilnCore

/// How an x86-64 branch refers to a label: a signed displacement relative to
/// the end of the field (which is the end of the instruction for every form
/// the assembler emits).
public enum X86Fixup: FixupKind {
  /// 32-bit displacement (`E9`, `0F 80+cc`), ±2 GiB.
  case rel32
  /// 8-bit displacement (`EB`, `70+cc`), −128…+127.
  case rel8

  public var description: String {
    switch self {
    case .rel32: "rel32"
    case .rel8: "rel8"
    }
  }

  /// The field width in bytes.
  public var width: Int {
    switch self {
    case .rel32: 4
    case .rel8: 1
    }
  }

  public func apply(to buffer: inout CodeBuffer, site: Int, target: Int) throws(CodeGenError) {
    let distance = target - (site + width)
    guard fitsSigned(Int64(distance), bits: width * 8) else {
      throw .branchOutOfRange(kind: description, distance: distance)
    }
    switch self {
    case .rel32: buffer.patch32(at: site, UInt32(truncatingIfNeeded: distance))
    case .rel8: buffer.patch8(at: site, UInt8(truncatingIfNeeded: distance))
    }
  }
}

/// The rel32 field at host address `site` that reaches host address
/// `target` (displacement from `site + 4`). Used to emit jumps to absolute
/// addresses. Throws `.branchOutOfRange` if `target` is farther than ±2 GiB.
public func rel32Field(site: UInt, target: UInt) throws(CodeGenError) -> UInt32 {
  let distance = Int64(bitPattern: UInt64(target) &- UInt64(site) &- 4)
  guard fitsSigned(distance, bits: 32) else {
    throw .branchOutOfRange(
      kind: X86Fixup.rel32.description, distance: Int(truncatingIfNeeded: distance))
  }
  return UInt32(truncatingIfNeeded: distance)
}

/// The four little-endian bytes of ``rel32Field(site:target:)``: what
/// re-chaining an installed block writes.
public func rel32Bytes(site: UInt, target: UInt) throws(CodeGenError) -> [UInt8] {
  let field = try rel32Field(site: site, target: target)
  return [
    UInt8(truncatingIfNeeded: field), UInt8(truncatingIfNeeded: field >> 8),
    UInt8(truncatingIfNeeded: field >> 16), UInt8(truncatingIfNeeded: field >> 24),
  ]
}
