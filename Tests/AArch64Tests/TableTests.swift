import Testing

@testable import AArch64Port

/// A logical immediate and LLVM's verdict: its N:immr:imms (bits 10–22 of
/// `and x0, x1, #value`), or nil if LLVM rejected the value.
struct BitmaskRow: Sendable, CustomTestStringConvertible {
  let value: UInt64
  let bits: Int
  let llvm: UInt32?

  init(_ value: UInt64, bits: Int, llvm: UInt32?) {
    (self.value, self.bits, self.llvm) = (value, bits, llvm)
  }

  var testDescription: String { "\(bits)-bit 0x\(String(value, radix: 16))" }
}

/// A constant and the instructions clang -O2 uses to return it.
struct ConstantRow: Sendable, CustomTestStringConvertible {
  let value: UInt64
  let bits: Int
  let llvm: [UInt32]

  init(_ value: UInt64, bits: Int, llvm: [UInt32]) {
    (self.value, self.bits, self.llvm) = (value, bits, llvm)
  }

  var testDescription: String { "\(bits)-bit 0x\(String(value, radix: 16))" }
}

@Suite struct TableTests {
  /// Kiln accepts exactly the values LLVM accepts, and encodes them as LLVM does.
  @Test(arguments: goldenBitmasks) func bitmaskMatchesLLVM(_ row: BitmaskRow) {
    let fields: UInt32? =
      row.bits == 64
      ? LogicalImmediate64(row.value)?.fields
      : LogicalImmediate32(UInt32(truncatingIfNeeded: row.value))?.fields
    #expect(fields == row.llvm)
  }

  @Test func bitmaskTableHasBothVerdicts() {
    for bits in [32, 64] {
      let rows = goldenBitmasks.filter { $0.bits == bits }
      #expect(rows.filter { $0.llvm != nil }.count >= 150)
      #expect(rows.filter { $0.llvm == nil }.count >= 100)
    }
  }

  /// `mov(_:imm:)` plans no more instructions than clang -O2 uses, and the
  /// plan computes the value. (That the emitted words do what the plan says
  /// is checked by the golden rows of each instruction and, end to end, by
  /// ExecutionTests.)
  @Test(arguments: goldenConstants) func constantPlanIsAsShortAsLLVM(_ row: ConstantRow) {
    let plan = row.bits == 64 ? ConstantPlan(row.value) : ConstantPlan(UInt32(row.value))
    #expect(plan.value == row.value, "\(plan)")
    #expect(plan.steps.count <= row.llvm.count, "\(plan) vs LLVM \(row.llvm.count) instructions")
  }
}
