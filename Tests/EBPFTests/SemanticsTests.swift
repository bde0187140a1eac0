import EBPF
import Testing

/// Edge cases of RFC 9669 §4 arithmetic, each as a tiny program on the
/// interpreter. Expected values are worked out by hand from the RFC text.
@Suite struct SemanticsTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var source: String
    var expected: UInt64
    var testDescription: String { source.replacingOccurrences(of: "\n", with: "; ") }
  }

  static let cases: [Case] = [
    // Division and modulo by zero: x/0 = 0, x%0 = x.
    Case(source: "mov %r0, 7\nmov %r1, 0\ndiv %r0, %r1", expected: 0),
    Case(source: "mov %r0, 7\ndiv32 %r0, 0", expected: 0),
    Case(source: "mov %r0, -7\nmod %r0, 0", expected: 0xFFFF_FFFF_FFFF_FFF9),
    // 32-bit modulo by zero keeps the low half of x, zero-extended.
    Case(source: "lddw %r0, 0x1234567880000001\nmov %r1, 0\nmod32 %r0, %r1", expected: 0x8000_0001),
    Case(source: "mov %r0, -7\nsdiv %r0, 0", expected: 0),
    Case(source: "mov %r0, -7\nsmod %r0, 0", expected: 0xFFFF_FFFF_FFFF_FFF9),
    Case(source: "mov32 %r0, -7\nsmod32 %r0, 0", expected: 0xFFFF_FFF9),
    // INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0.
    Case(source: "lddw %r0, 0x8000000000000000\nsdiv %r0, -1", expected: 0x8000_0000_0000_0000),
    Case(source: "lddw %r0, 0x8000000000000000\nsmod %r0, -1", expected: 0),
    Case(source: "mov32 %r0, 0x80000000\nsdiv32 %r0, -1", expected: 0x8000_0000),
    Case(source: "mov32 %r0, 0x80000000\nsmod32 %r0, -1", expected: 0),
    // Signed remainder takes the sign of the dividend (truncated division).
    Case(source: "mov %r0, -7\nsmod %r0, 2", expected: 0xFFFF_FFFF_FFFF_FFFF),
    Case(source: "mov %r0, 7\nsmod %r0, -2", expected: 1),
    Case(source: "mov %r0, -7\nsdiv %r0, 2", expected: 0xFFFF_FFFF_FFFF_FFFD),
    // 32-bit division uses only the low halves of both operands.
    Case(
      source: "lddw %r0, 0x100000064\nlddw %r1, 0x100000005\ndiv32 %r0, %r1", expected: 20),
    // Unsigned 64-bit division by a negative immediate: imm sign-extended, read unsigned.
    Case(source: "mov %r0, -1\ndiv %r0, -1", expected: 1),
    Case(source: "mov %r0, 10\ndiv %r0, -1", expected: 0),
    // 32-bit unsigned: imm read as an unsigned 32-bit value.
    Case(source: "mov32 %r0, -1\ndiv32 %r0, -1", expected: 1),
    // 32-bit results are zero-extended.
    Case(source: "mov %r0, -1\nadd32 %r0, 0", expected: 0xFFFF_FFFF),
    Case(source: "mov32 %r0, 0\nsub32 %r0, 1", expected: 0xFFFF_FFFF),
    Case(source: "mov %r0, 1\nneg32 %r0", expected: 0xFFFF_FFFF),
    Case(source: "mov %r0, 1\nneg %r0", expected: 0xFFFF_FFFF_FFFF_FFFF),
    Case(source: "mov %r0, -1", expected: 0xFFFF_FFFF_FFFF_FFFF),
    Case(source: "mov32 %r0, -1", expected: 0xFFFF_FFFF),
    // Shift amounts are masked: & 63 and & 31.
    Case(source: "mov %r0, 1\nmov %r1, 65\nlsh %r0, %r1", expected: 2),
    Case(source: "mov %r0, 1\nmov %r1, 33\nlsh32 %r0, %r1", expected: 2),
    Case(source: "mov32 %r0, 0x80000000\narsh32 %r0, 31", expected: 0xFFFF_FFFF),
    Case(source: "lddw %r0, 0x8000000000000000\narsh %r0, 63", expected: 0xFFFF_FFFF_FFFF_FFFF),
    Case(source: "mov %r0, -1\nrsh32 %r0, 4", expected: 0x0FFF_FFFF),
    // Sign-extending moves.
    Case(source: "mov %r1, 0x80\nmovsx864 %r0, %r1", expected: 0xFFFF_FFFF_FFFF_FF80),
    Case(source: "mov %r1, 0x80\nmovsx832 %r0, %r1", expected: 0xFFFF_FF80),
    Case(source: "mov %r1, 0x8000\nmovsx1664 %r0, %r1", expected: 0xFFFF_FFFF_FFFF_8000),
    Case(source: "mov32 %r1, 0x80000000\nmovsx3264 %r0, %r1", expected: 0xFFFF_FFFF_8000_0000),
    // Byte swaps.
    Case(source: "lddw %r0, 0x1122334455667788\nle16 %r0", expected: 0x7788),
    Case(source: "lddw %r0, 0x1122334455667788\nle32 %r0", expected: 0x5566_7788),
    Case(source: "lddw %r0, 0x1122334455667788\nle64 %r0", expected: 0x1122_3344_5566_7788),
    Case(source: "lddw %r0, 0x1122334455667788\nbe16 %r0", expected: 0x8877),
    Case(source: "lddw %r0, 0x1122334455667788\nbe32 %r0", expected: 0x8877_6655),
    Case(source: "lddw %r0, 0x1122334455667788\nbe64 %r0", expected: 0x8877_6655_4433_2211),
    Case(source: "lddw %r0, 0x1122334455667788\nbswap16 %r0", expected: 0x8877),
    Case(source: "lddw %r0, 0x1122334455667788\nbswap64 %r0", expected: 0x8877_6655_4433_2211),
    // Jumps: 64-bit immediates are sign-extended, JMP32 compares low halves.
    Case(source: "mov %r0, 0\nmov %r1, -1\njeq %r1, -1, +1\nexit\nmov %r0, 1", expected: 1),
    Case(
      source: "mov %r0, 0\nlddw %r1, 0x1FFFFFFFF\njeq32 %r1, -1, +1\nexit\nmov %r0, 1", expected: 1),
    Case(source: "mov %r0, 0\nmov %r1, -1\njsgt %r1, 0, +1\nmov %r0, 1", expected: 1),
    Case(source: "mov %r0, 0\nmov %r1, -1\njgt %r1, 0, +1\nexit\nmov %r0, 1", expected: 1),
    Case(source: "mov %r0, 0\nmov %r1, 6\njset %r1, 2, +1\nexit\nmov %r0, 1", expected: 1),
    // ja32: target in imm.
    Case(source: "mov %r0, 1\nja32 +1\nmov %r0, 2", expected: 1),
    // Atomics: cmpxchg compares with r0 and loads the old value into r0.
    Case(
      source:
        "stdw [%r10-8], 5\nmov %r0, 5\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1\nldxdw %r0, [%r10-8]",
      expected: 9),
    Case(
      source: "stdw [%r10-8], 5\nmov %r0, 4\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1", expected: 5),
    Case(
      source:
        "stdw [%r10-8], -1\nlddw %r0, 0x1FFFFFFFF\nmov %r1, 3\nlock cmpxchg32 [%r10-8], %r1\nldxdw %r0, [%r10-8]",
      expected: 0xFFFF_FFFF_0000_0003),
    Case(
      source: "stw [%r10-4], -1\nmov %r1, 1\nlock fetch add32 [%r10-4], %r1\nmov %r0, %r1",
      expected: 0xFFFF_FFFF),
    Case(
      source: "stw [%r10-4], -1\nmov %r1, 1\nlock add32 [%r10-4], %r1\nldxw %r0, [%r10-4]",
      expected: 0),
    Case(
      source:
        "stdw [%r10-8], 6\nmov %r1, 3\nlock xchg [%r10-8], %r1\nldxdw %r0, [%r10-8]\nadd %r0, %r1",
      expected: 9),
    // Sign-extending loads.
    Case(source: "stb [%r10-1], 0x80\nldxsb %r0, [%r10-1]", expected: 0xFFFF_FFFF_FFFF_FF80),
    Case(source: "stw [%r10-4], -2\nldxsw %r0, [%r10-4]", expected: 0xFFFF_FFFF_FFFF_FFFE),
    Case(source: "stw [%r10-4], -2\nldxw %r0, [%r10-4]", expected: 0xFFFF_FFFE),
    // stdw sign-extends its immediate.
    Case(source: "stdw [%r10-8], -1\nldxdw %r0, [%r10-8]", expected: 0xFFFF_FFFF_FFFF_FFFF),
  ]

  @Test(arguments: cases, Engine.allCases)
  func program(_ c: Case, engine: Engine) throws {
    #expect(try run(c.source + "\nexit", engine: engine) == c.expected)
  }

  /// The same rules through the pure functions (used by translators for folding).
  @Test func pureFunctions() {
    #expect(Semantics.alu(.div, .w64, 5, 0) == 0)
    #expect(Semantics.alu(.mod, .w32, 0xFFFF_FFFF_0000_0007, 0) == 7)
    #expect(Semantics.alu(.sdiv, .w64, 0x8000_0000_0000_0000, ~0) == 0x8000_0000_0000_0000)
    #expect(Semantics.alu(.smod, .w32, 0x8000_0000, 0xFFFF_FFFF) == 0)
    #expect(Semantics.alu(.lsh, .w32, 1, 32) == 1)
    #expect(Semantics.condition(.slt, .w32, 0xFFFF_FFFF, 0) == true)
    #expect(Semantics.condition(.lt, .w64, 0xFFFF_FFFF, 0) == false)
  }
}
