import KilnIR
import Testing

/// The reference semantics of ``BinaryOperation`` against values worked out
/// by hand (never computed by the code under test) from:
///
/// * the RISC-V unprivileged spec, "M" extension: MULH/MULHSU/MULHU return
///   the upper half of the 2×XLEN product (signed×signed, signed rs1 ×
///   unsigned rs2, unsigned×unsigned); DIV/REM round toward zero, and the
///   division table gives, for a zero divisor, DIVU = 2^XLEN − 1, DIV = −1,
///   REM[U] = the dividend; for −2^(XLEN−1) / −1, DIV = −2^(XLEN−1), REM = 0.
///   Shifts (RV32I) use the low five bits of the amount (RV64I: six).
/// * RFC 9669 §4.1: `DIV dst = (src != 0) ? dst / src : 0`, `MOD dst =
///   (src != 0) ? dst % src : dst`, 32-bit modulo by zero zeroes the upper
///   half; LLONG_MIN / −1 (INT_MIN for ALU) = LLONG_MIN, modulo −1 = 0;
///   signed modulo truncates (−13 % 3 = −1); shifts mask the amount with
///   0x1F / 0x3F; 32-bit operations zero-extend their result.
struct ALUCase: Sendable, CustomTestStringConvertible {
  let op: BinaryOperation
  let width: Width
  let a: UInt64
  let b: UInt64
  let expected: UInt64

  init(_ op: BinaryOperation, _ width: Width, _ a: UInt64, _ b: UInt64, _ expected: UInt64) {
    self.op = op
    self.width = width
    self.a = a
    self.b = b
    self.expected = expected
  }

  var testDescription: String {
    "\(op) \(width) 0x\(String(a, radix: 16)), 0x\(String(b, radix: 16))"
  }
}

let minus1: UInt64 = 0xFFFF_FFFF_FFFF_FFFF
let int64Min: UInt64 = 0x8000_0000_0000_0000

/// Division and remainder: x/0 under both rules, x%0, INT_MIN / −1,
/// INT_MIN % −1 at 32 and 64 bits, truncation toward zero.
let divisionCases: [ALUCase] = [
  // RISC-V: x / 0 is all ones, signed and unsigned.
  ALUCase(.divideUnsigned(.riscv), .w32, 7, 0, 0xFFFF_FFFF),
  ALUCase(.divide(.riscv), .w32, 7, 0, 0xFFFF_FFFF),
  ALUCase(.divideUnsigned(.riscv), .w64, 7, 0, minus1),
  ALUCase(.divide(.riscv), .w64, 7, 0, minus1),
  // eBPF: x / 0 is 0.
  ALUCase(.divideUnsigned(.ebpf), .w32, 7, 0, 0),
  ALUCase(.divide(.ebpf), .w32, 7, 0, 0),
  ALUCase(.divideUnsigned(.ebpf), .w64, 7, 0, 0),
  ALUCase(.divide(.ebpf), .w64, 7, 0, 0),
  // A 32-bit divisor whose low half is 0 divides by zero.
  ALUCase(.divideUnsigned(.ebpf), .w32, 5, 0x1_0000_0000, 0),
  ALUCase(.divideUnsigned(.riscv), .w32, 5, 0x1_0000_0000, 0xFFFF_FFFF),
  // x % 0 = x; at 32 bits the upper half is zeroed.
  ALUCase(.remainderUnsigned, .w32, 0xFFFF_FFFF_0000_0007, 0, 7),
  ALUCase(.remainder, .w32, 0x1234_5678_8000_0001, 0, 0x8000_0001),
  ALUCase(.remainderUnsigned, .w64, 0xFFFF_FFFF_0000_0007, 0, 0xFFFF_FFFF_0000_0007),
  ALUCase(.remainder, .w64, 0xFFFF_FFFF_FFFF_FFF9, 0, 0xFFFF_FFFF_FFFF_FFF9),
  // INT_MIN / −1 = INT_MIN, INT_MIN % −1 = 0 (both rules).
  ALUCase(.divide(.riscv), .w32, 0x8000_0000, 0xFFFF_FFFF, 0x8000_0000),
  ALUCase(.divide(.ebpf), .w32, 0x8000_0000, 0xFFFF_FFFF, 0x8000_0000),
  ALUCase(.remainder, .w32, 0x8000_0000, 0xFFFF_FFFF, 0),
  ALUCase(.divide(.riscv), .w64, int64Min, minus1, int64Min),
  ALUCase(.divide(.ebpf), .w64, int64Min, minus1, int64Min),
  ALUCase(.remainder, .w64, int64Min, minus1, 0),
  // x / −1 = −x, x % −1 = 0 away from the overflow too.
  ALUCase(.divide(.ebpf), .w32, 5, 0xFFFF_FFFF, 0xFFFF_FFFB),
  ALUCase(.remainder, .w64, 5, minus1, 0),
  // Truncation toward zero; a remainder has the sign of the dividend.
  ALUCase(.divide(.riscv), .w32, 0xFFFF_FFF9, 2, 0xFFFF_FFFD),  // −7 / 2 = −3
  ALUCase(.remainder, .w32, 0xFFFF_FFF9, 2, 0xFFFF_FFFF),  // −7 % 2 = −1
  ALUCase(.remainder, .w32, 7, 0xFFFF_FFFE, 1),  // 7 % −2 = 1
  ALUCase(.divide(.ebpf), .w32, 0xFFFF_FFF9, 0xFFFF_FFFE, 3),  // −7 / −2 = 3
  ALUCase(.divide(.ebpf), .w64, 0xFFFF_FFFF_FFFF_FFF3, 3, 0xFFFF_FFFF_FFFF_FFFC),  // −13 / 3 = −4
  ALUCase(.remainder, .w64, 0xFFFF_FFFF_FFFF_FFF3, 3, minus1),  // −13 % 3 = −1
  // Unsigned division reads the same bits as unsigned.
  ALUCase(.divideUnsigned(.riscv), .w32, 0xFFFF_FFF9, 2, 0x7FFF_FFFC),  // 4294967289 / 2
  ALUCase(.remainderUnsigned, .w32, 0xFFFF_FFF9, 2, 1),
  ALUCase(.divideUnsigned(.ebpf), .w64, minus1, 0x1_0000_0000, 0xFFFF_FFFF),
  ALUCase(.remainderUnsigned, .w64, minus1, 0x1_0000_0000, 0xFFFF_FFFF),
]

