import KilnCore

/// How an AArch64 instruction refers to a label: a signed byte distance from
/// the instruction itself (not from its end, as on x86) to the target, held
/// in a field of the instruction word.
///
///     kind      instructions                  field               reach
///     b26       b, bl                         imm26 (0–25) × 4    ±128 MiB
///     bcond19   b.cond                        imm19 (5–23) × 4    ±1 MiB
///     cbz19     cbz, cbnz                     imm19 (5–23) × 4    ±1 MiB
///     tbz14     tbz, tbnz                     imm14 (5–18) × 4    ±32 KiB
///     adr21     adr                           immhi:immlo (5–23:29–30), bytes   ±1 MiB
///     ldr19     ldr (literal), ldrsw (literal) imm19 (5–23) × 4    ±1 MiB
///
/// All but `adr21` need a distance that is a multiple of 4. The assembler
/// emits the instruction with a zero field and the fixup fills it in.
public enum AArch64Fixup: FixupKind, CaseIterable {
  case b26
  case bcond19
  case cbz19
  case tbz14
  case adr21
  case ldr19

  public var description: String {
    switch self {
    case .b26: "b26"
    case .bcond19: "bcond19"
    case .cbz19: "cbz19"
    case .tbz14: "tbz14"
    case .adr21: "adr21"
    case .ldr19: "ldr19"
    }
  }

  /// Width of the field in bits (for `adr21`, immhi:immlo together).
  var fieldBits: Int {
    switch self {
    case .b26: 26
    case .bcond19, .cbz19, .ldr19: 19
    case .tbz14: 14
    case .adr21: 21
    }
  }

  /// Bytes per unit of the field: 4 for branches and literals, 1 for `adr`.
  var scale: Int { self == .adr21 ? 1 : 4 }

  /// The distances (target − site, in bytes) this kind can encode.
  public var reach: ClosedRange<Int> {
    let units = 1 << (fieldBits - 1)
    return (-units * scale)...((units - 1) * scale)
  }

  /// True if a target `distance` bytes away can be encoded.
  public func reaches(_ distance: Int) -> Bool {
    reach.contains(distance) && distance % scale == 0
  }

  /// `word` with its field set to `distance`, which must be encodable.
  func insert(_ distance: Int, into word: UInt32) -> UInt32 {
    let units = UInt32(truncatingIfNeeded: distance / scale)
    switch self {
    case .b26:
      return word & ~0x03FF_FFFF | units & 0x03FF_FFFF
    case .bcond19, .cbz19, .ldr19:
      return word & ~(0x7FFFF << 5) | (units & 0x7FFFF) << 5
    case .tbz14:
      return word & ~(0x3FFF << 5) | (units & 0x3FFF) << 5
    case .adr21:
      let immlo = units & 0b11
      let immhi = (units >> 2) & 0x7FFFF
      return word & ~(0b11 << 29 | 0x7FFFF << 5) | immlo << 29 | immhi << 5
    }
  }

  /// Checks that `distance` is encodable; the error names the kind.
  func check(_ distance: Int) throws(CodeGenError) {
    guard distance % scale == 0 else {
      throw .immediateOutOfRange("\(self) distance \(distance) is not a multiple of \(scale)")
    }
    guard reach.contains(distance) else {
      throw .branchOutOfRange(kind: description, distance: distance)
    }
  }

  public func apply(to buffer: inout CodeBuffer, site: Int, target: Int) throws(CodeGenError) {
    let distance = target - site
    try check(distance)
    buffer.patch32(at: site, insert(distance, into: buffer.read32(at: site)))
  }
}

/// The instruction word of `b target` (or `bl target` if `link`) placed at
/// host address `site`: what re-chaining writes over an installed branch
/// (one aligned 32-bit store, so a running thread sees the old or the new
/// branch). Throws `.branchOutOfRange` if `target` is farther than ±128 MiB,
/// and `.immediateOutOfRange` if the distance is not a multiple of 4.
public func branchInstruction(
  site: UInt, target: UInt, link: Bool = false
) throws(CodeGenError) -> UInt32 {
  let distance = Int(truncatingIfNeeded: Int64(bitPattern: UInt64(target) &- UInt64(site)))
  try AArch64Fixup.b26.check(distance)
  return AArch64Fixup.b26.insert(distance, into: link ? 0x9400_0000 : 0x1400_0000)
}

/// The four little-endian bytes of `branchInstruction(site:target:link:)`,
/// for code memory that is written byte-wise.
public func branchBytes(site: UInt, target: UInt, link: Bool = false) throws(CodeGenError)
  -> [UInt8]
{
  let word = try branchInstruction(site: site, target: target, link: link)
  return [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) }
}
