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