/// Shifts: counts masked to 5 / 6 bits, arithmetic shifts fill with the sign
/// bit of the operand's width.
let shiftCases: [ALUCase] = [
  ALUCase(.shiftLeft, .w32, 1, 31, 0x8000_0000),
  ALUCase(.shiftLeft, .w32, 1, 32, 1),  // 32 & 31 = 0
  ALUCase(.shiftLeft, .w32, 1, 33, 2),
  ALUCase(.shiftLeft, .w32, 0xFFFF_FFFF, 4, 0xFFFF_FFF0),  // no bits above 31
  ALUCase(.shiftLeft, .w64, 1, 63, int64Min),
  ALUCase(.shiftLeft, .w64, 1, 64, 1),  // 64 & 63 = 0
  ALUCase(.shiftLeft, .w64, 1, 65, 2),
  ALUCase(.shiftLeft, .w64, 0xFFFF_FFFF, 4, 0xF_FFFF_FFF0),
  ALUCase(.shiftRightLogical, .w32, 0x8000_0000, 31, 1),
  ALUCase(.shiftRightLogical, .w32, 0x8000_0000, 63, 1),  // 63 & 31 = 31
  ALUCase(.shiftRightLogical, .w32, 0x8000_0000, 0xFFFF_FFFF_FFFF_FFE1, 0x4000_0000),  // & 31 = 1
  ALUCase(.shiftRightLogical, .w32, 0x1_0000_0000, 0, 0),  // only the low half is shifted
  ALUCase(.shiftRightLogical, .w64, int64Min, 63, 1),
  ALUCase(.shiftRightLogical, .w64, int64Min, 127, 1),  // 127 & 63 = 63
  ALUCase(.shiftRightArithmetic, .w32, 0x8000_0000, 31, 0xFFFF_FFFF),
  ALUCase(.shiftRightArithmetic, .w32, 0x8000_0000, 4, 0xF800_0000),
  ALUCase(.shiftRightArithmetic, .w32, 0x8000_0000, 36, 0xF800_0000),  // 36 & 31 = 4
  ALUCase(.shiftRightArithmetic, .w32, 0x7000_0000, 4, 0x0700_0000),
  ALUCase(.shiftRightArithmetic, .w32, 0x1_8000_0000, 1, 0xC000_0000),  // sign is bit 31
  ALUCase(.shiftRightArithmetic, .w32, 0x8000_0000_7000_0000, 4, 0x0700_0000),
  ALUCase(.shiftRightArithmetic, .w64, int64Min, 63, minus1),
  ALUCase(.shiftRightArithmetic, .w64, int64Min, 4, 0xF800_0000_0000_0000),
  ALUCase(.shiftRightArithmetic, .w64, int64Min, 68, 0xF800_0000_0000_0000),  // 68 & 63 = 4
  ALUCase(.shiftRightArithmetic, .w64, 0x8000_0000, 4, 0x0800_0000),  // positive at 64 bits
]

