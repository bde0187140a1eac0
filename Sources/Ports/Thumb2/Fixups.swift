import KilnCore

/// How a Thumb branch refers to a label. The distance is counted from the
/// branch's PC as the CPU reads it: the instruction's address + 4. The field
/// holds the distance in halfwords.
///
///     kind       instruction   field (halfwords)                       reach (bytes)
///     t16Bcond   B<c> T1       imm8 (7–0)                              −256 … +254
///     t16B       B T2          imm11 (10–0)                            −2048 … +2046
///     t32Bcond   B<c> T3       S:J2:J1:imm6:imm11                      −1 MiB … +1 MiB−2
///     t32B       B T4          S:I1:I2:imm10:imm11 (Jx = ¬(Ix ⊕ S))    −16 MiB … +16 MiB−2
///     t16Cbz     CBZ/CBNZ      i:imm5 (9, 7–3)                         0 … +126
///     t32Bl      BL T1         as t32B                                 −16 MiB … +16 MiB−2
///
/// The assembler emits the instruction with a zero field and the fixup
/// fills it in; a 32-bit branch is two halfwords, first halfword first.
public enum Thumb2Fixup: FixupKind, CaseIterable {
  case t16Bcond
  case t16B
  case t32Bcond
  case t32B
  case t16Cbz
  case t32Bl

  public var description: String {
    switch self {
    case .t16Bcond: "t16Bcond"
    case .t16B: "t16B"
    case .t32Bcond: "t32Bcond"
    case .t32B: "t32B"
    case .t16Cbz: "t16Cbz"
    case .t32Bl: "t32Bl"
    }
  }

  /// The instruction's size in bytes.
  public var size: Int {
    switch self {
    case .t16Bcond, .t16B, .t16Cbz: 2
    case .t32Bcond, .t32B, .t32Bl: 4
    }
  }

  /// The distances (target − (site + 4), in bytes) this kind can encode.
  public var reach: ClosedRange<Int> {
    switch self {
    case .t16Bcond: -256...254
    case .t16B: -2048...2046
    case .t32Bcond: -(1 << 20)...((1 << 20) - 2)
    case .t32B, .t32Bl: -(1 << 24)...((1 << 24) - 2)
    case .t16Cbz: 0...126
    }
  }

  /// True if a target `distance` bytes from the branch's PC (site + 4) can be encoded.
  public func reaches(_ distance: Int) -> Bool {
    reach.contains(distance) && distance & 1 == 0
  }

  /// The instruction (a halfword in bits 15–0 for 16-bit kinds; first
  /// halfword in bits 31–16 for 32-bit kinds) with its field set to
  /// `distance`, which must be encodable.
  func insert(_ distance: Int, into instruction: UInt32) -> UInt32 {
    let h = UInt32(truncatingIfNeeded: distance >> 1)  // halfwords
    switch self {
    case .t16Bcond:
      return instruction & ~0xFF | h & 0xFF
    case .t16B:
      return instruction & ~0x7FF | h & 0x7FF
    case .t16Cbz:
      return instruction & ~0x2F8 | (h >> 5 & 1) << 9 | (h & 0x1F) << 3
    case .t32Bcond:
      let s = h >> 19 & 1
      let j2 = h >> 18 & 1
      let j1 = h >> 17 & 1
      let imm6 = h >> 11 & 0x3F
      let imm11 = h & 0x7FF
      let field = s << 26 | imm6 << 16 | j1 << 13 | j2 << 11 | imm11
      return instruction & ~0x043F_2FFF | field
    case .t32B, .t32Bl:
      let s = h >> 23 & 1
      let j1 = ~(h >> 22 ^ s) & 1
      let j2 = ~(h >> 21 ^ s) & 1
      let imm10 = h >> 11 & 0x3FF
      let imm11 = h & 0x7FF
      let field = s << 26 | imm10 << 16 | j1 << 13 | j2 << 11 | imm11
      return instruction & ~0x07FF_2FFF | field
    }
  }

  /// Checks that `distance` is encodable; the error names the kind.
  func check(_ distance: Int) throws(CodeGenError) {
    guard distance & 1 == 0 else {
      throw .immediateOutOfRange("\(self) distance \(distance) is not a multiple of 2")
    }
    guard reach.contains(distance) else {
      throw .branchOutOfRange(kind: description, distance: distance)
    }
  }

  /// Patches the branch at `site` (its first byte) to reach `target`.
  public func apply(to buffer: inout CodeBuffer, site: Int, target: Int) throws(CodeGenError) {
    let distance = target - (site + 4)
    try check(distance)
    if size == 2 {
      let old = UInt32(buffer.read8(at: site)) | UInt32(buffer.read8(at: site + 1)) << 8
      let new = insert(distance, into: old)
      buffer.patch8(at: site, UInt8(truncatingIfNeeded: new))
      buffer.patch8(at: site + 1, UInt8(truncatingIfNeeded: new >> 8))
    } else {
      // read32/patch32 see the two halfwords as first | second << 16.
      let raw = buffer.read32(at: site)
      let new = insert(distance, into: raw << 16 | raw >> 16)
      buffer.patch32(at: site, new << 16 | new >> 16)
    }
  }

  /// `apply` on a plain byte array (what `Thumb2Assembler.finish` lays out).
  func apply(to bytes: inout [UInt8], site: Int, target: Int) throws(CodeGenError) {
    let distance = target - (site + 4)
    try check(distance)
    func half(_ at: Int) -> UInt32 { UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 }
    func store(_ at: Int, _ h: UInt32) {
      bytes[at] = UInt8(truncatingIfNeeded: h)
      bytes[at + 1] = UInt8(truncatingIfNeeded: h >> 8)
    }
    if size == 2 {
      store(site, insert(distance, into: half(site)))
    } else {
      let new = insert(distance, into: half(site) << 16 | half(site + 2))
      store(site, new >> 16)
      store(site + 2, new & 0xFFFF)
    }
  }
}
