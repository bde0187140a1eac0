import EBPF
import Testing

/// Programs around the range analysis' proofs, on every engine: accesses
/// it proves still read and write the right bytes, and accesses out of
/// range on some path only still fail there, with the interpreter's error.
@Suite struct RangeProofTests {
  /// Runs `source` on a zeroed low buffer of `length` bytes set up by `fill`.
  func run(
    _ engine: Engine, _ source: String, length: Int,
    fill: (UnsafeMutableRawBufferPointer) -> Void = { _ in },
    after: (UnsafeMutableRawBufferPointer) -> Void = { _ in }
  ) throws -> (result: Result<UInt64, EBPFError>, base: UInt64) {
    let vm = try makeVM(engine, source)
    let buffer = try lowBuffer(length)
    defer { freeLowBuffer(buffer) }
    fill(buffer)
    let base = UInt64(UInt(bitPattern: buffer.baseAddress!))
    let result: Result<UInt64, EBPFError>
    do throws(EBPFError) {
      result = .success(try vm.run(context: buffer))
    } catch {
      result = .failure(error)
    }
    after(buffer)
    return (result, base)
  }

  /// The offset is 10 or 100 depending on the first byte (the analysis
  /// proves the first load, not the second).
  static let onePath = """
    jlt %r2, 64, done
    ldxb %r3, [%r1+0]
    mov %r5, 10
    jeq %r3, 0, skip
    mov %r5, 100
    skip:
    mov %r4, %r1
    add %r4, %r5
    ldxb %r0, [%r4+0]
    done:
    exit
    """

  @Test(arguments: Engine.allCases) func outOfRangeOnOnePathOnly(_ engine: Engine) throws {
    let inRange = try run(engine, Self.onePath, length: 64) { $0[10] = 42 }
    #expect(try inRange.result.get() == 42)
    let outside = try run(engine, Self.onePath, length: 64) { $0[0] = 1 }
    #expect(
      outside.result.failure
        == .outOfBounds(index: 7, address: outside.base + 100, size: 1, isWrite: false))
  }

  @Test(arguments: Engine.allCases) func offByOneLoopFaultsAtTheEnd(_ engine: Engine) throws {
    let source = """
      mov %r0, 0
      mov %r3, 0
      loop:
      jgt %r3, %r2, done
      mov %r4, %r1
      add %r4, %r3
      ldxb %r5, [%r4+0]
      add %r0, %r5
      add %r3, 1
      ja loop
      done:
      exit
      """
    let r = try run(engine, source, length: 16)
    #expect(
      r.result.failure == .outOfBounds(index: 5, address: r.base + 16, size: 1, isWrite: false))
  }

  @Test(arguments: Engine.allCases) func fastPointerFaultsAfterItsStores(_ engine: Engine) throws {
    // r3 = r1 + 16*r4 with r4 < L/8: the fifth store (at 64) is outside a
    // 64-byte buffer; the four before it happened.
    let source = """
      jlt %r2, 8, done
      rsh %r2, 3
      mov %r3, %r1
      mov %r4, 0
      loop:
      stdw [%r3+0], 7
      add %r3, 16
      add %r4, 1
      jlt %r4, %r2, loop
      done:
      exit
      """
    var stored: [UInt8] = []
    let r = try run(engine, source, length: 64, after: { stored = Array($0) })
    #expect(
      r.result.failure == .outOfBounds(index: 4, address: r.base + 64, size: 8, isWrite: true))
    var expected = [UInt8](repeating: 0, count: 64)
    for k in 0..<4 { expected[16 * k] = 7 }
    #expect(stored == expected)
  }

  /// Sums the 8-byte words of the buffer (all proven).
  static let wordSum = """
    mov %r0, 0
    jlt %r2, 8, done
    rsh %r2, 3
    mov %r3, %r1
    mov %r4, 0
    loop:
    ldxdw %r5, [%r3+0]
    add %r0, %r5
    stxdw [%r3+0], %r4
    add %r3, 8
    add %r4, 1
    jlt %r4, %r2, loop
    done:
    exit
    """

  @Test(arguments: Engine.allCases) func provenLoopReadsAndWrites(_ engine: Engine) throws {
    func words(_ b: UnsafeMutableRawBufferPointer) {
      for k in 0..<(b.count / 8) {
        b.storeBytes(of: UInt64(k + 1), toByteOffset: 8 * k, as: UInt64.self)
      }
    }
    var after: [UInt8] = []
    let whole = try run(engine, Self.wordSum, length: 64, fill: words, after: { after = Array($0) })
    #expect(try whole.result.get() == 36)  // 1 + … + 8
    var expected = [UInt8](repeating: 0, count: 64)
    for k in 0..<8 { expected[8 * k] = UInt8(k) }  // each word replaced by its index
    #expect(after == expected)
    // 60 bytes: floor(60/8) = 7 words, the tail untouched.
    let short = try run(engine, Self.wordSum, length: 60, fill: words)
    #expect(try short.result.get() == 28)
    #expect(try run(engine, Self.wordSum, length: 7).result.get() == 0)
  }

  @Test(arguments: Engine.allCases) func calleeOverwritesTheCallersSlot(_ engine: Engine) throws {
    // The callee's r10 + 504 is the caller's r10 - 8: the pointer saved
    // there becomes 0.
    let source = """
      stxdw [%r10-8], %r1
      call local f
      ldxdw %r7, [%r10-8]
      ldxb %r0, [%r7+0]
      exit
      f:
      stdw [%r10+504], 0
      exit
      """
    let r = try run(engine, source, length: 8)
    #expect(r.result.failure == .outOfBounds(index: 3, address: 0, size: 1, isWrite: false))
  }

  @Test(arguments: Engine.allCases) func frameCopies(_ engine: Engine) throws {
    let source = """
      mov %r3, %r10
      add %r3, -16
      stdw [%r3+8], 5
      stdw [%r3+0], 6
      ldxdw %r0, [%r10-8]
      ldxdw %r4, [%r3+0]
      add %r0, %r4
      ldxb %r4, [%r3+16]
      exit
      """
    // The last load is one byte above the frame: the stack's top is the end
    // of the stack region, so it fails (at r10 + 0).
    let r = try run(engine, source, length: 8)
    guard case .outOfBounds(7, _, 1, false)? = r.result.failure else {
      Issue.record("\(r.result)")
      return
    }
    let ok = try run(
      engine, String(source.split(separator: "\n").dropLast(2).joined(separator: "\n")) + "\nexit",
      length: 8)
    #expect(try ok.result.get() == 11)
  }
}

extension Result {
  var failure: Failure? {
    if case .failure(let e) = self { return e }
    return nil
  }
}
