import Emulation
import KilnCore
import KilnIR
import KilnPort
import Testing

@testable import Thumb2Port

/// Round 4's lowering changes, run in Unicorn's Cortex-M4 against values
/// computed here in Swift: the register-offset load of `d = s ; d += t ;
/// d = *(d + 0)`, direct helpers with fewer than five arguments, and the
/// word facts passed in by the caller (`Thumb2Port.Hints`).
@Suite struct FusionTests {
  typealias R = FunctionIR.Register
  static func r(_ i: UInt8) -> R { R(i) }

  /// `sum of (signed) bytes of the context` with the byte read as
  /// `r0 = r1 ; r0 += r4 ; r0 = *(u8 *)(r0 + 0)`: proven by the range
  /// analysis (r4 in [0, L)), so one `ldrb r0, [r1, r4]`.
  static func byteSum(signed: Bool) -> FunctionIR.Function {
    let (r0, r1, r2, r3, r4) = (r(0), r(1), r(2), r(3), r(4))
    let loop = FunctionIR.Label(0)
    let done = FunctionIR.Label(1)
    return FunctionIR.Function(
      ops: [
        .constant(r3, 0),
        .branch(.equal, .w64, r2, .immediate(0), done),
        .constant(r4, 0),
        .label(loop),
        .alu(.move, .w64, r0, .register(r1)),
        .alu(.add, .w64, r0, .register(r4)),
        .load(r0, base: r0, offset: 0, size: 1, signExtend: signed, site: 0),
        .alu(.add, .w64, r3, .register(r0)),
        .alu(.add, .w64, r4, .immediate(1)),
        .branch(.lessThanUnsigned, .w64, r4, .register(r2), loop),
        .label(done),
        .alu(.move, .w64, r0, .register(r3)),
        .return,
      ], labelCount: 2)
  }

  /// Runs `code` (entry at offset 0 of `memory`) with `context` as region 1.
  static func run(
    _ executor: UnicornExecutor, _ memory: any CodeMemory, context: [UInt8]
  ) throws -> UInt64 {
    let stateSize = FunctionEnvironment.stateSize(regionCount: 2)
    let count = max(context.count, 1)
    let buffer = try executor.allocate(bytes: count)
    let state = try executor.allocate(bytes: stateSize)
    let frame = try executor.allocate(bytes: 512)
    defer {
      executor.deallocate(buffer, bytes: count)
      executor.deallocate(state, bytes: stateSize)
      executor.deallocate(frame, bytes: 512)
    }
    buffer.copyMemory(from: context, byteCount: context.count)
    state.initializeMemory(as: UInt8.self, repeating: 0, count: stateSize)
    func set(_ offset: Int32, _ value: UInt64) {
      state.storeBytes(of: value, toByteOffset: Int(offset), as: UInt64.self)
    }
    typealias Env = FunctionEnvironment
    let base = UInt64(UInt(bitPattern: buffer))
    let length = UInt64(context.count)
    set(Env.argument1, base)
    set(Env.argument2, length)
    set(Env.frameTop, UInt64(UInt(bitPattern: frame + 512)))
    set(Env.callDepth, 1)
    set(Env.regionBase(Env.stackRegion), UInt64(UInt(bitPattern: frame)))
    set(Env.regionBase(Env.contextRegion), base)
    for s in [1, 2, 4, 8] {
      set(Env.regionLimit(Env.stackRegion, size: s), UInt64(512 - s + 1))
      set(Env.regionLimit(Env.contextRegion, size: s), length >= s ? length - UInt64(s) + 1 : 0)
    }
    return try executor.call(memory.address, UInt(bitPattern: state), 0)
  }

