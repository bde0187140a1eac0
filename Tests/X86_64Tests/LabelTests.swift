import KilnCore
import Testing

@testable import X86_64Port

/// Labels, fixups and absolute jumps. Expected bytes come from LLVM:
///
///     .intel_syntax noprefix
///     back:
///       nop
///       {disp32} jmp fwd
///       {disp32} jne back
///       jmp back
///       jl fwd
///       {disp32} jmp back
///       {disp32} jae fwd
///       int3
///     fwd:
///       ret
///
///     clang --target=x86_64-linux-gnu -c l.s -o l.o && llvm-objdump -d l.o
@Suite struct LabelTests {
  static let llvmLabelBytes: [UInt8] = [
    0x90,  // 0:  nop
    0xE9, 0x16, 0x00, 0x00, 0x00,  // 1:  jmp fwd (rel32)
    0x0F, 0x85, 0xF4, 0xFF, 0xFF, 0xFF,  // 6:  jne back (rel32)
    0xEB, 0xF2,  // c:  jmp back (rel8)
    0x7C, 0x0C,  // e:  jl fwd (rel8)
    0xE9, 0xEB, 0xFF, 0xFF, 0xFF,  // 10: jmp back (rel32)
    0x0F, 0x83, 0x01, 0x00, 0x00, 0x00,  // 15: jae fwd (rel32)
    0xCC,  // 1b: int3
    0xC3,  // 1c: fwd: ret
  ]

  @Test func forwardAndBackwardBranchesMatchLLVM() throws {
    var a = X86Assembler()
    let back = a.newLabel()
    let fwd = a.newLabel()
    try a.bind(back)
    a.nop()
    a.jmp(fwd)
    a.jcc(.ne, back)
    a.jmpShort(back)
    a.jccShort(.l, fwd)
    a.jmp(back)
    a.jcc(.ae, fwd)
    a.int3()
    try a.bind(fwd)
    a.ret()
    #expect(try a.finish() == Self.llvmLabelBytes)
  }

  /// A rel8 reaches −128…+127 from the end of the instruction. The in-range
  /// bytes are LLVM's, from
  ///
  ///     jmp 1f / .fill 127,1,0x90 / 1:          → eb 7f
  ///     3: / .fill 126,1,0x90 / je 3b           → 74 80
  @Test(arguments: [(127, true), (128, false)])
  func rel8ForwardRange(nops: Int, fits: Bool) throws {
    var a = X86Assembler()
    let target = a.newLabel()
    a.jmpShort(target)
    for _ in 0..<nops { a.nop() }
    try a.bind(target)
    if fits {
      let bytes = try a.finish()
      #expect(Array(bytes.prefix(2)) == [0xEB, 0x7F])
    } else {
      #expect(throws: CodeGenError.branchOutOfRange(kind: "rel8", distance: 128)) {
        _ = try a.finish()
      }
    }
  }

  @Test(arguments: [(126, true), (127, false)])
  func rel8BackwardRange(nops: Int, fits: Bool) throws {
    var a = X86Assembler()
    let target = a.newLabel()
    try a.bind(target)
    for _ in 0..<nops { a.nop() }
    a.jccShort(.e, target)
    if fits {
      #expect(Array(try a.finish().suffix(2)) == [0x74, 0x80])
    } else {
      #expect(throws: CodeGenError.branchOutOfRange(kind: "rel8", distance: -129)) {
        _ = try a.finish()
      }
    }
  }

  @Test func unboundLabelThrows() {
    var a = X86Assembler()
    let l = a.newLabel()
    a.jmp(l)
    #expect(throws: CodeGenError.labelUnbound(l.id)) { _ = try a.finish() }
  }

  @Test func labelBoundTwiceThrows() throws {
    var a = X86Assembler()
    let l = a.newLabel()
    try a.bind(l)
    a.nop()
    #expect(throws: CodeGenError.labelBoundTwice(l.id)) { try a.bind(l) }
  }
}

/// `jmp(absolute:)`, `jcc(_:absolute:)` and `rel32Bytes`. The rel32 is
/// `target − (address of the field + 4)`.
@Suite struct AbsoluteJumpTests {
  static let base: UInt = 0x7F00_0000_1000

