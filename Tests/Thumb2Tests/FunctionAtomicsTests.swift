import Emulation
import KilnCore
import KilnIR
import KilnPort
import Testing
import Thumb2Port

/// Every atomic form on 4 and 8 bytes, run in Unicorn's Cortex-M4 against
/// the IR's definition (``FunctionIR/Atomic``), with the source and r0 in
/// pinned pairs and in frame slots; plus the instructions each size selects.
@Suite struct FunctionAtomicsTests {
  static let forms: [(FunctionIR.Atomic, Bool)] = [
    (.add, false), (.add, true), (.or, false), (.or, true), (.and, false), (.and, true),
    (.xor, false), (.xor, true), (.xchg, true), (.cmpxchg, true),
  ]
  static let memoryValues: [UInt64] = [0, 0xFFFF_FFFF, 0x1234_5678_9ABC_DEF0, .max]
  static let sources: [UInt64] = [1, 0x8000_0000_FFFF_FFFF, 0x1234_5678_9ABC_DEF0]

  /// What the atomic leaves: (memory, source register, r0).
  static func model(
    _ op: FunctionIR.Atomic, fetch: Bool, size: Int, memory: UInt64, source: UInt64, r0: UInt64
  ) -> (UInt64, UInt64, UInt64) {
    let mask: UInt64 = size == 8 ? .max : 0xFFFF_FFFF
    let old = memory & mask
    let s = source & mask
    var new: UInt64
    var (src, result) = (source, r0)
    switch op {
    case .add: new = (old &+ s) & mask
    case .or: new = old | s
    case .and: new = old & s
    case .xor: new = old ^ s
    case .xchg: new = s
    case .cmpxchg:
      new = old == r0 & mask ? s : old
      result = old
    }
    if fetch && op != .cmpxchg { src = old }
    return ((memory & ~mask) | new, src, result)
  }

  @Test(arguments: [4, 8], [false, true])
  func formsMatchTheDefinition(size: Int, hot: Bool) throws {
    let executor = try UnicornExecutor(port: Thumb2Port.facts)
    let r1 = FunctionIR.Register(1)
    let src = FunctionIR.Register(6)
    for (op, fetch) in Self.forms {
      var ops: [FunctionIR.Op] = [
        .load(src, base: r1, offset: 8, size: 8, signExtend: false, site: 0),
        .load(.r0, base: r1, offset: 16, size: 8, signExtend: false, site: 0),
        .atomic(op, fetch: fetch, size: size, base: r1, offset: 0, source: src, site: 1),
        .store(base: r1, offset: 8, size: 8, value: .register(src), site: 2),
        .store(base: r1, offset: 16, size: 8, value: .register(.r0), site: 3),
        .return,
      ]
      // Unreachable uses that pin (or not) the source and r0.
      let favoured = hot ? [src, .r0] : [2, 3, 4].map { FunctionIR.Register($0) }
      for r in favoured {
        for _ in 0..<8 { ops.append(.alu(.move, .w64, r, .register(r))) }
      }
      for checks in [false, true] {
        let environment = FunctionEnvironment(
          writable: [true, true], boundsChecks: checks, maxCallDepth: 1)
        let bytes = try Thumb2Port.compile(
          FunctionIR.Function(ops: ops, labelCount: 0), environment: environment, baseAddress: 0)
        let code = try executor.makeCodeMemory(capacity: bytes.count, port: Thumb2Port.facts)
        code.install(bytes, at: 0)
        for memory in Self.memoryValues {
          for source in Self.sources {
            for r0 in [memory, source] {
              let got = try Self.run(executor, code, [memory, source, r0])
              let (m, s, r) = Self.model(
                op, fetch: fetch, size: size, memory: memory, source: source, r0: r0)
              let what = "\(op) fetch \(fetch) size \(size) hot \(hot): \(memory), \(source), \(r0)"
              #expect(got == [m, s, r], "\(what)")
            }
          }
        }
      }
    }
  }

