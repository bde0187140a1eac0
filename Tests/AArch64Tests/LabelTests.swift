import KilnCore
import Testing

@testable import AArch64Port

/// Labels, fixups and absolute branches. Expected words come from LLVM:
///
///     back:
///       nop
///       b fwd
///       b.ne back
///       cbz x1, fwd
///       cbnz w2, back
///       tbz x3, #40, fwd
///       tbnz w4, #3, back
///       bl back
///       bl fwd
///       adr x5, fwd
///       adr x9, back
///       ldr x6, lit
///       ldr w7, lit
///       ldrsw x8, lit
///       b.al fwd
///       brk #0
///     fwd:
///       ret
///     lit:
///       .word 0x55667788
///       .word 0x11223344
///
///     clang --target=aarch64-linux-gnu -c l.s -o l.o && llvm-objdump -d l.o
@Suite struct LabelTests {
  static let llvmLabelWords: [UInt32] = [
    0xD503_201F, 0x1400_000F, 0x54FF_FFC1, 0xB400_01A1, 0x35FF_FF82, 0xB640_0163, 0x371F_FF44,
    0x97FF_FFF9, 0x9400_0008, 0x1000_00E5, 0x10FF_FEC9, 0x5800_00C6, 0x1800_00A7, 0x9800_0088,
    0x5400_004E, 0xD420_0000, 0xD65F_03C0, 0x5566_7788, 0x1122_3344,
  ]

  @Test func forwardAndBackwardReferencesMatchLLVM() throws {
    var a = AArch64Assembler()
    let back = a.newLabel()
    let fwd = a.newLabel()
    let lit = a.newLabel()
    try a.bind(back)
    a.nop()
    a.b(fwd)
    a.b(.ne, back)
    a.cbz(XReg.x1, fwd)
    a.cbnz(WReg.w2, back)
    a.tbz(XReg.x3, 40, fwd)
    a.tbnz(WReg.w4, 3, back)
    a.bl(back)
    a.bl(fwd)
    a.adr(.x5, fwd)
    a.adr(.x9, back)
    a.ldr(XReg.x6, literal: lit)
    a.ldr(WReg.w7, literal: lit)
    a.ldrsw(.x8, literal: lit)
    a.b(.al, fwd)
    a.brk(0)
    try a.bind(fwd)
    a.ret()
    try a.bind(lit)
    a.data64(0x1122_3344_5566_7788)
    #expect(words(try a.finish()) == Self.llvmLabelWords)
  }