  static let contexts: [[UInt8]] = [
    [], [0x7F], [0x80, 0xFF, 0x01], (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) },
  ]

  @Test(arguments: [false, true], contexts)
  func indexedLoadSumsTheContext(signed: Bool, context: [UInt8]) throws {
    var f = Self.byteSum(signed: signed)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: true, maxCallDepth: 1)
    f.analyzeRanges(frameSize: environment.frameSize)
    #expect(f.accessFact(site: 0) == .proven)
    let bytes = try Thumb2Port.compile(f, environment: environment, baseAddress: 0)
    let executor = try UnicornExecutor(port: Thumb2Port.facts)
    let memory = try executor.makeCodeMemory(capacity: bytes.count, port: Thumb2Port.facts)
    memory.install(bytes, at: 0)
    let expected = context.reduce(UInt64(0)) { sum, b in
      sum &+ (signed ? UInt64(bitPattern: Int64(Int8(bitPattern: b))) : UInt64(b))
    }
    #expect(try Self.run(executor, memory, context: context) == expected)
  }

  /// The fused form is one register-offset load (Capstone reads it back).
  @Test(arguments: [false, true])
  func indexedLoadIsOneInstruction(signed: Bool) throws {
    var f = Self.byteSum(signed: signed)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: true, maxCallDepth: 1)
    f.analyzeRanges(frameSize: environment.frameSize)
    let code = try Thumb2Port.compile(f, environment: environment, baseAddress: 0)
    let insns = try #require(CapstoneTests.disassemble(code))
    let mnemonic = signed ? "ldrsb" : "ldrb"
    let loads = insns.filter { $0.0.hasPrefix(mnemonic) }
    #expect(loads.count == 1)
    // `ldrb rT, [rN, rM]`: two registers inside the brackets.
    #expect(loads.allSatisfy { $0.1.split(separator: "[").last?.contains(", r") == true })
  }

  /// With the range analysis' facts unknown to the port (every access
  /// checked) the three operations stay apart and the check still fails
  /// past the end: the byte at `r1 + L` is outside the context.
  @Test func checkedLoadIsNotFused() throws {
    let (r0, r1, r2) = (Self.r(0), Self.r(1), Self.r(2))
    let f = FunctionIR.Function(
      ops: [
        .alu(.move, .w64, r0, .register(r1)),
        .alu(.add, .w64, r0, .register(r2)),
        .load(r0, base: r0, offset: 0, size: 1, signExtend: false, site: 0),
        .return,
      ], labelCount: 0)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: true, maxCallDepth: 1)
    let bytes = try Thumb2Port.compile(f, environment: environment, baseAddress: 0)
    let executor = try UnicornExecutor(port: Thumb2Port.facts)
    let memory = try executor.makeCodeMemory(capacity: bytes.count, port: Thumb2Port.facts)
    memory.install(bytes, at: 0)
    // The failed check returns 0 and records the status (out of bounds).
    #expect(try Self.run(executor, memory, context: [1, 2, 3]) == 0)
  }

  /// A direct helper of one argument: only r1 is passed (r0:r1), r3–r5
  /// need not be whole 64-bit values (they may live in one host register),
  /// and a 32-bit result zero-extended in the IR ignores the garbage the
  /// helper leaves in r1. The helper, written here: `r0 = r0 + 7 ; r1 =
  /// 0xFFFFFFFF ; bx lr`.
  @Test(arguments: [0 as UInt64, 5, 0xFFFF_FFF0])
  func directHelperOfOneArgument(_ x: UInt64) throws {
    let (r0, r1, r2, r3, r4, r5, r6) = (
      Self.r(0), Self.r(1), Self.r(2), Self.r(3), Self.r(4), Self.r(5), Self.r(6)
    )
    let executor = try UnicornExecutor(port: Thumb2Port.facts)
    let memory = try executor.makeCodeMemory(capacity: 8192, port: Thumb2Port.facts)
    var h = Thumb2Assembler()
    h.add(.r0, .r0, imm: ModifiedImmediate(exactly: 7)!)
    h.mvn(.r1, imm: ModifiedImmediate(exactly: 0)!)
    h.bx(.lr)
    let helperOffset = 4096
    memory.install(try h.finish(), at: helperOffset)
    var environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: true, maxCallDepth: 1)
    environment.directHelpers = [1: UInt64(memory.address) + UInt64(helperOffset) + 1]
    // r1 = x ; r3, r4, r5 = small values ; r0 = helper(r1) ; r0 = zext32(r0)
    // r6 = r0 + r3 + r4 + r5 (r3–r5 as the function left them: this JIT
    // keeps them across the call; eBPF only says they are clobbered).
    let f = FunctionIR.Function(
      ops: [
        .constant(r1, x), .constant(r2, 0x1_0000_0000), .constant(r3, 1), .constant(r4, 2),
        .constant(r5, 3),
        .callHelper(id: 1, site: 0),
        .zeroExtend(r0, bits: 32),
        .alu(.move, .w64, r6, .register(r0)),
        .alu(.add, .w64, r6, .register(r3)),
        .alu(.add, .w64, r6, .register(r4)),
        .alu(.add, .w64, r6, .register(r5)),
        .alu(.move, .w64, r0, .register(r6)),
        .return,
      ], labelCount: 0)
    let bytes = try Thumb2Port.compile(
      f, environment: environment, baseAddress: 0,
      hints: Thumb2Port.Hints(helperArguments: [1: 1]))
    memory.install(bytes, at: 0)
    let helperResult = UInt64(UInt32(truncatingIfNeeded: x &+ 7))
    #expect(try Self.run(executor, memory, context: []) == helperResult + 6)
  }

  @Test func helperArgumentCountsAreChecked() {
    let f = FunctionIR.Function(ops: [.return], labelCount: 0)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: true, maxCallDepth: 1)
    #expect(throws: CodeGenError.self) {
      try Thumb2Port.compile(
        f, environment: environment, baseAddress: 0,
        hints: Thumb2Port.Hints(helperArguments: [1: 6]))
    }
  }

  /// The word facts a caller passes are the ones the port computes: the
  /// same code either way (and one analysis run gives both kinds of fact).
  @Test(arguments: [false, true])
  func passedWordFactsGiveTheSameCode(signed: Bool) throws {
    var f = Self.byteSum(signed: signed)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: true, maxCallDepth: 1)
    let both = FunctionIR.RangeAnalysis.factsAndWordFacts(
      for: f, frameSize: environment.frameSize, lengthFits: true)
    #expect(both.facts == FunctionIR.RangeAnalysis.facts(for: f, frameSize: environment.frameSize))
    #expect(
      both.words
        == FunctionIR.RangeAnalysis.wordFacts(
          for: f, frameSize: environment.frameSize, lengthFits: true))
    f.accessFacts = both.facts
    let plain = try Thumb2Port.compile(f, environment: environment, baseAddress: 0)
    let hinted = try Thumb2Port.compile(
      f, environment: environment, baseAddress: 0, hints: Thumb2Port.Hints(wordFacts: both.words))
    #expect(plain == hinted)
    // Facts of another length are ignored.
    let wrong = try Thumb2Port.compile(
      f, environment: environment, baseAddress: 0, hints: Thumb2Port.Hints(wordFacts: [0]))
    #expect(wrong == plain)
  }
}
