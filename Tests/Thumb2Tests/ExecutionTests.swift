import Testing

@testable import Thumb2Port

/// Sequences run in Unicorn's Cortex-M4, their results compared with values
/// computed in Swift (never with the encoder's own idea of them).
@Suite struct ExecutionTests {
  /// Edge constants plus pseudo-random ones, of every shape mov32 handles.
  static let constants: [UInt32] = {
    var values: [UInt32] = [
      0, 1, 0xFF, 0x100, 0x1FE, 0xFFFF, 0x1_0000, 0xFFFF_FFFF, 0xFFFF_FF00, 0x8000_0000,
      0x7FFF_FFFF, 0xFFFF_0000, 0x00FF_00FF, 0xFF00_FF00, 0xABAB_ABAB, 0xDEAD_BEEF, 0x1234_5678,
      0xFFFF_FFFE, 0x0001_0001, 0x8000_0001,
    ]
    var rng = Xorshift(seed: 0x5EED)
    for i in 0..<900 {
      let r = UInt32(truncatingIfNeeded: rng.next())
      // Mix shapes: full random, 16-bit, a byte shifted, an inverted byte.
      switch i % 4 {
      case 0: values.append(r)
      case 1: values.append(r & 0xFFFF)
      case 2: values.append((r & 0xFF) << (r >> 27))
      default: values.append(~((r & 0xFF) << (r >> 27)))
      }
    }
    return values
  }()

  @Test func mov32LoadsEveryConstant() throws {
    let cpu = try Machine()
    var a = Thumb2Assembler()
    for (i, value) in Self.constants.enumerated() {
      let d: Reg = [.r0, .r1, .r8, .r12, .lr][i % 5]
      a.mov32(d, value)
      a.str(d, .r4, Int32(4 * i))
    }
    let code = try a.finish()
    cpu[.r4] = UInt32(cpu.dataAddress)
    try cpu.run(code)
    for (i, value) in Self.constants.enumerated() {
      #expect(cpu.word(i) == value, "constant \(i): 0x\(String(value, radix: 16))")
    }
    // str: 16-bit for a low register and an offset up to 124, else 32-bit.
    let expectedSize = Self.constants.enumerated().reduce(0) {
      $0 + Thumb2Assembler.mov32Size($1.element)
        + ($1.offset % 5 < 2 && 4 * $1.offset <= 124 ? 2 : 4)
    }
    #expect(code.count == expectedSize)
  }

  /// mov32 keeps the flags (NZCV set by a cmp survive it).
  @Test func mov32PreservesFlags() throws {
    let cpu = try Machine()
    var a = Thumb2Assembler()
    a.cmp(.r0, imm: m(1))  // 0 − 1: N=1, Z=0, C=0, V=0
    for value in [0 as UInt32, 0xFF, 0x1234, 0xDEAD_BEEF, 0xFFFF_FFFF] { a.mov32(.r1, value) }
    try cpu.run(a.finish())
    #expect(cpu.flags == 0b1000)
  }

  static let pairs: [(UInt64, UInt64)] = {
    var rng = Xorshift(seed: 64)
    var p: [(UInt64, UInt64)] = [
      (0, 0), (UInt64.max, 1), (0xFFFF_FFFF, 1), (1 << 63, 1 << 63), (0, UInt64.max),
      (0x8000_0000, 0x8000_0000), (UInt64.max, UInt64.max),
    ]
    for _ in 0..<40 { p.append((rng.next(), rng.next())) }
    return p
  }()

