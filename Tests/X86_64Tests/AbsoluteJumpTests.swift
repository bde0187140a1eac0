import KilnCore
import Testing

@testable import X86_64Port

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
    // In the LLVM listing of LabelTests, `jmp fwd` has its field at 2 and fwd at 0x1c: 16 00 00 00;
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

  /// `call(absolute:)` and `leaRIP(_:target:)` (the shared stubs' call and
  /// the chain exit's field address). Bytes from LLVM:
  ///
  ///     .intel_syntax noprefix
  ///     lea rax, [rip + 0x12345678]
  ///     lea rax, [rip - 0x20]
  ///     lea rcx, [rip + 0x10]
  ///     lea r8, [rip - 5]
  ///     .att_syntax
  ///     call .+0x1000
  ///     call .-0x100
  ///
  ///     clang --target=x86_64-linux-gnu -c g.s -o g.o && llvm-objdump -d g.o
  @Test func ripRelativeLeaAndAbsoluteCallMatchLLVM() throws {
    var a = X86Assembler(baseAddress: Self.base)
    // lea's displacement counts from its end (offset + 7); `target` is a buffer offset.
    a.leaRIP(.rax, target: 7 + 0x1234_5678)
    a.leaRIP(.rax, target: 14 - 0x20)
    a.leaRIP(.rcx, target: 21 + 0x10)
    a.leaRIP(.r8, target: 28 - 5)
    try a.call(absolute: Self.base + 0x1C + 0x1000)
    try a.call(absolute: Self.base + 0x21 - 0x100)
    #expect(
      try a.finish() == [
        0x48, 0x8D, 0x05, 0x78, 0x56, 0x34, 0x12,
        0x48, 0x8D, 0x05, 0xE0, 0xFF, 0xFF, 0xFF,
        0x48, 0x8D, 0x0D, 0x10, 0x00, 0x00, 0x00,
        0x4C, 0x8D, 0x05, 0xFB, 0xFF, 0xFF, 0xFF,
        0xE8, 0xFB, 0x0F, 0x00, 0x00,
        0xE8, 0xFB, 0xFE, 0xFF, 0xFF,
      ])
  }

  @Test func unreachableAbsoluteCallThrowsAndEmitsNothing() {
    var a = X86Assembler(baseAddress: Self.base)
    #expect(throws: CodeGenError.branchOutOfRange(kind: "rel32", distance: 0x8000_0000)) {
      try a.call(absolute: Self.base + 5 + 0x8000_0000)
    }
    #expect(a.offset == 0)
  }

  /// `testAL(imm:)` (the page walks' alignment test). Bytes from LLVM:
  /// `test al, 3`, `test al, 1`, `test al, 2` in `.intel_syntax noprefix`,
  /// `clang --target=x86_64-linux-gnu -c t8.s && llvm-objdump -d t8.o`.
  @Test func testALMatchesLLVM() throws {
    var a = X86Assembler(baseAddress: Self.base)
    a.testAL(imm: 3)
    a.testAL(imm: 1)
    a.testAL(imm: 2)
    #expect(try a.finish() == [0xA8, 0x03, 0xA8, 0x01, 0xA8, 0x02])
  }
}