/// Products: the low half, and the high half of signed×signed,
/// signed×unsigned and unsigned×unsigned.
let multiplyCases: [ALUCase] = [
  ALUCase(.multiply, .w32, 0x1_0000, 0x1_0000, 0),  // 2^32 mod 2^32
  ALUCase(.multiply, .w32, 0xFFFF_FFFF, 0xFFFF_FFFF, 1),  // (2^32 − 1)^2 mod 2^32
  ALUCase(.multiply, .w64, 0x1_0000, 0x1_0000, 0x1_0000_0000),
  ALUCase(.multiply, .w64, minus1, minus1, 1),
  // 0xFFFFFFFF × 0xFFFFFFFF = 0xFFFFFFFE_00000001 unsigned; (−1)(−1) = 1
  // signed; (−1) × 4294967295 = −4294967295 = 0xFFFFFFFF_00000001.
  ALUCase(.multiplyHighUnsigned, .w32, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE),
  ALUCase(.multiplyHighSigned, .w32, 0xFFFF_FFFF, 0xFFFF_FFFF, 0),
  ALUCase(.multiplyHighSignedUnsigned, .w32, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF),
  // 2 × 0x80000000: 2^32 (unsigned and signed×unsigned), −2^32 (signed).
  ALUCase(.multiplyHighUnsigned, .w32, 2, 0x8000_0000, 1),
  ALUCase(.multiplyHighSigned, .w32, 2, 0x8000_0000, 0xFFFF_FFFF),
  ALUCase(.multiplyHighSignedUnsigned, .w32, 2, 0x8000_0000, 1),
  // 0x80000000 × 2: −2^32 signed×unsigned.
  ALUCase(.multiplyHighSignedUnsigned, .w32, 0x8000_0000, 2, 0xFFFF_FFFF),
  // (−2^31)^2 = 2^62.
  ALUCase(.multiplyHighSigned, .w32, 0x8000_0000, 0x8000_0000, 0x4000_0000),
  // Only the low halves take part: 2 × 2^31 = 2^32.
  ALUCase(.multiplyHighUnsigned, .w32, 0x1234_5678_0000_0002, 0xFFFF_FFFF_8000_0000, 1),
  // 64 bits: (2^64 − 1)^2 = 2^128 − 2^65 + 1; (−1)(−1) = 1;
  // (−1) × (2^64 − 1) = −(2^64 − 1), whose 128-bit pattern is 2^128 − 2^64 + 1.
  ALUCase(.multiplyHighUnsigned, .w64, minus1, minus1, 0xFFFF_FFFF_FFFF_FFFE),
  ALUCase(.multiplyHighSigned, .w64, minus1, minus1, 0),
  ALUCase(.multiplyHighSignedUnsigned, .w64, minus1, minus1, minus1),
  // 2 × 2^63 = 2^64; 2 × (−2^63) = −2^64.
  ALUCase(.multiplyHighUnsigned, .w64, 2, int64Min, 1),
  ALUCase(.multiplyHighSigned, .w64, 2, int64Min, minus1),
  ALUCase(.multiplyHighSignedUnsigned, .w64, 2, int64Min, 1),
  ALUCase(.multiplyHighSignedUnsigned, .w64, int64Min, 2, minus1),
  ALUCase(.multiplyHighSigned, .w64, int64Min, int64Min, 0x4000_0000_0000_0000),
  ALUCase(.multiplyHighUnsigned, .w64, 0x1_0000_0000, 0x1_0000_0000, 1),
]

