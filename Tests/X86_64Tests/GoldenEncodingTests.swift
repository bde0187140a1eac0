import Testing

@testable import X86_64Port

/// Every instruction form against bytes produced by LLVM (see GoldenTables.swift).
@Suite struct GoldenEncodingTests {
  static func check(_ row: Golden) {
    #expect(row.form.intel == row.asm, "the form no longer renders to the text LLVM assembled")
    let got = row.form.encoded
    #expect(got == row.bytes, "\(row.asm): got \(hex(got)), LLVM \(hex(row.bytes))")
  }

  @Test(arguments: goldenMoves) func moves(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenLoadsStores) func loadsAndStores(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenExtensions) func extensions(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenLea) func lea(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenAlu) func alu(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenAluImmediate) func aluImmediate(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenTest) func test(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenShifts) func shifts(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenMulDiv) func mulDiv(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenIMulImmediate) func imulImmediate(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenConditions) func conditions(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenControlFlow) func controlFlow(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenStack) func stackAndMisc(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenWide) func wideExtensionsAndSwaps(_ row: Golden) { Self.check(row) }
  @Test(arguments: goldenAtomics) func atomics(_ row: Golden) { Self.check(row) }

  /// The tables really exercise the special cases they are meant to.
  @Test func tablesCoverEveryRegisterAsBaseAndIndex() {
    let all = goldenLoadsStores + goldenExtensions + goldenLea + goldenAlu + goldenAluImmediate
    var bases = Set<GPR>()
    var indexes = Set<GPR>()
    var displacements = Set<Int32>()
    for row in all {
      for m in row.form.memoryOperands {
        bases.insert(m.base)
        if let index = m.index { indexes.insert(index) }
        displacements.insert(m.displacement)
      }
    }
    #expect(bases == Set(GPR.allCases))
    #expect(indexes == Set(GPR.allCases).subtracting([.rsp]))
    #expect(displacements.isSuperset(of: [0, 127, -128, 128, -129, .max, .min]))
  }
}

extension Form {
  var memoryOperands: [Memory] {
    switch self {
    case .movRM(_, _, let m), .movMR(_, let m, _), .movMI(_, let m, _), .movzx8M(_, let m),
      .movzx16M(_, let m), .movsx8M(_, let m), .movsx16M(_, let m), .store8(let m, _),
      .store16(let m, _), .lea(_, _, let m), .aluRM(_, _, _, let m), .aluMR(_, _, let m, _),
      .aluMI(_, _, let m, _), .imulRM(_, _, let m), .jmpM(let m), .callM(let m):
      [m]
    default: []
    }
  }
}
