import CCapstone
import Testing

@testable import Thumb2Port

/// Capstone (ARM, THUMB | MCLASS), the disassembler of `-v` dumps, as a
/// second outside reader: every instruction the golden rows emit decodes as
/// one valid M-profile instruction, as many as the row's text has.
@Suite struct CapstoneTests {
  /// (mnemonic, operands) of each instruction in `code`, nil if Capstone
  /// stops before the end.
  static func disassemble(_ code: [UInt8]) -> [(String, String)]? {
    var handle: csh = 0
    let mode = CS_MODE_THUMB.rawValue | CS_MODE_MCLASS.rawValue
    guard cs_open(CS_ARCH_ARM, cs_mode(mode), &handle) == CS_ERR_OK else { return nil }
    defer { cs_close(&handle) }
    var insns: UnsafeMutablePointer<cs_insn>?
    let count = code.withUnsafeBufferPointer {
      cs_disasm(handle, $0.baseAddress, $0.count, 0x1000, 0, &insns)
    }
    guard count > 0, let insns else { return nil }
    defer { cs_free(insns, count) }
    var result: [(String, String)] = []
    var decoded = 0
    for i in 0..<count {
      var insn = insns[i]
      let text = { (raw: UnsafeRawBufferPointer) in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      result.append(
        (withUnsafeBytes(of: &insn.mnemonic, text), withUnsafeBytes(of: &insn.op_str, text)))
      decoded += Int(insn.size)
    }
    return decoded == code.count ? result : nil
  }

  static let rows =
    goldenDataRegister + goldenDataImmediate + goldenMov32 + goldenShifts + goldenCompare
    + goldenMulDiv + goldenBytes + goldenLoadStore + goldenSystem + goldenItBlocks

  @Test func everyEmittedFormDecodes() throws {
    var failures: [String] = []
    for row in Self.rows {
      let code = try row.encoded
      guard let insns = Self.disassemble(code) else {
        failures.append("\(row.asm): Capstone cannot decode \(hex(code))")
        continue
      }
      let expected = row.asm.split(separator: ";").count
      if insns.count != expected {
        failures.append("\(row.asm): \(insns.count) instructions \(insns)")
      }
    }
    #expect(
      failures.isEmpty, "\(failures.count) rows:\n\(failures.prefix(20).joined(separator: "\n"))")
    #expect(Self.rows.count > 1000)
  }

  /// The mnemonics agree with LLVM's text for a few forms whose names both print alike.
  @Test(arguments: [
    ("adds r0, r1, r2", "adds"), ("add.w r0, r1, r2", "add.w"), ("udiv r0, r1, r2", "udiv"),
    ("ldrd r0, r1, [r2, #8]", "ldrd"), ("mrs r0, primask", "mrs"), ("cpsid i", "cpsid"),
  ])
  func mnemonics(_ text: String, _ mnemonic: String) throws {
    var a = Thumb2Assembler()
    switch mnemonic {
    case "adds": a.adds(.r0, .r1, .r2)
    case "add.w": a.add(.r0, .r1, .r2)
    case "udiv": a.udiv(.r0, .r1, .r2)
    case "ldrd": a.ldrd(.r0, .r1, .r2, 8)
    case "mrs": a.mrsPrimask(.r0)
    default: a.cpsid()
    }
    let insns = try #require(Self.disassemble(try a.finish()))
    #expect(insns.count == 1)
    #expect(insns.first?.0 == mnemonic, "\(text): \(insns)")
  }
}
