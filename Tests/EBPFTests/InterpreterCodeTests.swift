import Testing

@testable import EBPF

/// The interpreter's dispatch codes (`DecodedSlot.Code`) are a numbering of
/// the table's operations: every arithmetic operation and conditional jump
/// of `InstructionTable` has exactly one code, which maps back to it.
@Suite struct InterpreterCodeTests {
  @Test func everyTableOperationHasOneCode() {
    for spec in InstructionTable.all {
      switch spec.operation {
      case .alu(let op, let width, _):
        let codes = DecodedSlot.Code.allCases.filter {
          $0.arithmetic.map { $0.0 == op && $0.1 == width } ?? false
        }
        #expect(codes.count == 1, "\(spec.mnemonic)")
      case .branch(let c, let width, _):
        let codes = DecodedSlot.Code.allCases.filter {
          $0.branch.map { $0.0 == c && $0.1 == width } ?? false
        }
        #expect(codes.count == 1, "\(spec.mnemonic)")
      default:
        break
      }
    }
  }

  /// Operands with the edge cases of every operation: zero, one, shift
  /// counts at and past the width, sign bits and extremes of both widths.
  static let operands: [UInt64] = [
    0, 1, 2, 7, 31, 32, 33, 63, 64, 0x7F, 0x80, 0xFFFF, 0x8000, 0x7FFF_FFFF, 0x8000_0000,
    0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, UInt64.max,
    UInt64.max - 1, 0x1234_5678_9ABC_DEF0,
  ]

  /// The functions (`Steps`) that `dispatch` hands the loop with each code,
  /// superinstructions' halves included, compute what `Semantics` computes
  /// for the operation or condition and width the same case names.
  @Test func everyCodesStepsAreItsSemantics() {
    var wrong: [String] = []
    func check(_ code: DecodedSlot.Code, _ op: ALUOperation, _ width: Width, _ step: ALUStep) {
      for a in Self.operands {
        for b in Self.operands where step(a, b) != Semantics.alu(op, width, a, b) {
          wrong.append("\(code) \(op) \(width) \(a) \(b)")
        }
      }
    }
    func check(_ code: DecodedSlot.Code, _ c: Condition, _ width: Width, _ test: BranchTest) {
      for a in Self.operands {
        for b in Self.operands where test(a, b) != Semantics.condition(c, width, a, b) {
          wrong.append("\(code) \(c) \(width) \(a) \(b)")
        }
      }
    }
    var checked = 0
    for code in DecodedSlot.Code.allCases {
      code.dispatch(
        arithmetic: { op, width, step in
          check(code, op, width, step)
          checked += 1
        },
        branch: { c, width, test in
          check(code, c, width, test)
          checked += 1
        },
        other: { _ in },
        fusedArithmetic: { lead, second, leadStep, secondStep in
          check(code, lead.0, lead.1, leadStep)
          check(code, second.0, second.1, secondStep)
          checked += 1
        },
        fusedBranch: { lead, second, leadStep, secondTest in
          check(code, lead.0, lead.1, leadStep)
          check(code, second.0, second.1, secondTest)
          checked += 1
        })
    }
    #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    // 36 arithmetic codes, 22 jumps, 152 superinstructions.
    #expect(checked == 36 + 22 + 152)
  }
}
