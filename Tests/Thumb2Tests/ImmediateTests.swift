import Testing

@testable import Thumb2Port

/// ThumbExpandImm written out from the Arm ARM's pseudocode (A5.3.2), as an
/// independent reference for `ModifiedImmediate`.
func thumbExpandImm(_ imm12: UInt32) -> UInt32? {
  if imm12 >> 10 == 0 {
    let b = imm12 & 0xFF
    switch imm12 >> 8 & 3 {
    case 0: return b
    case 1: return b == 0 ? nil : b << 16 | b
    case 2: return b == 0 ? nil : b << 24 | b << 8
    default: return b == 0 ? nil : b << 24 | b << 16 | b << 8 | b
    }
  }
  let unrotated = 0x80 | imm12 & 0x7F
  let n = imm12 >> 7 & 0x1F
  return unrotated >> n | unrotated << (32 - n)
}

@Suite struct ImmediateTests {
  /// Every legal 12-bit field expands as the Arm ARM says, and the value
  /// found again by `init(exactly:)` expands to the same value.
  @Test func everyFieldRoundTrips() throws {
    var legal = 0
    for field: UInt32 in 0..<4096 {
      let reference = thumbExpandImm(field)
      let imm = ModifiedImmediate(imm12: UInt16(field))
      #expect((imm == nil) == (reference == nil), "field 0x\(String(field, radix: 16))")
      guard let imm, let reference else { continue }
      legal += 1
      #expect(imm.value == reference)
      let again = try #require(ModifiedImmediate(exactly: reference))
      #expect(again.value == reference)
    }
    #expect(legal == 4096 - 3)  // 0x100, 0x200, 0x300: a zero byte repeated
  }

  /// Values no field expands to are rejected.
  @Test(arguments: [
    0x101 as UInt32, 0x1FF, 0x0001_0002, 0x00FF_00FE, 0xFFFF_FFFE, 0x1234_5678, 0x8000_0001,
    0x0000_FFFF, 0xFF00_00FF, 0x0003_FC01,
  ])
  func rejects(_ value: UInt32) {
    #expect(ModifiedImmediate(exactly: value) == nil)
  }

  /// Edge values that are encodable.
  @Test(arguments: [
    0 as UInt32, 0xFF, 0x100, 0x1FE, 0x00FF_00FF, 0xFF00_FF00, 0xFFFF_FFFF, 0x8000_0000,
    0xFF00_0000,
    0x0003_FC00, 0x1_FE00 >> 1,
  ])
  func accepts(_ value: UInt32) throws {
    let imm = try #require(ModifiedImmediate(exactly: value), "0x\(String(value, radix: 16))")
    #expect(imm.value == value)
  }
}
