import KilnCore
import Testing

@testable import Thumb2Port

/// One golden row: the assembly text LLVM assembled, its bytes, and the
/// assembler calls that should produce them. For branch rows (`branch`),
/// `emit` emits filler and a label too, and only the bytes at `at` are the
/// branch's.
struct Golden: Sendable, CustomTestStringConvertible {
  let asm: String
  let bytes: [UInt8]
  let at: Int
  let branch: Bool
  let emit: @Sendable (inout Thumb2Assembler) throws -> Void

  init(
    _ asm: String, _ bytes: [UInt8], at: Int = 0, branch: Bool = false,
    _ emit: @escaping @Sendable (inout Thumb2Assembler) throws -> Void
  ) {
    self.asm = asm
    self.bytes = bytes
    self.at = at
    self.branch = branch
    self.emit = emit
  }

  /// The bytes Kiln's assembler produces for the row (the whole output).
  var encoded: [UInt8] {
    get throws {
      var a = Thumb2Assembler()
      try emit(&a)
      return try a.finish()
    }
  }

  var testDescription: String { asm }
}

/// A modified immediate the tables know to be encodable.
func m(_ value: UInt32) -> ModifiedImmediate {
  guard let imm = ModifiedImmediate(exactly: value) else {
    preconditionFailure("0x\(String(value, radix: 16)) is not a modified immediate")
  }
  return imm
}

/// Emits `branch` to a new label, then `nops` nops, then binds the label.
func forward(
  _ a: inout Thumb2Assembler, _ nops: Int, _ branch: (inout Thumb2Assembler, Label) -> Void
) throws {
  let label = a.newLabel()
  branch(&a, label)
  for _ in 0..<nops { a.nop() }
  try a.bind(label)
}

/// Binds a new label, emits `nops` nops, then `branch` back to the label.
func back(
  _ a: inout Thumb2Assembler, _ nops: Int, _ branch: (inout Thumb2Assembler, Label) -> Void
) throws {
  let label = a.newLabel()
  try a.bind(label)
  for _ in 0..<nops { a.nop() }
  branch(&a, label)
}

/// Hex halfwords for failure messages: `f101 0001` for the bytes 01 f1 01 00.
func hex(_ bytes: [UInt8]) -> String {
  stride(from: 0, to: bytes.count - 1, by: 2).map { i in
    String(UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8, radix: 16)
  }.joined(separator: " ")
}