  /// Runs `code` with the context holding `words`; returns the words after.
  static func run(_ executor: UnicornExecutor, _ code: any CodeMemory, _ words: [UInt64]) throws
    -> [UInt64]
  {
    let stateSize = FunctionEnvironment.stateSize(regionCount: 2)
    let context = try executor.allocate(bytes: 8 * words.count)
    let state = try executor.allocate(bytes: stateSize)
    let frame = try executor.allocate(bytes: 512)
    defer {
      executor.deallocate(context, bytes: 8 * words.count)
      executor.deallocate(state, bytes: stateSize)
      executor.deallocate(frame, bytes: 512)
    }
    let c = context.bindMemory(to: UInt64.self, capacity: words.count)
    for (i, w) in words.enumerated() { c[i] = w }
    func set(_ offset: Int32, _ value: UInt64) {
      state.storeBytes(of: value, toByteOffset: Int(offset), as: UInt64.self)
    }
    set(FunctionEnvironment.argument1, UInt64(UInt(bitPattern: context)))
    set(FunctionEnvironment.argument2, UInt64(8 * words.count))
    set(FunctionEnvironment.frameTop, UInt64(UInt(bitPattern: frame + 512)))
    set(FunctionEnvironment.callDepth, 1)
    set(FunctionEnvironment.regionBase(0), UInt64(UInt(bitPattern: frame)))
    set(FunctionEnvironment.regionBase(1), UInt64(UInt(bitPattern: context)))
    for s in [1, 2, 4, 8] {
      set(FunctionEnvironment.regionLimit(0, size: s), UInt64(512 - s + 1))
      set(FunctionEnvironment.regionLimit(1, size: s), UInt64(8 * words.count - s + 1))
    }
    _ = try executor.call(code.address, UInt(bitPattern: state), 0)
    #expect(state.load(fromByteOffset: Int(FunctionEnvironment.status), as: UInt64.self) == 0)
    return (0..<words.count).map { c[$0] }
  }

  /// Halfwords of the compiled atomics (every form, both sizes).
  static func halfwords() throws -> [UInt16] {
    var ops: [FunctionIR.Op] = []
    for size in [4, 8] {
      for (op, fetch) in forms {
        ops.append(
          .atomic(
            op, fetch: fetch, size: size, base: .r10, offset: -8, source: FunctionIR.Register(1),
            site: ops.count))
      }
    }
    ops.append(.return)
    let environment = FunctionEnvironment(
      writable: [true, true], boundsChecks: true, maxCallDepth: 8)
    let bytes = try Thumb2Port.compile(
      FunctionIR.Function(ops: ops, labelCount: 0), environment: environment, baseAddress: 0)
    return stride(from: 0, to: bytes.count, by: 2).map {
      UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8
    }
  }

  /// 4-byte atomics are LDREX/STREX loops, 8-byte ones mask interrupts.
  /// Encodings: ARMv7-M ARM A7.7.52 LDREX (E85x xxxx), A7.7.167 STREX
  /// (E84x xxxx), B5.2.1 CPSID i (B672), MRS/MSR (F3EF 8x10 / F38x 8810).
  @Test func selection() throws {
    let h = try Self.halfwords()
    let pairs = zip(h, h.dropFirst())
    #expect(pairs.filter { $0.0 & 0xFFF0 == 0xE850 && $0.1 & 0x0F00 == 0x0F00 }.count == 10)
    #expect(pairs.filter { $0.0 & 0xFFF0 == 0xE840 }.count == 10)
    #expect(h.filter { $0 == 0xB672 }.count == 10)
    #expect(pairs.filter { $0.0 == 0xF3EF && $0.1 & 0xF0FF == 0x8010 }.count == 10)
    #expect(pairs.filter { $0.0 & 0xFFF0 == 0xF380 && $0.1 == 0x8810 }.count == 10)
  }
}
