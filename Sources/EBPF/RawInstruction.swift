/// One 64-bit instruction slot exactly as encoded (RFC 9669 §3):
///
/// ```
///  63            32 31      16 15  12 11   8 7      0
/// +----------------+----------+------+------+--------+
/// |      imm       |  offset  | src  | dst  | opcode |
/// +----------------+----------+------+------+--------+
/// ```
///
/// Stored little-endian: byte 0 is the opcode, byte 1 holds `dst` in its low
/// and `src` in its high nibble. `lddw` takes two slots; the second one has
/// opcode 0 and carries the upper 32 bits of the immediate in its `imm`.
public struct RawInstruction: Hashable, Sendable {
  public var opcode: UInt8
  /// Four-bit register fields, not yet validated (11–15 are not registers).
  public var dst: UInt8
  public var src: UInt8
  public var offset: Int16
  public var imm: Int32

  public init(opcode: UInt8, dst: UInt8 = 0, src: UInt8 = 0, offset: Int16 = 0, imm: Int32 = 0) {
    self.opcode = opcode
    self.dst = dst & 0xF
    self.src = src & 0xF
    self.offset = offset
    self.imm = imm
  }

  /// Decodes a slot from its 64-bit little-endian word (the `-- raw` form).
  public init(word: UInt64) {
    opcode = UInt8(truncatingIfNeeded: word)
    dst = UInt8(truncatingIfNeeded: word >> 8) & 0xF
    src = UInt8(truncatingIfNeeded: word >> 12) & 0xF
    offset = Int16(truncatingIfNeeded: word >> 16)
    imm = Int32(truncatingIfNeeded: word >> 32)
  }

  /// The slot as a 64-bit word whose little-endian bytes are the encoding.
  public var word: UInt64 {
    UInt64(opcode) | UInt64(dst & 0xF) << 8 | UInt64(src & 0xF) << 12
      | UInt64(UInt16(bitPattern: offset)) << 16 | UInt64(UInt32(bitPattern: imm)) << 32
  }

  /// The eight encoded bytes, in memory order.
  public var bytes: [UInt8] {
    let w = word
    var out: [UInt8] = []
    out.reserveCapacity(8)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: w >> UInt64(i * 8))) }
    return out
  }

  /// Splits a byte string into slots. The length must be a multiple of 8.
  public static func slots(from bytes: [UInt8]) throws(EBPFError) -> [RawInstruction] {
    guard bytes.count % 8 == 0 else { throw .truncatedProgram(byteCount: bytes.count) }
    var out: [RawInstruction] = []
    out.reserveCapacity(bytes.count / 8)
    var i = 0
    while i < bytes.count {
      var w: UInt64 = 0
      for k in 0..<8 { w |= UInt64(bytes[i + k]) << UInt64(k * 8) }
      out.append(RawInstruction(word: w))
      i += 8
    }
    return out
  }

  /// Joins slots into the byte string that encodes them.
  public static func bytes(of slots: [RawInstruction]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(slots.count * 8)
    for s in slots { out.append(contentsOf: s.bytes) }
    return out
  }
}