  /// 64-bit add, subtract and multiply on register pairs; 32-bit divides.
  @Test(arguments: pairs)
  func arithmetic64(_ x: UInt64, _ y: UInt64) throws {
    let cpu = try Machine()
    var a = Thumb2Assembler()
    // r0:r1 = x, r2:r3 = y (lo:hi)
    a.adds(.r4, .r0, .r2)
    a.adc(.r5, .r1, .r3)  // r5:r4 = x + y
    a.subs(.r6, .r0, .r2)
    a.sbc(.r7, .r1, .r3)  // r7:r6 = x − y
    a.umull(.r8, .r9, .r0, .r2)
    a.mla(.r9, .r0, .r3, .r9)
    a.mla(.r9, .r1, .r2, .r9)  // r9:r8 = x · y (low 64 bits)
    a.udiv(.r10, .r1, .r3)  // hi(x) / hi(y), 0 if hi(y) = 0
    a.sdiv(.r11, .r0, .r2)
    a.mls(.r12, .r10, .r3, .r1)  // hi(x) − q·hi(y): the remainder (hi(x) if hi(y) = 0)
    cpu[.r0] = UInt32(truncatingIfNeeded: x)
    cpu[.r1] = UInt32(truncatingIfNeeded: x >> 32)
    cpu[.r2] = UInt32(truncatingIfNeeded: y)
    cpu[.r3] = UInt32(truncatingIfNeeded: y >> 32)
    try cpu.run(a.finish())
    func pair(_ lo: Reg, _ hi: Reg) -> UInt64 { UInt64(cpu[hi]) << 32 | UInt64(cpu[lo]) }
    #expect(pair(.r4, .r5) == x &+ y)
    #expect(pair(.r6, .r7) == x &- y)
    #expect(pair(.r8, .r9) == x &* y)
    let xh = UInt32(truncatingIfNeeded: x >> 32)
    let yh = UInt32(truncatingIfNeeded: y >> 32)
    #expect(cpu[.r10] == (yh == 0 ? 0 : xh / yh))
    #expect(cpu[.r12] == (yh == 0 ? xh : xh % yh))
    let xl = Int32(truncatingIfNeeded: x)
    let yl = Int32(truncatingIfNeeded: y)
    let q: Int32 = yl == 0 ? 0 : (xl == .min && yl == -1 ? .min : xl / yl)
    #expect(cpu[.r11] == UInt32(bitPattern: q))
  }

