import Emulation
import KilnCore
import KilnIR
import KilnPort
import Testing
import Thumb2Port

/// One compiled function, run in Unicorn's Cortex-M4 with fresh operands
/// each time:
///
///     bystanders = known values
///     src = [r1 + 8] ; dst = [r1]            (the context holds a, b)
///     <operation>
///     [r1 + 16] = dst ; [r1 + 24 + 8i] = bystander i ; return
///
/// For a branch, the operation jumps to label 0, which sets dst = 1 (else
/// 0). With `hot`, dst and src are used often enough (dummy moves after
/// the return) to be pinned to host pairs; else the bystanders are
/// hotter and dst and src live in frame slots.
struct FunctionRunner {
  let executor: UnicornExecutor
  let code: any CodeMemory
  let dst: UInt8
  let others: [UInt8]
  static let sentinel: UInt64 = 0x5A5A_0000_0000_0000

  init(
    dst: UInt8, src: UInt8?, hot: Bool,
    _ operation: (FunctionIR.Register, FunctionIR.Register) -> FunctionIR.Op
  ) throws {
    executor = try UnicornExecutor(port: Thumb2Port.facts)
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
    // Unreachable uses that make the use counts pick the pinned registers.
    let favoured = hot ? [d, s] : others.map { FunctionIR.Register($0) }
    for r in favoured {
      for _ in 0..<8 { ops.append(.alu(.move, .w64, r, .register(r))) }
    }
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: false, maxCallDepth: 1)
    let bytes = try Thumb2Port.compile(
      FunctionIR.Function(ops: ops, labelCount: labelCount), environment: environment,
      baseAddress: 0)
    code = try executor.makeCodeMemory(capacity: bytes.count, port: Thumb2Port.facts)
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
