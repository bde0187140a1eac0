import AArch64Port
import Emulation
import KilnCore
import KilnIR
import KilnPort
import Testing

/// Every ``BinaryOperation`` and ``Condition`` at both widths, compiled by
/// the AArch64 port's ``FunctionIR`` lowering and run in Unicorn, against
/// KilnIR's reference semantics (itself checked against hand-worked tables
/// in KilnIRTests): the operations eBPF never produces (RISC-V division,
/// high products, set-less-than) included. Operands are edge values; every
/// register other than the destination must keep its value.
@Suite("AArch64 FunctionIR vocabulary")
struct FunctionVocabularyTests {
  static let values: [UInt64] = [
    0, 1, 2, 5, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0005,
    0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFB, 0xFFFF_FFFF_FFFF_FFFF,
  ]
  static let immediates: [Int32] = [0, 1, -1, 2, 5, 31, 32, 33, 63, 64, .max, .min]
  /// (dst, src): r0 (x7), arguments (x0–x4), callee-saved (x19…), the same register.
  static let pairs: [(UInt8, UInt8)] = [(0, 2), (3, 4), (4, 3), (4, 0), (6, 0), (6, 3), (5, 5)]
  /// Registers that hold a known value through the operation (never r1,
  /// the context pointer, nor r10).
  static let bystanders: [UInt8] = [0, 2, 3, 4, 5, 6, 7, 8, 9]

  @Test(arguments: BinaryOperation.allCases, KilnIR.Width.allCases)
  func registerOperand(_ op: BinaryOperation, _ width: KilnIR.Width) throws {
    for (d, s) in Self.pairs {
      let run = try Runner(dst: d, src: s) { dst, src in
        .alu(op, width, dst, .register(src))
      }
      for a in Self.values {
        for b in Self.values {
          let expected = op.evaluate(a, d == s ? a : b, width: width)
          let result = try run(a, b)
          #expect(result.dst == expected, "r\(d) = r\(d) \(op) r\(s) \(width): \(a), \(b)")
          #expect(result.othersKept, "r\(d) = r\(d) \(op) r\(s) \(width) clobbered a register")
        }
      }
    }
  }

  @Test(arguments: BinaryOperation.allCases, KilnIR.Width.allCases)
  func immediateOperand(_ op: BinaryOperation, _ width: KilnIR.Width) throws {
    for d: UInt8 in [0, 3, 4, 6] {
      for i in Self.immediates {
        let run = try Runner(dst: d, src: nil) { dst, _ in .alu(op, width, dst, .immediate(i)) }
        // A 64-bit operation sign-extends the immediate; a 32-bit one takes its bits.
        let b = width == .w64 ? UInt64(bitPattern: Int64(i)) : UInt64(UInt32(bitPattern: i))
        for a in Self.values {
          let result = try run(a, 0)
          #expect(result.dst == op.evaluate(a, b, width: width), "r\(d) \(op) \(i) \(width): \(a)")
          #expect(result.othersKept, "r\(d) \(op) \(i) \(width) clobbered a register")
        }
      }
    }
  }

  @Test(arguments: KilnIR.Condition.allCases, KilnIR.Width.allCases)
  func branch(_ c: KilnIR.Condition, _ width: KilnIR.Width) throws {
    let taken = FunctionIR.Label(0)
    // r0 = 1 if the branch is taken, else 0.
    let register = try Runner(dst: 6, src: 3) { dst, src in
      .branch(c, width, dst, .register(src), taken)
    }
    for a in Self.values {
      for b in Self.values {
        #expect(
          try register.branch(a, b) == c.holds(a, b, width: width), "\(c) \(width): \(a), \(b)")
      }
    }
    for i in Self.immediates {
      let run = try Runner(dst: 6, src: nil) { dst, _ in
        .branch(c, width, dst, .immediate(i), taken)
      }
      let b = width == .w64 ? UInt64(bitPattern: Int64(i)) : UInt64(UInt32(bitPattern: i))
      for a in Self.values {
        #expect(try run.branch(a, 0) == c.holds(a, b, width: width), "\(c) \(width): \(a), #\(i)")
      }
    }
  }
}

