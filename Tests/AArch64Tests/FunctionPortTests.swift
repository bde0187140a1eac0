import AArch64Port
import KilnIR
import KilnPort
import Testing

/// Instruction selection of the function half that the eBPF test matrix
/// (which runs the code in Unicorn) cannot see: which atomic instructions
/// each ``CPUFeatures`` value selects. Their behaviour is tested by the
/// eBPF rows "jit[AArch64 (unicorn)]" (LSE) and "jit[AArch64 v8.0 (unicorn)]".
@Suite struct FunctionPortTests {
  /// Every atomic form on 4 and 8 bytes at [r10 - 8], then `return`.
  static let atomics: FunctionIR.Function = {
    var ops: [FunctionIR.Op] = []
    let ops8: [(FunctionIR.Atomic, Bool)] = [
      (.add, false), (.add, true), (.or, false), (.or, true), (.and, false), (.and, true),
      (.xor, false), (.xor, true), (.xchg, true), (.cmpxchg, true),
    ]
    for size in [4, 8] {
      for (op, fetch) in ops8 {
        ops.append(
          .atomic(
            op, fetch: fetch, size: size, base: .r10, offset: -8, source: FunctionIR.Register(1),
            site: ops.count))
      }
    }
    ops.append(.return)
    return FunctionIR.Function(ops: ops, labelCount: 0)
  }()

  static func words(_ features: CPUFeatures, checks: Bool) throws -> [UInt32] {
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: checks, maxCallDepth: 8)
    let bytes = try AArch64Port.compile(
      atomics, environment: environment, features: features, baseAddress: 0x1000)
    #expect(bytes.count % 4 == 0)
    return stride(from: 0, to: bytes.count, by: 4).map { i in
      (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * $1) }
    }
  }

  /// LDADD/LDCLR/LDEOR/LDSET/SWP (any size, ordering, registers).
  static func isLSE(_ w: UInt32) -> Bool { w & 0x3F20_0C00 == 0x3820_0000 }
  /// CAS (any size and ordering).
  static func isCAS(_ w: UInt32) -> Bool { w & 0x3FA0_7C00 == 0x08A0_7C00 }
  /// LDXR/LDAXR.
  static func isLoadExclusive(_ w: UInt32) -> Bool { w & 0x3FFF_7C00 == 0x085F_7C00 }
  /// STXR/STLXR.
  static func isStoreExclusive(_ w: UInt32) -> Bool { w & 0x3FE0_7C00 == 0x0800_7C00 }

  @Test(arguments: [true, false])
  func lseSelectsSingleInstructions(checks: Bool) throws {
    let w = try Self.words(.max, checks: checks)
    // 20 atomics: 18 LSE read-modify-writes (and/and-fetch use ldclr), 2 cas.
    #expect(w.filter(Self.isLSE).count == 18)
    #expect(w.filter(Self.isCAS).count == 2)
    #expect(!w.contains(where: Self.isLoadExclusive))
    #expect(!w.contains(where: Self.isStoreExclusive))
  }

  @Test(arguments: [true, false])
  func armv8_0SelectsExclusiveLoops(checks: Bool) throws {
    let w = try Self.words(.armv8_0, checks: checks)
    #expect(w.filter(Self.isLoadExclusive).count == 20)
    #expect(w.filter(Self.isStoreExclusive).count == 20)
    #expect(!w.contains(where: Self.isLSE))
    #expect(!w.contains(where: Self.isCAS))
  }

  /// The register map the CLI prints comes from `FunctionABI`.
  @Test func registerMapNamesEveryIRRegister() {
    let rows = AArch64Port.facts.registerMap.map(\.functions)
    #expect(rows[7] == "r0 (result)")
    #expect(rows[0] == "r1 (argument 1)")
    #expect(rows[19] == "r6 (callee-saved)")
    #expect(rows[25] == "r10 (frame pointer)")
    #expect(rows[26] == "state block pointer")
  }
}