  @Test func jumpsToAbsoluteAddresses() throws {
    var a = X86Assembler(baseAddress: Self.base)
    // Field at base+1, instruction ends at base+5: 0x2000 − 5 = 0xFFB.
    let site1 = try a.jmp(absolute: Self.base + 0x1000)
    // Field at base+7, ends at base+11: −0x100 − 11 = −267 = 0xFFFFFEF5.
    let site2 = try a.jcc(.e, absolute: Self.base - 0x100)
    #expect(site1 == 1)
    #expect(site2 == 7)
    #expect(
      try a.finish() == [
        0xE9, 0xFB, 0x0F, 0x00, 0x00,
        0x0F, 0x84, 0xF5, 0xFE, 0xFF, 0xFF,
      ])
  }

  @Test func unreachableAbsoluteTargetThrowsAndEmitsNothing() {
    var a = X86Assembler(baseAddress: Self.base)
    a.nop()
    // Field at base+2, ends at base+6.
    #expect(throws: CodeGenError.branchOutOfRange(kind: "rel32", distance: 0x8000_0000)) {
      try a.jmp(absolute: Self.base + 6 + 0x8000_0000)
    }
    #expect(throws: CodeGenError.branchOutOfRange(kind: "rel32", distance: -0x8000_0001)) {
      try a.jcc(.ne, absolute: Self.base + 7 - 0x8000_0001)
    }
    #expect(a.offset == 1)
  }

  @Test func rel32BytesMatchesLLVMLabelEncoding() throws {
    // In the LLVM listing above, `jmp fwd` has its field at 2 and fwd at 0x1c: 16 00 00 00;
    // `jne back` has its field at 8 and back at 0: f4 ff ff ff.
    #expect(try rel32Bytes(site: Self.base + 2, target: Self.base + 0x1C) == [0x16, 0, 0, 0])
    #expect(try rel32Bytes(site: Self.base + 8, target: Self.base) == [0xF4, 0xFF, 0xFF, 0xFF])
  }

  @Test func rel32BytesRange() throws {
    let site: UInt = 0x5555_0000_0000
    #expect(try rel32Bytes(site: site, target: site + 4) == [0, 0, 0, 0])
    #expect(
      try rel32Bytes(site: site, target: site + 4 + 0x7FFF_FFFF) == [0xFF, 0xFF, 0xFF, 0x7F])
    #expect(try rel32Bytes(site: site, target: site + 4 - 0x8000_0000) == [0, 0, 0, 0x80])
    #expect(throws: CodeGenError.branchOutOfRange(kind: "rel32", distance: 0x8000_0000)) {
      try rel32Bytes(site: site, target: site + 4 + 0x8000_0000)
    }
    #expect(throws: CodeGenError.branchOutOfRange(kind: "rel32", distance: -0x8000_0001)) {
      try rel32Bytes(site: site, target: site + 4 - 0x8000_0001)
    }
  }

  /// Re-chaining an installed jump: patching the field returned by `jmp(absolute:)`.
  @Test func fieldOffsetCanBeRepatched() throws {
    var a = X86Assembler(baseAddress: Self.base)
    a.nop()
    let field = try a.jmp(absolute: Self.base + 0x100)
    var code = try a.finish()
    let patch = try rel32Bytes(site: Self.base + UInt(field), target: Self.base + 0x200)
    code.replaceSubrange(field..<field + 4, with: patch)
    // Field at base+2, ends at base+6: 0x200 − 6 = 0x1FA.
    #expect(code == [0x90, 0xE9, 0xFA, 0x01, 0x00, 0x00])
  }
}

@Suite struct OperandTypeTests {
  @Test func invertedConditionsPairUp() {
    for cc in ConditionCode.allCases {
      #expect(cc.inverted != cc)
      #expect(cc.inverted.inverted == cc)
    }
    #expect(ConditionCode.e.inverted == .ne)
    #expect(ConditionCode.l.inverted == .ge)
    #expect(ConditionCode.be.inverted == .a)
  }

  @Test func registerNames() {
    #expect(GPR.rax.description == "rax")
    #expect(GPR.r8.name(.dword) == "r8d")
    #expect(GPR.rsi.byteName == "sil")
    #expect(GPR.r15.wordName == "r15w")
    #expect(
      Memory(base: .rbx, index: .r12, scale: .x4, displacement: -8).description
        == "[rbx + 4*r12 - 8]")
  }

  @Test func rspCannotBeAnIndex() async {
    await #expect(processExitsWith: .failure) {
      _ = Memory(base: .rax, index: .rsp)
    }
  }
}