/// One compiled function, run natively with fresh operands each time:
///
///     bystanders = known values
///     src = [r1 + 8] ; dst = [r1]            (the context holds a, b)
///     <operation>
///     [r1 + 16] = dst ; [r1 + 24 + 8i] = bystander i ; return
///
/// For a branch, the operation jumps to label 0, which stores 1 at [r1 + 16]
/// (0 when not taken).
struct Runner {
  let executor: UnicornExecutor
  let code: any CodeMemory
  let dst: UInt8
  let others: [UInt8]
  static let sentinel: UInt64 = 0x5A5A_0000_0000_0000

  init(
    dst: UInt8, src: UInt8?,
    _ operation: (FunctionIR.Register, FunctionIR.Register) -> FunctionIR.Op
  ) throws {
    executor = try UnicornExecutor(port: AArch64Port.facts)
    self.dst = dst
    others = FunctionVocabularyTests.bystanders.filter { $0 != dst && $0 != src }
    let r1 = FunctionIR.Register(1)
    let d = FunctionIR.Register(dst)
    let s = FunctionIR.Register(src ?? dst)
    var ops: [FunctionIR.Op] = others.map {
      .constant(FunctionIR.Register($0), Self.sentinel + UInt64($0))
    }
    if let src, src != dst {
      ops.append(.load(s, base: r1, offset: 8, size: 8, signExtend: false, site: 0))
    }
    ops.append(.load(d, base: r1, offset: 0, size: 8, signExtend: false, site: 0))
    let operation = operation(d, s)
    ops.append(operation)
    var labelCount = 0
    if case .branch = operation {
      labelCount = 2
      let done = FunctionIR.Label(1)
      ops += [
        .constant(d, 0), .jump(done), .label(FunctionIR.Label(0)), .constant(d, 1),
        .label(done),
      ]
    }
    ops.append(.store(base: r1, offset: 16, size: 8, value: .register(d), site: 0))
    for (i, r) in others.enumerated() {
      ops.append(
        .store(
          base: r1, offset: Int32(24 + 8 * i), size: 8, value: .register(FunctionIR.Register(r)),
          site: 0))
    }
    ops.append(.return)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: false, maxCallDepth: 1)
    let bytes = try AArch64Port.compile(
      FunctionIR.Function(ops: ops, labelCount: labelCount), environment: environment,
      baseAddress: 0)
    code = try executor.makeCodeMemory(capacity: bytes.count, port: AArch64Port.facts)
    code.install(bytes, at: 0)
  }

  struct Result {
    var dst: UInt64
    var othersKept: Bool
  }

  func callAsFunction(_ a: UInt64, _ b: UInt64) throws -> Result {
    let contextBytes = 8 * (3 + others.count)
    let stateSize = FunctionEnvironment.stateSize(regionCount: 2)
    let rawContext = try executor.allocate(bytes: contextBytes)
    let context = rawContext.bindMemory(to: UInt64.self, capacity: 3 + others.count)
    let state = try executor.allocate(bytes: stateSize)
    let frame = try executor.allocate(bytes: 512)
    defer {
      executor.deallocate(rawContext, bytes: contextBytes)
      executor.deallocate(state, bytes: stateSize)
      executor.deallocate(frame, bytes: 512)
    }
    context.initialize(repeating: 0, count: 3 + others.count)
    context[0] = a
    context[1] = b
    state.initializeMemory(as: UInt8.self, repeating: 0, count: stateSize)
    state.storeBytes(
      of: UInt64(UInt(bitPattern: context)), toByteOffset: Int(FunctionEnvironment.argument1),
      as: UInt64.self)
    state.storeBytes(
      of: UInt64(UInt(bitPattern: frame + 512)), toByteOffset: Int(FunctionEnvironment.frameTop),
      as: UInt64.self)
    state.storeBytes(of: 1, toByteOffset: Int(FunctionEnvironment.callDepth), as: UInt64.self)
    _ = try executor.call(code.address, UInt(bitPattern: state), 0)
    let kept = others.enumerated().allSatisfy { i, r in context[3 + i] == Self.sentinel + UInt64(r)
    }
    return Result(dst: context[2], othersKept: kept)
  }

  /// Whether the branch was taken.
  func branch(_ a: UInt64, _ b: UInt64) throws -> Bool { try self(a, b).dst == 1 }
}
