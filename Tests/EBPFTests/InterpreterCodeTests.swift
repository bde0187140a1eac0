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
}
