import EBPF
import KilnIR
import Testing

/// Loops with a 32-bit linear congruential recurrence, which the JIT
/// unrolls with the next values computed up front
/// (`FunctionIR.RecurrenceUnroll`), on every engine: the same result,
/// memory and errors as the interpreter (the oracle), for every trip count
/// around the unroll factor, leaving the loop from every copy, and a fault
/// in a later copy reported at the interpreter's instruction and address.
@Suite struct RecurrenceUnrollTests {
  /// The packet-filter benchmark's fill loop: p[i] = (x = x·1664525 +
  /// 1013904223) >> 24 for i < r2 (at least once), then r0 = x.
  static let fill = """
    mov %r4, 0
    mov32 %r5, 7
    loop:
    mov %r0, %r1
    add %r0, %r4
    mul32 %r5, 1664525
    add32 %r5, 1013904223
    mov32 %r6, %r5
    rsh32 %r6, 24
    stxb [%r0+0], %r6
    add %r4, 1
    jlt %r4, %r2, loop
    mov %r0, %r5
    exit
    """

  /// `fill` with the loop's length in r3 instead of the buffer's (so that
  /// the loop may run past the buffer), a jset-controlled exit, and x read
  /// before its update.
  static let fillTo = """
    mov %r4, 0
    mov32 %r5, 7
    loop:
    mov %r0, %r1
    add %r0, %r4
    stxb [%r0+0], %r5
    mul32 %r5, -3
    mov32 %r6, %r5
    rsh32 %r6, 24
    stxb [%r0+1], %r6
    add %r4, 2
    mov %r7, %r3
    sub %r7, %r4
    jset %r7, -1, loop
    mov %r0, %r5
    exit
    """

  func translated(_ source: String) throws -> (FunctionIR.Function, Int) {
    var f = try Translator.translate(Program(assembly: source))
    let n = FunctionIR.RecurrenceUnroll.apply(to: &f)
    return (f, n)
  }

  @Test func thePassAppliesToBoth() throws {
    #expect(try translated(Self.fill).1 == 1)
    #expect(try translated(Self.fillTo).1 == 1)
  }

  /// Runs `source` with a buffer of `length` bytes: the result (or error)
  /// and the buffer afterwards, with the buffer's address for errors.
  func run(_ engine: Engine, _ source: String, length: Int, r3: Int? = nil) throws -> (
    result: Result<UInt64, EBPFError>, memory: [UInt8], base: UInt64
  ) {
    var program = source
    if let r3 { program = "mov %r3, \(r3)\n" + program }
    let vm = try makeVM(engine, program)
    let buffer = try lowBuffer(max(length, 1))
    defer { freeLowBuffer(buffer) }
    let context = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length])
    let result: Result<UInt64, EBPFError>
    do throws(EBPFError) {
      result = .success(try vm.run(context: context))
    } catch {
      result = .failure(error)
    }
    return (result, Array(buffer[0..<length]), UInt64(UInt(bitPattern: buffer.baseAddress!)))
  }

  /// Every trip count from 1 to 13: the loop is left from each of the four
  /// copies, and the values match the interpreter's byte for byte.
  @Test(arguments: Engine.jits) func fillMatchesTheInterpreter(_ engine: Engine) throws {
    for length in 1...13 {
      let expected = try run(.interpreter, Self.fill, length: length)
      let got = try run(engine, Self.fill, length: length)
      #expect(try got.result.get() == expected.result.get(), "length \(length)")
      #expect(got.memory == expected.memory, "length \(length)")
    }
    // The first byte by hand: (7·1664525 + 1013904223) mod 2^32 = 1025555898
    // = 0x3D209FBA, whose top byte is 0x3D.
    #expect(try run(engine, Self.fill, length: 1).memory == [0x3D])
  }

  /// A loop that writes two bytes per iteration up to r3 while the buffer
  /// has `length`: when r3 > length a store in some copy faults, with the
  /// interpreter's instruction index and address, after the same stores.
  @Test(arguments: Engine.allCases) func faultInALaterCopy(_ engine: Engine) throws {
    for (length, limit) in [(8, 8), (8, 10), (8, 12), (9, 12), (16, 24), (6, 14)] {
      let got = try run(engine, Self.fillTo, length: length, r3: limit)
      let expected = try run(.interpreter, Self.fillTo, length: length, r3: limit)
      #expect(got.memory == expected.memory, "length \(length), limit \(limit)")
      switch (got.result, expected.result) {
      case (.success(let g), .success(let e)): #expect(g == e)
      case (.failure(let g), .failure(let e)):
        // The same error, relative to each run's own buffer.
        #expect(
          g.rebased(from: got.base) == e.rebased(from: expected.base),
          "length \(length), limit \(limit): \(g)")
      default: Issue.record("length \(length), limit \(limit): \(got.result) vs \(expected.result)")
      }
    }
    // By hand: with 8 bytes and a limit of 12 the fifth iteration (i = 8)
    // stores at p + 8, the program's instruction 5 (after `mov %r3`).
    let r = try run(engine, Self.fillTo, length: 8, r3: 12)
    #expect(r.result.failure == .outOfBounds(index: 5, address: r.base + 8, size: 1, isWrite: true))
  }
}

extension EBPFError {
  /// An out-of-bounds error with the address taken relative to `base`.
  func rebased(from base: UInt64) -> EBPFError {
    if case .outOfBounds(let index, let address, let size, let isWrite) = self {
      return .outOfBounds(index: index, address: address &- base, size: size, isWrite: isWrite)
    }
    return self
  }
}
