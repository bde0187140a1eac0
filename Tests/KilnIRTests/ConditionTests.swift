import KilnIR
import Testing

/// `Condition.holds` against truth tables worked out by hand: for each pair
/// of operands and width, the conditions that hold (all others must not).
/// The meanings are RISC-V's BEQ/BNE/BLT/BGE/BLTU/BGEU and RFC 9669 §4.3's
/// JEQ…JSLE and JSET (`dst & src != 0`); JMP32 compares the low halves.
struct ConditionCase: Sendable, CustomTestStringConvertible {
  let a: UInt64
  let b: UInt64
  let width: Width
  let holding: Set<Condition>

  var testDescription: String {
    "0x\(String(a, radix: 16)) ? 0x\(String(b, radix: 16)) \(width)"
  }
}

let conditionCases: [ConditionCase] = [
  // −1 vs 1: less signed, greater unsigned; −1 & 1 = 1.
  ConditionCase(
    a: 0xFFFF_FFFF_FFFF_FFFF, b: 1, width: .w64,
    holding: [
      .notEqual, .lessThan, .lessOrEqual, .greaterThanUnsigned, .greaterOrEqualUnsigned,
      .andNonZero,
    ]),
  ConditionCase(
    a: 0xFFFF_FFFF, b: 1, width: .w32,
    holding: [
      .notEqual, .lessThan, .lessOrEqual, .greaterThanUnsigned, .greaterOrEqualUnsigned,
      .andNonZero,
    ]),
  // 0xFFFFFFFF is positive at 64 bits.
  ConditionCase(
    a: 0xFFFF_FFFF, b: 1, width: .w64,
    holding: [
      .notEqual, .greaterThan, .greaterOrEqual, .greaterThanUnsigned, .greaterOrEqualUnsigned,
      .andNonZero,
    ]),
  // Equal operands.
  ConditionCase(
    a: 5, b: 5, width: .w64,
    holding: [
      .equal, .lessOrEqual, .greaterOrEqual, .lessOrEqualUnsigned, .greaterOrEqualUnsigned,
      .andNonZero,
    ]),
  // 2^32 vs 0: equal in the low halves (and 2^32 & 0 = 0 either way).
  ConditionCase(
    a: 0x1_0000_0000, b: 0, width: .w32,
    holding: [
      .equal, .lessOrEqual, .greaterOrEqual, .lessOrEqualUnsigned, .greaterOrEqualUnsigned,
    ]),
  ConditionCase(
    a: 0x1_0000_0000, b: 0, width: .w64,
    holding: [
      .notEqual, .greaterThan, .greaterOrEqual, .greaterThanUnsigned, .greaterOrEqualUnsigned,
    ]),
  // 2^32 & 2^32: set at 64 bits, not in the low halves.
  ConditionCase(
    a: 0x1_0000_0000, b: 0x1_0000_0000, width: .w64,
    holding: [
      .equal, .lessOrEqual, .greaterOrEqual, .lessOrEqualUnsigned, .greaterOrEqualUnsigned,
      .andNonZero,
    ]),
  ConditionCase(
    a: 0x1_0000_0000, b: 0x1_0000_0000, width: .w32,
    holding: [
      .equal, .lessOrEqual, .greaterOrEqual, .lessOrEqualUnsigned, .greaterOrEqualUnsigned,
    ]),
  // INT_MIN vs INT_MAX (32-bit): less signed, greater unsigned, no common bit.
  ConditionCase(
    a: 0x8000_0000, b: 0x7FFF_FFFF, width: .w32,
    holding: [.notEqual, .lessThan, .lessOrEqual, .greaterThanUnsigned, .greaterOrEqualUnsigned]
  ),
  ConditionCase(
    a: 0x8000_0000, b: 0x7FFF_FFFF, width: .w64,
    holding: [
      .notEqual, .greaterThan, .greaterOrEqual, .greaterThanUnsigned, .greaterOrEqualUnsigned,
    ]),
  // 6 vs 9: less both ways; 0b0110 & 0b1001 = 0.
  ConditionCase(
    a: 6, b: 9, width: .w32,
    holding: [.notEqual, .lessThan, .lessOrEqual, .lessThanUnsigned, .lessOrEqualUnsigned]),
  // 5 vs 5 with different upper halves, 32-bit: equal.
  ConditionCase(
    a: 0xAAAA_AAAA_0000_0005, b: 5, width: .w32,
    holding: [
      .equal, .lessOrEqual, .greaterOrEqual, .lessOrEqualUnsigned, .greaterOrEqualUnsigned,
      .andNonZero,
    ]),
]

@Suite("Condition reference semantics")
struct ConditionTests {
  @Test(arguments: conditionCases)
  func holds(_ c: ConditionCase) {
    for condition in Condition.allCases {
      #expect(
        condition.holds(c.a, c.b, width: c.width) == c.holding.contains(condition),
        "\(condition)")
      if c.width == .w32 {
        let narrow = condition.holds(
          UInt32(truncatingIfNeeded: c.a), UInt32(truncatingIfNeeded: c.b))
        #expect(narrow == c.holding.contains(condition), "\(condition) (32-bit entry)")
      }
    }
  }

  /// RV32's six branches and eBPF's eleven jumps: eleven conditions.
  @Test func elevenConditions() {
    #expect(Condition.allCases.count == 11)
  }
}