  /// Each kind's reach, from the Arm ARM: a signed field of n bits counting
  /// 4-byte units (bytes for adr). The encodings at the limits are checked
  /// against LLVM in the golden branch rows.
  @Test(arguments: [
    (AArch64Fixup.b26, 128 << 20), (.bcond19, 1 << 20), (.cbz19, 1 << 20), (.tbz14, 32 << 10),
    (.ldr19, 1 << 20), (.adr21, 1 << 20),
  ])
  func reach(kind: AArch64Fixup, limit: Int) throws {
    let step = kind == .adr21 ? 1 : 4
    var buffer = CodeBuffer()
    buffer.emit32(0)
    try kind.apply(to: &buffer, site: 0, target: limit - step)
    try kind.apply(to: &buffer, site: 0, target: -limit)
    #expect(throws: CodeGenError.branchOutOfRange(kind: kind.description, distance: limit)) {
      try kind.apply(to: &buffer, site: 0, target: limit)
    }
    #expect(throws: CodeGenError.branchOutOfRange(kind: kind.description, distance: -limit - step))
    {
      try kind.apply(to: &buffer, site: 0, target: -limit - step)
    }
    if kind != .adr21 {
      #expect(throws: CodeGenError.self) { try kind.apply(to: &buffer, site: 0, target: 6) }
    }
  }

  @Test func unboundLabelThrows() {
    let uses: [(inout AArch64Assembler, Label) -> Void] = [
      { $0.b($1) }, { $0.bl($1) }, { $0.b(.eq, $1) }, { $0.cbz(XReg.x0, $1) },
      { $0.tbnz(WReg.w1, 2, $1) }, { $0.adr(.x0, $1) }, { $0.ldr(XReg.x0, literal: $1) },
    ]
    for use in uses {
      var a = AArch64Assembler()
      let l = a.newLabel()
      use(&a, l)
      #expect(throws: CodeGenError.labelUnbound(l.id)) { _ = try a.finish() }
    }
  }

  @Test func labelBoundTwiceThrows() throws {
    var a = AArch64Assembler()
    let l = a.newLabel()
    try a.bind(l)
    a.nop()
    #expect(throws: CodeGenError.labelBoundTwice(l.id)) { try a.bind(l) }
  }

  /// `adr` and literal loads are not relaxed: out of reach is an error.
  @Test func adrAndLiteralOutOfReachThrow() throws {
    for literal in [false, true] {
      var a = AArch64Assembler()
      let far = a.newLabel()
      if literal { a.ldr(WReg.w0, literal: far) } else { a.adr(.x0, far) }
      for _ in 0..<(1 << 18) - 1 { a.nop() }
      try a.bind(far)
      a.data32(0)
      let kind = literal ? "ldr19" : "adr21"
      #expect(throws: CodeGenError.branchOutOfRange(kind: kind, distance: 1 << 20)) {
        _ = try a.finish()
      }
    }
  }

  // MARK: Absolute targets

  static let base: UInt = 0x7F00_0000_1000

  /// Words from LLVM: `b .+0x100` is 14000040, `bl .+4096` 94000400,
  /// `b .+134217724` 15ffffff, `b .-134217728` 16000000, `adr x3, .-0x40` 10fffe03.
  @Test func absoluteTargets() throws {
    var a = AArch64Assembler(baseAddress: Self.base)
    a.nop()
    #expect(try a.b(absolute: Self.base + 4 + 0x100) == 4)
    #expect(try a.bl(absolute: Self.base + 8 + 4096) == 8)
    try a.b(absolute: Self.base + 12 + 134_217_724)
    try a.b(absolute: Self.base + 16 - 134_217_728)
    try a.adr(.x3, absolute: Self.base + 20 - 0x40)
    #expect(
      words(try a.finish()) == [
        0xD503_201F, 0x1400_0040, 0x9400_0400, 0x15FF_FFFF, 0x1600_0000, 0x10FF_FE03,
      ])
  }

  @Test func unreachableAbsoluteTargetThrowsAndEmitsNothing() {
    var a = AArch64Assembler(baseAddress: Self.base)
    a.nop()
    #expect(throws: CodeGenError.branchOutOfRange(kind: "b26", distance: 128 << 20)) {
      try a.b(absolute: Self.base + 4 + (128 << 20))
    }
    #expect(throws: CodeGenError.branchOutOfRange(kind: "b26", distance: -(128 << 20) - 4)) {
      try a.bl(absolute: Self.base + 4 - (128 << 20) - 4)
    }
    #expect(throws: CodeGenError.self) { try a.b(absolute: Self.base + 6) }
    #expect(throws: CodeGenError.branchOutOfRange(kind: "adr21", distance: 1 << 20)) {
      try a.adr(.x0, absolute: Self.base + 4 + (1 << 20))
    }
    #expect(throws: CodeGenError.self) { try a.adrp(.x0, absolute: Self.base + (4 << 30)) }
    #expect(a.offset == 4)
  }

  @Test func adrpReachesFourGiBOfPages() throws {
    var a = AArch64Assembler(baseAddress: 0x10_0000_0000)
    try a.adrp(.x0, absolute: 0x10_0000_0000 + (4 << 30) - 4096 + 0xFFF)
    try a.adrp(.x1, absolute: 0x10_0000_0000 - (4 << 30))
    // LLVM: adrp x0, #4294963200 → f07fffe0; adrp x1, #-4294967296 → 90800001.
    #expect(words(try a.finish()) == [0xF07F_FFE0, 0x9080_0001])
  }

  /// Re-chaining: the word for a `b` at a site, and its bytes.
  @Test func branchInstructionForPatching() throws {
    #expect(try branchInstruction(site: Self.base, target: Self.base + 0x100) == 0x1400_0040)
    #expect(
      try branchInstruction(site: Self.base, target: Self.base + 4096, link: true) == 0x9400_0400)
    #expect(try branchBytes(site: Self.base, target: Self.base - 134_217_728) == [0, 0, 0, 0x16])
    #expect(throws: CodeGenError.branchOutOfRange(kind: "b26", distance: 134_217_728)) {
      try branchInstruction(site: Self.base, target: Self.base + 134_217_728)
    }
    var a = AArch64Assembler(baseAddress: Self.base)
    a.nop()
    let site = try a.b(absolute: Self.base + 0x1000)
    var code = try a.finish()
    let patch = try branchBytes(site: Self.base + UInt(site), target: Self.base + 4 + 0x100)
    code.replaceSubrange(site..<site + 4, with: patch)
    #expect(words(code) == [0xD503_201F, 0x1400_0040])
  }
}

/// Little-endian bytes as 32-bit words.
func words(_ bytes: [UInt8]) -> [UInt32] {
  stride(from: 0, to: bytes.count, by: 4).map { i in
    (0..<4).reduce(0) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) }
  }
}
