import Emulation
import KilnCore
import KilnIR
import KilnPort
import Testing

@testable import Thumb2Port

/// Round 5's fusions, run in Unicorn's Cortex-M4 against values computed
/// here in Swift: `t *= c ; d -= t` as `mls` with a constant register
/// (`MultiplyAccumulate.swift`), `d <<= n ; d |= s` as one `orr` with a
/// shifted operand, and a direct helper's argument and result moves
/// (`MoveFusions.swift`); and the guards that keep them from firing
/// where the dropped write would be seen.
@Suite struct MoveFusionTests {
  typealias R = FunctionIR.Register
  typealias Op = FunctionIR.Op
  static func r(_ i: UInt8) -> R { R(i) }
  static let environment = FunctionEnvironment(
    writable: [true, true], boundsChecks: true, maxCallDepth: 1)

  static func compileAndRun(
    _ f: FunctionIR.Function, context: [UInt8], helperArguments: [UInt32: Int] = [:],
    helper: Bool = false
  ) throws -> (result: UInt64, code: [(String, String)]) {
    var f = f
    var environment = Self.environment
    let executor = try UnicornExecutor(port: Thumb2Port.facts)
    let memory = try executor.makeCodeMemory(capacity: 8192, port: Thumb2Port.facts)
    if helper {
      // The helper: `r0 = r0 + 7 ; r1 = 0xFFFFFFFF ; bx lr` (a 32-bit
      // result with garbage in r1).
      var h = Thumb2Assembler()
      h.add(.r0, .r0, imm: try #require(ModifiedImmediate(exactly: 7)))
      h.mvn(.r1, imm: try #require(ModifiedImmediate(exactly: 0)))
      h.bx(.lr)
      memory.install(try h.finish(), at: 4096)
      environment.directHelpers = [1: UInt64(memory.address) + 4096 + 1]
    }
    f.analyzeRanges(frameSize: environment.frameSize)
    let bytes = try Thumb2Port.compile(
      f, environment: environment, baseAddress: 0,
      hints: Thumb2Port.Hints(helperArguments: helperArguments))
    memory.install(bytes, at: 0)
    let code = try #require(CapstoneTests.disassemble(bytes))
    return (try FusionTests.run(executor, memory, context: context), code)
  }

  // MARK: Multiply-subtract with a constant register

  /// `acc ∓= byte · c` over the context (`w0 *= c ; w3 -= w0`, then `w0 =
  /// w3` overwrites the dead w0); `keep`: w0 is read after the pair (r5 +=
  /// r0), so the pair must not fuse.
  static func multiplyAccumulate(_ c: Int32, subtract: Bool, keep: Bool) -> FunctionIR.Function {
    let (r0, r1, r2, r3, r4, r5) = (r(0), r(1), r(2), r(3), r(4), r(5))
    let loop = FunctionIR.Label(0)
    let done = FunctionIR.Label(1)
    var body: [Op] = [
      .alu(.move, .w64, r0, .register(r1)),
      .alu(.add, .w64, r0, .register(r4)),
      .load(r0, base: r0, offset: 0, size: 1, signExtend: false, site: 0),
      .alu(.multiply, .w32, r0, .immediate(c)),
      .alu(subtract ? .sub : .add, .w32, r3, .register(r0)),
    ]
    if keep { body.append(.alu(.add, .w64, r5, .register(r0))) }
    body += [
      .alu(.move, .w32, r0, .register(r3)),
      .alu(.add, .w64, r4, .immediate(1)),
      .branch(.lessThanUnsigned, .w64, r4, .register(r2), loop),
    ]
    return FunctionIR.Function(
      ops: [.constant(r3, 0), .constant(r5, 0), .constant(r4, 0), .constant(r0, 0)]
        + [.branch(.equal, .w64, r2, .immediate(0), done), .label(loop)] + body
        + [.label(done), .alu(.add, .w64, r0, .register(r5)), .return],
      labelCount: 2)
  }

  static let bytes: [UInt8] = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }

  @Test(arguments: [255, 100, -3, 0x12345] as [Int32], [false, true])
  func multiplySubtractUsesMLS(c: Int32, keep: Bool) throws {
    for subtract in [true, false] {
      let f = Self.multiplyAccumulate(c, subtract: subtract, keep: keep)
      let (result, code) = try Self.compileAndRun(f, context: Self.bytes)
      var acc: UInt32 = 0
      var kept: UInt64 = 0
      for b in Self.bytes {
        let t = UInt32(b) &* UInt32(bitPattern: c)
        acc = subtract ? acc &- t : acc &+ t
        kept &+= UInt64(t)
      }
      #expect(result == UInt64(acc) &+ (keep ? kept : 0), "c \(c) subtract \(subtract)")
      let fused = code.filter { $0.0 == (subtract ? "mls" : "mla") }.count
      #expect(fused == (keep ? 0 : 1), "c \(c) subtract \(subtract): \(code)")
    }
  }

  @Test func overwriteScanStopsAtReadsAndControlFlow() {
    let (r0, r1, r3) = (Self.r(0), Self.r(1), Self.r(3))
    typealias A = RegisterAllocation
    #expect(A.isOverwrittenBeforeRead(r0, [.alu(.move, .w32, r0, .register(r3))], from: 0) == 0)
    #expect(A.isOverwrittenBeforeRead(r0, [.alu(.add, .w32, r0, .register(r3))], from: 0) == nil)
    #expect(A.isOverwrittenBeforeRead(r0, [.alu(.add, .w32, r3, .register(r0))], from: 0) == nil)
    #expect(
      A.isOverwrittenBeforeRead(
        r0,
        [.store(base: r1, offset: 0, size: 4, value: .register(r3), site: 0), .constant(r0, 1)],
        from: 0) == 1)
    #expect(
      A.isOverwrittenBeforeRead(r0, [.label(FunctionIR.Label(0)), .constant(r0, 1)], from: 0)
        == nil)
    #expect(A.isOverwrittenBeforeRead(r0, [.return], from: 0) == nil)
    #expect(A.isOverwrittenBeforeRead(r0, [], from: 0) == nil)
  }

  /// A pair whose old value does not fit 32 bits may stay unwritten only
  /// until a write that sets both words.
  @Test func staleHighWordsAreGuarded() {
    let r0 = Self.r(0)
    typealias A = RegisterAllocation
    let homes = [A.Home](repeating: .slot, count: 10)
    let ops: [Op] = [
      .constant(r0, 1), .constant(r0, UInt64(bitPattern: -2)), .alu(.move, .w32, r0, .immediate(5)),
    ]
    // Fits before the overwrite (a `writeLow` keeping the high word): not
    // harmless unless the old value fits too.
    #expect(!A.staleIsHarmless(r0, ops, homes: homes, fits: [0, 1, 1], kept: 0, overwrite: 2))
    #expect(A.staleIsHarmless(r0, ops, homes: homes, fits: [1, 1, 1], kept: 0, overwrite: 2))
    #expect(A.staleIsHarmless(r0, ops, homes: homes, fits: [0, 1, 0], kept: 0, overwrite: 2))
    // A 64-bit constant is written whole.
    #expect(A.staleIsHarmless(r0, ops, homes: homes, fits: [0, 1, 1], kept: 0, overwrite: 1))
    var narrow = homes
    narrow[0] = .narrow(.r4)
    #expect(A.staleIsHarmless(r0, ops, homes: narrow, fits: [0, 0, 1], kept: 0, overwrite: 2))
  }

  // MARK: Shift then or

  /// `w3 <<= 1 ; w3 |= w0` per context byte (bit 0 of the byte): the bits
  /// packed, most significant first, as DHT22's decoder does.
  @Test(arguments: [1, 3, 31] as [Int32])
  func shiftThenOrIsOneInstruction(n: Int32) throws {
    let (r0, r1, r2, r3, r4) = (Self.r(0), Self.r(1), Self.r(2), Self.r(3), Self.r(4))
    let loop = FunctionIR.Label(0)
    let done = FunctionIR.Label(1)
    let f = FunctionIR.Function(
      ops: [
        .constant(r3, 0), .constant(r4, 0),
        .branch(.equal, .w64, r2, .immediate(0), done),
        .label(loop),
        .alu(.move, .w64, r0, .register(r1)),
        .alu(.add, .w64, r0, .register(r4)),
        .load(r0, base: r0, offset: 0, size: 1, signExtend: false, site: 0),
        .alu(.and, .w32, r0, .immediate(1)),
        .alu(.shiftLeft, .w32, r3, .immediate(n)),
        .alu(.or, .w32, r3, .register(r0)),
        .alu(.add, .w64, r4, .immediate(1)),
        .branch(.lessThanUnsigned, .w64, r4, .register(r2), loop),
        .label(done),
        .alu(.move, .w64, r0, .register(r3)),
        .return,
      ], labelCount: 2)
    let (result, code) = try Self.compileAndRun(f, context: Self.bytes)
    var acc: UInt32 = 0
    for b in Self.bytes { acc = acc << UInt32(n) | UInt32(b & 1) }
    #expect(result == UInt64(acc))
    // Capstone spells the 32-bit encoding `orr.w`.
    #expect(code.contains { $0.0.hasPrefix("orr") && $0.1.hasSuffix("lsl #\(n)") })
  }

  // MARK: Helper argument and result

  /// `r6 = x ; r1 = r6 ; call 1 ; r0 = zext32(r0) ; r1 = r0 ; r0 = k ;
  /// r1 += r6 ; r0 += r1`. `before`: r0's value before the call (a pair
  /// holding a 64-bit value); `k` as a 64-bit constant (written whole) or
  /// as `w0 = k` (only the low word where r0 fits: the result may not skip
  /// r0 then).
  static func helperFunction(x: UInt64, before: Int64, wideK: Bool) -> FunctionIR.Function {
    let (r0, r1, r6) = (r(0), r(1), r(6))
    return FunctionIR.Function(
      ops: [
        .constant(r0, UInt64(bitPattern: before)),
        .constant(r6, x),
        .alu(.move, .w64, r1, .register(r6)),
        .callHelper(id: 1, site: 0),
        .zeroExtend(r0, bits: 32),
        .alu(.move, .w64, r1, .register(r0)),
        wideK ? .constant(r0, UInt64(bitPattern: -2)) : .alu(.move, .w32, r0, .immediate(5)),
        .alu(.add, .w64, r1, .register(r6)),
        .alu(.add, .w64, r0, .register(r1)),
        .return,
      ], labelCount: 0)
  }

  @Test(arguments: [0 as UInt64, 5, 0xFFFF_FFF0], [false, true])
  func helperArgumentAndResultMoves(x: UInt64, wideK: Bool) throws {
    for before: Int64 in [-1, 3] {
      let f = Self.helperFunction(x: x, before: before, wideK: wideK)
      let (result, _) = try Self.compileAndRun(
        f, context: [], helperArguments: [1: 1], helper: true)
      let k: UInt64 = wideK ? UInt64(bitPattern: -2) : 5
      let expected = k &+ UInt64(UInt32(truncatingIfNeeded: x &+ 7)) &+ x
      #expect(result == expected, "x \(x) before \(before) wide \(wideK)")
    }
  }

  // MARK: Constants on branch edges, lr across calls

  /// `r0 = -2 ; if r2 < 15 goto bad ; if r2 > 100 goto bad ; r0 = r2`
  /// (`live`: `r0 += r2` instead, which reads the constant on the
  /// fall-through path too), r2 = the context's length.
  static func sunkConstant(live: Bool) -> FunctionIR.Function {
    let (r0, r2) = (r(0), r(2))
    let bad = FunctionIR.Label(0)
    return FunctionIR.Function(
      ops: [
        .constant(r0, UInt64(bitPattern: -2)),
        .branch(.lessThanUnsigned, .w64, r2, .immediate(15), bad),
        .branch(.greaterThanUnsigned, .w64, r2, .immediate(100), bad),
        .alu(live ? .add : .move, .w64, r0, .register(r2)),
        .return,
        .label(bad),
        .return,
      ], labelCount: 1)
  }

  @Test(arguments: [0, 14, 15, 50, 100, 101, 150], [false, true])
  func constantOnBranchEdges(length: Int, live: Bool) throws {
    let (result, code) = try Self.compileAndRun(
      Self.sunkConstant(live: live), context: [UInt8](repeating: 1, count: length))
    let minus2 = UInt64(bitPattern: -2)
    let good = live ? minus2 &+ UInt64(length) : UInt64(length)
    #expect(result == (length < 15 || length > 100 ? minus2 : good))
    // Sunk: the constant (`mvn rX, #1`) is written only after the body
    // (`udf`), on the edges; live: in the body.
    let udf = try #require(code.firstIndex { $0.0 == "udf" })
    let constants = code.indices.filter {
      code[$0].0.hasPrefix("mvn") && code[$0].1.hasSuffix("#1")
    }
    #expect(!constants.isEmpty)
    #expect(constants.allSatisfy { ($0 > udf) == !live }, "\(code.map { $0.0 + " " + $0.1 })")
  }

  /// Ten registers live across a direct helper call, one of them in lr
  /// (saved and restored around the `blx`), all summed after it.
  @Test func lrSurvivesACallWhenLive() throws {
    var ops: [Op] = (0..<10).map { .constant(Self.r(UInt8($0)), UInt64($0) &* 0x101) }
    ops += [
      .constant(Self.r(1), 40),
      .callHelper(id: 1, site: 0),
      .zeroExtend(Self.r(0), bits: 32),
    ]
    for i: UInt8 in 1...9 { ops.append(.alu(.add, .w64, Self.r(0), .register(Self.r(i)))) }
    ops.append(.return)
    let f = FunctionIR.Function(ops: ops, labelCount: 0)
    let (result, code) = try Self.compileAndRun(
      f, context: [], helperArguments: [1: 1], helper: true)
    let expected = (2...9).reduce(UInt64(47 + 40)) { $0 &+ UInt64($1) &* 0x101 }
    #expect(result == expected)
    #expect(code.contains { $0.0.hasPrefix("str") && $0.1.hasPrefix("lr") })
  }
}