/// Wrapping arithmetic, logic, set-less-than and move; 32-bit results are
/// zero-extended and ignore the operands' upper halves.
let basicCases: [ALUCase] = [
  ALUCase(.add, .w32, 0xFFFF_FFFF, 1, 0),
  ALUCase(.add, .w64, 0xFFFF_FFFF, 1, 0x1_0000_0000),
  ALUCase(.add, .w64, minus1, 1, 0),
  ALUCase(.add, .w32, 0xAAAA_AAAA_0000_0001, 0x5555_5555_0000_0002, 3),
  ALUCase(.sub, .w32, 0, 1, 0xFFFF_FFFF),
  ALUCase(.sub, .w64, 0, 1, minus1),
  ALUCase(.and, .w32, minus1, 0xFFFF_0000_00FF_00FF, 0x00FF_00FF),
  ALUCase(.and, .w64, minus1, 0xFFFF_0000_00FF_00FF, 0xFFFF_0000_00FF_00FF),
  ALUCase(.or, .w32, 0x1_0000_0000, 1, 1),
  ALUCase(.or, .w64, 0x1_0000_0000, 1, 0x1_0000_0001),
  ALUCase(.xor, .w32, minus1, 0x0F0F_0F0F, 0xF0F0_F0F0),
  ALUCase(.xor, .w64, minus1, 0x0F0F_0F0F, 0xFFFF_FFFF_F0F0_F0F0),
  ALUCase(.move, .w32, 0x1234, minus1, 0xFFFF_FFFF),
  ALUCase(.move, .w64, 0x1234, minus1, minus1),
  // −1 < 0 signed, not unsigned.
  ALUCase(.setLessThan, .w32, 0xFFFF_FFFF, 0, 1),
  ALUCase(.setLessThanUnsigned, .w32, 0xFFFF_FFFF, 0, 0),
  ALUCase(.setLessThan, .w64, minus1, 0, 1),
  ALUCase(.setLessThanUnsigned, .w64, 0, minus1, 1),
  // 0xFFFFFFFF is positive at 64 bits.
  ALUCase(.setLessThan, .w64, 0xFFFF_FFFF, 0, 0),
  // The low half of 2^32 is 0 < 1.
  ALUCase(.setLessThan, .w32, 0x1_0000_0000, 1, 1),
  ALUCase(.setLessThanUnsigned, .w32, 0x1_0000_0000, 1, 1),
  ALUCase(.setLessThan, .w64, 0x1_0000_0000, 1, 0),
  ALUCase(.setLessThan, .w32, 5, 5, 0),
  ALUCase(.setLessThanUnsigned, .w32, 5, 5, 0),
]

@Suite("BinaryOperation reference semantics")
struct EvaluationTests {
  @Test(arguments: divisionCases + shiftCases + multiplyCases + basicCases)
  func evaluate(_ c: ALUCase) {
    #expect(c.op.evaluate(c.a, c.b, width: c.width) == c.expected)
    if c.width == .w32 {
      // The 32-bit entry agrees (the interpreters of 32-bit guests use it).
      let narrow = c.op.evaluate(UInt32(truncatingIfNeeded: c.a), UInt32(truncatingIfNeeded: c.b))
      #expect(UInt64(narrow) == c.expected)
    }
  }

  /// Every operation appears in the table at both widths.
  @Test func tableCoversTheVocabulary() {
    let all = divisionCases + shiftCases + multiplyCases + basicCases
    for op in BinaryOperation.allCases {
      for width in Width.allCases {
        #expect(all.contains { $0.op == op && $0.width == width }, "\(op) \(width)")
      }
    }
  }

  @Test func allCasesListsEachOperationOnce() {
    #expect(BinaryOperation.allCases.count == 21)
    #expect(Set(BinaryOperation.allCases).count == BinaryOperation.allCases.count)
  }

  /// The only difference between the two rules (RISC-V M table; RFC 9669 §4.1).
  @Test func divisionRules() {
    #expect(DivisionRule.riscv.quotientOfDivisionByZero(.w32) == 0xFFFF_FFFF)
    #expect(DivisionRule.riscv.quotientOfDivisionByZero(.w64) == minus1)
    #expect(DivisionRule.ebpf.quotientOfDivisionByZero(.w32) == 0)
    #expect(DivisionRule.ebpf.quotientOfDivisionByZero(.w64) == 0)
  }

  /// Results of 32-bit operations never have upper bits, whatever the inputs.
  @Test(arguments: BinaryOperation.allCases)
  func thirtyTwoBitResultsAreZeroExtended(_ op: BinaryOperation) {
    let inputs: [UInt64] = [0, 1, minus1, int64Min, 0xFFFF_FFFF, 0x8000_0000, 0x1_0000_0000]
    for a in inputs {
      for b in inputs {
        #expect(op.evaluate(a, b, width: .w32) >> 32 == 0)
      }
    }
  }
}
