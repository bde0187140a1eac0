import Testing

@testable import Thumb2Port

/// Every instruction form against bytes produced by LLVM (see GoldenTables.swift).
@Suite struct GoldenEncodingTests {
  static func check(_ row: Golden) throws {
    let got = try row.encoded
    if row.branch {
      let end = row.at + row.bytes.count
      try #require(got.count >= end, "\(row.asm): only \(got.count) bytes")
      let slice = Array(got[row.at..<end])
      #expect(slice == row.bytes, "\(row.asm): got \(hex(slice)), LLVM \(hex(row.bytes))")
    } else {
      #expect(got == row.bytes, "\(row.asm): got \(hex(got)), LLVM \(hex(row.bytes))")
    }
  }

  @Test(arguments: goldenDataRegister) func dataRegister(_ row: Golden) throws {
    try Self.check(row)
  }
  @Test(arguments: goldenDataImmediate) func dataImmediate(_ row: Golden) throws {
    try Self.check(row)
  }
  @Test(arguments: goldenMov32) func mov32(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenShifts) func shifts(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenCompare) func compare(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenMulDiv) func mulDiv(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenBytes) func bytes(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenLoadStore) func loadStore(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenSystem) func system(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenItBlocks) func itBlocks(_ row: Golden) throws { try Self.check(row) }
  @Test(arguments: goldenBranches) func branches(_ row: Golden) throws { try Self.check(row) }

  /// The tables exercise what they are meant to: every register r0–r12 and
  /// lr in each group of register forms, sp where the group has an sp form.
  @Test func tablesCoverEveryRegister() {
    let groups: [(String, [Golden], sp: Bool)] = [
      ("dataRegister", goldenDataRegister, true), ("dataImmediate", goldenDataImmediate, true),
      ("shifts", goldenShifts, false), ("compare", goldenCompare, true),
      ("mulDiv", goldenMulDiv, false), ("bytes", goldenBytes, false),
      ("loadStore", goldenLoadStore, true), ("system", goldenSystem, true),
      ("mov32", goldenMov32, false),
    ]
    for (name, rows, sp) in groups {
      var seen = Set<String>()
      for row in rows {
        for word in row.asm.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
          seen.insert(String(word))
        }
      }
      let wanted = (0...12).map { "r\($0)" } + ["lr"] + (sp ? ["sp"] : [])
      let missing = wanted.filter { !seen.contains($0) }
      #expect(missing.isEmpty, "\(name) never uses \(missing)")
    }
  }
}
