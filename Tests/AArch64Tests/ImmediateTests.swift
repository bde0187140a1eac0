import KilnCore
import Testing

@testable import AArch64Port

/// The validated immediates: what each accepts and rejects. The encodings
/// themselves are checked against LLVM by the golden tables.
@Suite struct ImmediateTests {
  @Test func bitmaskRejectsTheUnencodable() {
    for value: UInt64 in [0, .max, 0x1234, 0x5555_5555_5555_5554, 0x8000_0000_0000_0001 | 0b100] {
      #expect(LogicalImmediate64(value) == nil, "0x\(String(value, radix: 16))")
    }
    for value: UInt32 in [0, .max, 0x1234, 0xFFFF_0001 & 0x1234_5678] {
      #expect(LogicalImmediate32(value) == nil, "0x\(String(value, radix: 16))")
    }
    // Encodable as 64-bit patterns but not in 32 bits (and the reverse cannot be).
    #expect(LogicalImmediate64(0xFFFF_FFFF) != nil)
    #expect(LogicalImmediate32(0xFFFF_FFFF) == nil)
  }

  /// Every valid N:immr:imms with immr below the element size (the canonical
  /// encodings) decodes to a value that encodes back to it; there are 5334
  /// distinct 64-bit bitmasks and 1302 of 32 bits.
  @Test func bitmaskEncodingsRoundTrip() throws {
    var values64 = Set<UInt64>()
    var values32 = Set<UInt32>()
    for n: UInt32 in 0...1 {
      for imms: UInt32 in 0..<64 {
        for immr: UInt32 in 0..<64 {
          guard let imm = LogicalImmediate64(n: n, immr: immr, imms: imms) else { continue }
          let size = n == 1 ? 64 : 1 << (31 - (~imms & 0x3F).leadingZeroBitCount)
          guard immr < size else { continue }
          let back = try #require(LogicalImmediate64(imm.value))
          #expect(back == imm, "N=\(n) immr=\(immr) imms=\(imms)")
          values64.insert(imm.value)
          if n == 0 {
            let narrow = try #require(LogicalImmediate32(UInt32(truncatingIfNeeded: imm.value)))
            #expect(narrow.immr == immr && narrow.imms == imms)
            values32.insert(narrow.value)
          }
        }
      }
    }
    #expect(values64.count == 5334)
    #expect(values32.count == 1302)
  }

  @Test func reservedBitmaskEncodingsAreRejected() {
    #expect(LogicalImmediate64(n: 0, immr: 0, imms: 0b111111) == nil)  // element size 1
    #expect(LogicalImmediate64(n: 0, immr: 0, imms: 0b111101) == nil)  // all-ones 2-bit element
    #expect(LogicalImmediate64(n: 1, immr: 0, imms: 0b111111) == nil)  // all-ones 64-bit element
    #expect(LogicalImmediate64(n: 2, immr: 0, imms: 0) == nil)
  }

  @Test func addSubImmediate() throws {
    let cases: [(Int, UInt32, Bool)?] = [
      (0, 0, false), (1, 1, false), (4095, 4095, false), (4096, 1, true),
      (0xFFF000, 0xFFF, true), (0x1000, 1, true),
    ]
    for c in cases.compactMap({ $0 }) {
      let imm = try #require(AddSubImmediate(exactly: c.0))
      #expect(imm.imm12 == c.1 && imm.shifted == c.2 && imm.value == c.0)
    }
    for bad in [-1, 4097, 0x1001, 0x100_0000, 0xFFF001, Int.min] {
      #expect(AddSubImmediate(exactly: bad) == nil, "\(bad)")
    }
    #expect(AddSubImmediate(imm12: 0, lsl12: true)?.value == 0)
    #expect(AddSubImmediate(imm12: 4096, lsl12: false) == nil)
  }

  @Test func offsets() {
    #expect(ScaledOffset(bytes: 32760, size: .doubleword) != nil)
    #expect(ScaledOffset(bytes: 32768, size: .doubleword) == nil)
    #expect(ScaledOffset(bytes: 4, size: .doubleword) == nil)
    #expect(ScaledOffset(bytes: -8, size: .doubleword) == nil)
    #expect(ScaledOffset(bytes: 4095, size: .byte) != nil)
    #expect(ScaledOffset(bytes: 4096, size: .byte) == nil)
    #expect(ScaledOffset(bytes: 8190, size: .halfword) != nil)
    #expect(ScaledOffset(bytes: 16380, size: .word) != nil)
    #expect(ScaledOffset(bytes: 2, size: .word) == nil)
    #expect(SImm9(exactly: -256)?.field == 0x100)
    #expect(SImm9(exactly: 255)?.field == 0xFF)
    #expect(SImm9(exactly: -257) == nil && SImm9(exactly: 256) == nil)
    #expect(PairOffset(exactly: -512)?.field == 0x40)
    #expect(PairOffset(exactly: 504)?.field == 0x3F)
    for bad in [512, -520, 4] { #expect(PairOffset(exactly: bad) == nil) }
  }

  @Test func conditionsInvert() throws {
    let pairs: [(Condition, Condition)] = [
      (.eq, .ne), (.hs, .lo), (.mi, .pl), (.vs, .vc), (.hi, .ls), (.ge, .lt), (.gt, .le),
    ]
    for (a, b) in pairs {
      #expect(a.inverted == b && b.inverted == a)
    }
    #expect(Condition.al.inverted == nil && Condition.nv.inverted == nil)
    #expect(Condition.cs == .hs && Condition.cc == .lo)
  }

  @Test func registerViews() {
    #expect(XReg.xzr.field == 31 && XRegSP.sp.field == 31)
    #expect(XReg.x5.orSP == XRegSP.x5 && XReg.xzr.orSP == nil)
    #expect(XRegSP.sp.orZR == nil && WRegSP.w7.orZR == .w7)
    #expect(XReg.x30.w == .w30 && WReg.wzr.x == .xzr)
    #expect(
      "\(XReg.xzr) \(XRegSP.sp) \(WReg.wzr) \(WRegSP.wsp) \(XReg.lr) \(WReg.w3)"
        == "xzr sp wzr wsp x30 w3")
    #expect(XReg.x0.gpr == .x0 && XRegSP.sp.gpr == nil)
  }

  /// A few constants whose plans are known by heart.
  @Test func constantPlans() {
    #expect(ConstantPlan(UInt64(0)).steps == [.movz(0, .lsl0)])
    #expect(ConstantPlan(UInt64.max).steps == [.movn(0, .lsl0)])
    #expect(ConstantPlan(0xFFFF_FFFF_FFFF_1234 as UInt64).steps == [.movn(0xEDCB, .lsl0)])
    #expect(ConstantPlan(0x1234_0000_0000_0000 as UInt64).steps == [.movz(0x1234, .lsl48)])
    #expect(ConstantPlan(0x1234_5678_9ABC_DEF0 as UInt64).steps.count == 4)
    #expect(ConstantPlan(0x5555_5555_5555_1234 as UInt64).steps.count == 2)  // orr + movk
    #expect(ConstantPlan(0x0000_0000_FFFF_935B as UInt64).bits == 32)  // movn w
  }
}