  /// Byte reversal, extension, shifts by register, clz.
  @Test(arguments: [0 as UInt32, 0x8081_8283, 0x1234_5678, 0xFFFF_FFFF, 0x0000_8000, 0x7F])
  func bytesAndShifts(_ x: UInt32) throws {
    let cpu = try Machine()
    var a = Thumb2Assembler()
    a.rev(.r1, .r0)
    a.rev16(.r2, .r0)
    a.revsh(.r3, .r0)
    a.sxtb(.r4, .r0)
    a.sxth(.r5, .r0)
    a.uxtb(.r6, .r0)
    a.uxth(.r7, .r0)
    a.clz(.r8, .r0)
    a.mov32(.r12, 7)
    a.lsr(.r9, .r0, .r12)
    a.asr(.r10, .r0, .r12)
    a.ror(.r11, .r0, .r12)
    cpu[.r0] = x
    try cpu.run(a.finish())
    #expect(cpu[.r1] == x.byteSwapped)
    #expect(cpu[.r2] == (x & 0x00FF_00FF) << 8 | (x >> 8) & 0x00FF_00FF)
    #expect(
      cpu[.r3]
        == UInt32(bitPattern: Int32(Int16(bitPattern: UInt16(truncatingIfNeeded: x).byteSwapped))))
    #expect(cpu[.r4] == UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: x))))
    #expect(cpu[.r5] == UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: x))))
    #expect(cpu[.r6] == x & 0xFF)
    #expect(cpu[.r7] == x & 0xFFFF)
    #expect(cpu[.r8] == UInt32(x.leadingZeroBitCount))
    #expect(cpu[.r9] == x >> 7)
    #expect(cpu[.r10] == UInt32(bitPattern: Int32(bitPattern: x) >> 7))
    #expect(cpu[.r11] == x >> 7 | x << 25)
  }

  /// Loads and stores of every size and form, push/pop, ldrd/strd.
  @Test func memory() throws {
    let cpu = try Machine()
    var a = Thumb2Assembler()
    // r4 = data; words 0–3 hold a pattern.
    a.ldr(.r0, .r4, 4)  // 16-bit
    a.ldrb(.r1, .r4, 7)
    a.ldrsb(.r2, .r4, 7)
    a.ldrh(.r3, .r4, 6)
    a.ldrsh(.r5, .r4, 6)
    a.add(.r8, .r4, imm: m(256))
    a.ldr(.r6, .r8, -252)  // word 1, through the imm8 form
    a.mov32(.r9, 3)
    a.ldr(.r7, .r4, index: .r9, shift: 2)  // word 3
    a.ldrd(.r10, .r11, .r4, 8)  // words 2, 3
    a.strd(.r11, .r10, .r4, 16)  // words 4, 5 swapped
    a.strh(.r0, .r4, 24)
    a.strb(.r0, .r4, 26)
    a.push(RegisterList(.r0, .r8, .lr))
    a.pop(RegisterList(.r1, .r9, .r12))  // r1 = r0, r9 = r8, r12 = lr
    a.str(.r12, .r4, 28)
    cpu[.r4] = UInt32(cpu.dataAddress)
    cpu[.lr] = 0xCAFE_F00D
    for (i, v) in [0x1111_1111 as UInt32, 0x8091_A2B3, 0x4444_5555, 0x6666_7777].enumerated() {
      cpu.setWord(i, v)
    }
    try cpu.run(a.finish())
    #expect(cpu[.r0] == 0x8091_A2B3)
    #expect(cpu[.r1] == 0x8091_A2B3)
    #expect(cpu[.r2] == 0xFFFF_FF80)
    #expect(cpu[.r3] == 0x8091)
    #expect(cpu[.r5] == 0xFFFF_8091)
    #expect(cpu[.r6] == 0x8091_A2B3)
    #expect(cpu[.r7] == 0x6666_7777)
    #expect(cpu[.r10] == 0x4444_5555 && cpu[.r11] == 0x6666_7777)
    #expect(cpu.word(4) == 0x6666_7777 && cpu.word(5) == 0x4444_5555)
    #expect(cpu.word(6) == 0x00B3_A2B3)
    #expect(cpu[.r9] == cpu[.r8])
    #expect(cpu.word(7) == 0xCAFE_F00D)
  }

  /// An IT block: the narrow `add` inside it leaves the flags alone, and
  /// the else-slot runs on the inverse condition.
  @Test(arguments: [(5 as UInt32, 9 as UInt32), (9, 5), (7, 7)])
  func itBlock(_ x: UInt32, _ y: UInt32) throws {
    let cpu = try Machine()
    var a = Thumb2Assembler()
    a.cmp(.r0, .r1)
    a.it(.lo, [true, false])
    a.add(.r2, .r0, .r1)  // 16-bit 0x1842 inside the block: no flags
    a.mov(.r3, .r0)
    a.mov(.r3, .r1)  // r3 = min(x, y) (else: x ≥ y → y)
    cpu[.r0] = x
    cpu[.r1] = y
    cpu[.r2] = 0
    let code = try a.finish()
    #expect(code.count == 2 + 2 + 2 + 2 + 2)
    try cpu.run(code)
    #expect(cpu[.r3] == min(x, y))
    #expect(cpu[.r2] == (x < y ? x + y : 0))
    let n: UInt32 = Int32(bitPattern: x &- y) < 0 ? 1 : 0
    let z: UInt32 = x == y ? 1 : 0
    let c: UInt32 = x >= y ? 1 : 0
    #expect(cpu.flags == n << 3 | z << 2 | c << 1)
  }

  /// Exclusive load/store pair and the PRIMASK round trip.
  @Test func exclusivesAndPrimask() throws {
    let cpu = try Machine()
    var a = Thumb2Assembler()
    let retry = a.newLabel()
    try a.bind(retry)
    a.ldrex(.r1, .r4)
    a.add(.r1, .r1, imm: m(5))
    a.strex(.r2, .r1, .r4)
    a.cmp(.r2, imm: m(0))
    a.b(.ne, retry)
    a.dmb()
    a.cpsid()
    a.mrsPrimask(.r5)
    a.cpsie()
    a.mrsPrimask(.r6)
    a.msrPrimask(.r5)
    a.mrsPrimask(.r7)
    a.isb()
    cpu[.r4] = UInt32(cpu.dataAddress)
    cpu.setWord(0, 37)
    try cpu.run(a.finish())
    #expect(cpu.word(0) == 42)
    #expect(cpu[.r2] == 0)
    #expect(cpu[.r5] == 1 && cpu[.r6] == 0 && cpu[.r7] == 1)
  }
}
