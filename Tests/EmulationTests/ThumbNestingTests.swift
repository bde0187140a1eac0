import Emulation
import KilnPort
import KilnTestSupport
import Testing

/// Nested calls and lent memory for a 32-bit AAPCS port (see
/// ``ThumbExecutorTests`` for the C code and its state block).
@Suite(.requires(ThumbC.available, ThumbC.reason))
struct ThumbNestingTests {
  typealias T = ThumbExecutorTests
  typealias Offset = ThumbExecutorTests.Offset

  /// What the nested host function needs, reached through the state
  /// block's `context` word (a host function is a C function: no captures).
  final class Nest {
    let program: ThumbProgram
    init(_ program: ThumbProgram) { self.program = program }
  }

  /// `uint64_t f(void *s, uint64_t a, uint64_t b, uint64_t c)` that runs
  /// generated code again while its caller is paused in it: `call_helper`
  /// (which makes a host call of its own, with stack arguments, from the
  /// nested run) and `multiply`.
  static let reenter: @convention(c) (UnsafeMutableRawPointer, UInt64, UInt64, UInt64) -> UInt64 =
    { s, a, b, c in
      let word = s.load(fromByteOffset: 120, as: UInt64.self)
      guard let raw = UnsafeRawPointer(bitPattern: UInt(word)) else { return 0 }
      let nest = Unmanaged<Nest>.fromOpaque(raw).takeUnretainedValue()
      let inner = (try? nest.program.call("call_helper", UInt(bitPattern: s))) ?? 0xBAD
      let product =
        (try? nest.program.call("multiply", UInt(a & 0xFFFF_FFFF), UInt(b >> 32))) ?? 0xBAD
      return inner ^ product ^ c
    }

  static let helper:
    @convention(c) (
      UInt64, UInt64, UInt64, UInt64, UInt64, UnsafeMutableRawPointer
    ) -> UInt64 = { a1, a2, a3, a4, a5, s in
      for (i, v) in [a1, a2, a3, a4, a5, UInt64(UInt(bitPattern: s))].enumerated() {
        s.storeBytes(of: v, toByteOffset: 64 + 8 * i, as: UInt64.self)
      }
      return a5 &+ a1
    }

  @Test func hostFunctionCallsBackIntoGeneratedCode() throws {
    let p = try ThumbProgram(T.source, functions: T.functions)
    let nest = Nest(p)
    let s = try T.state(p.executor)
    let reenter = try p.executor.hostCallAddress(
      HostFunction(
        address: unsafeBitCast(Self.reenter, to: UnsafeRawPointer.self),
        signature: HostSignature([.pointer, .int64, .int64, .int64], result: .int64)))
    let helper = try p.executor.hostCallAddress(
      HostFunction(
        address: unsafeBitCast(Self.helper, to: UnsafeRawPointer.self),
        signature: HostSignature(
          [.int64, .int64, .int64, .int64, .int64, .pointer], result: .int64)))
    s.storeBytes(of: UInt64(reenter), toByteOffset: Offset.hostcall, as: UInt64.self)
    s.storeBytes(of: UInt64(helper), toByteOffset: Offset.helper, as: UInt64.self)
    let context = UInt64(UInt(bitPattern: Unmanaged.passUnretained(nest).toOpaque()))
    s.storeBytes(of: context, toByteOffset: Offset.context, as: UInt64.self)
    let r = withExtendedLifetime(nest) { try? p.call("call_hostcall", UInt(bitPattern: s)) }

    let a = T.arguments
    let inner = (a[4] &+ a[0]) &+ 1  // call_helper: helper's result + 1
    let product = (a[0] & 0xFFFF_FFFF) * (a[1] >> 32)
    // call_hostcall: reenter(s, a0, a1, a2) + a3
    #expect(r == (inner ^ product ^ a[2]) &+ a[3])
    #expect(T.seen(s, 6) == a + [T.word(s)], "the nested host call got its arguments")
    // The outer run still works afterwards, from a fresh stack.
    #expect(try p.call("multiply", 0xFFFF_FFFF, 2) == 0x1_FFFF_FFFE)
  }

  /// A caller buffer above 4 GiB is lent as a low copy: generated code
  /// writes the copy, and `withdraw` brings the writes back.
  @Test func highBufferIsLentAsALowCopy() throws {
    let p = try ThumbProgram(T.source, functions: T.functions)
    let words = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 16)
    defer { words.deallocate() }
    for i in 0..<16 { words[i] = UInt32(i) + 1 }
    let buffer = UnsafeRawBufferPointer(words)
    let original = UInt(bitPattern: buffer.baseAddress)
    try #require(UInt64(original) >= 1 << 32, "this host placed heap memory below 4 GiB")

    let low = try p.executor.expose(buffer, writable: true)
    #expect(UInt64(low) + 64 <= 1 << 32)
    #expect(low % 16 == original % 16, "the copy keeps the alignment")
    // A buffer inside an exposed one shares its copy.
    let tail = UnsafeRawBufferPointer(rebasing: buffer[32...])
    #expect(try p.executor.expose(tail, writable: true) == low + 32)
    p.executor.withdraw(tail)

    _ = try p.call("bump", low, 16)
    #expect(words[0] == 1, "the original is untouched while lent")
    p.executor.withdraw(buffer)
    #expect(Array(words) == (1...16).map { UInt32($0) * 3 + 1 })

    // Lent again, the new copy holds the current bytes.
    let again = try p.executor.expose(buffer, writable: true)
    _ = try p.call("bump", again, 1)
    p.executor.withdraw(buffer)
    #expect(words[0] == 13)
  }

  /// A read-only buffer's copy is mapped read-only: a write is an error,
  /// and nothing is copied back.
  @Test func readOnlyCopyRefusesWrites() throws {
    let p = try ThumbProgram(T.source, functions: T.functions)
    let words = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 4)
    defer { words.deallocate() }
    for i in 0..<4 { words[i] = 7 }
    let buffer = UnsafeRawBufferPointer(words)
    try #require(UInt64(UInt(bitPattern: buffer.baseAddress)) >= 1 << 32)
    let low = try p.executor.expose(buffer, writable: false)
    #expect(try p.call("load_word", low + 4) == 7)
    #expect(throws: ExecutorError.self) { try p.call("bump", low, 4) }
    p.executor.withdraw(buffer)
    #expect(Array(words) == [7, 7, 7, 7])
    // Withdrawn: the copy is gone.
    #expect(throws: ExecutorError.self) { try p.call("load_word", low) }
  }

  /// A buffer overlapping an exposed copy in part would diverge from it.
  @Test func partialOverlapIsRefused() throws {
    let p = try ThumbProgram(T.source, functions: T.functions)
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
    defer { bytes.deallocate() }
    let whole = UnsafeRawBufferPointer(bytes)
    try #require(UInt64(UInt(bitPattern: whole.baseAddress)) >= 1 << 32)
    let front = UnsafeRawBufferPointer(rebasing: whole[0..<32])
    _ = try p.executor.expose(front, writable: true)
    defer { p.executor.withdraw(front) }
    #expect(throws: ExecutorError.self) { try p.executor.expose(whole, writable: true) }
  }

  /// AAPCS argument places, as the AAPCS document's rules C.3–C.8 give
  /// them (the tests above check the same against clang's code).
  @Test func aapcsLocations() {
    let c = HostCallConvention.aapcs32
    let helper = HostSignature([.int64, .int64, .int64, .int64, .int64, .pointer], result: .int64)
    #expect(
      c.argumentLocations(helper) == [
        .registerPair(0), .registerPair(2), .stack(offset: 0, size: 8),
        .stack(offset: 8, size: 8), .stack(offset: 16, size: 8), .stack(offset: 24, size: 4),
      ])
    #expect(c.stackArgumentBytes(helper) == 32)
    let rv32 = HostSignature([.pointer, .int64, .int64, .int64], result: .int64)
    #expect(
      c.argumentLocations(rv32) == [
        .register(0), .registerPair(2), .stack(offset: 0, size: 8), .stack(offset: 8, size: 8),
      ])
    // A pointer after a 64-bit argument that went to the stack goes there too (C.6).
    let late = HostSignature([.pointer, .pointer, .pointer, .int64, .pointer], result: .pointer)
    #expect(
      c.argumentLocations(late) == [
        .register(0), .register(1), .register(2), .stack(offset: 0, size: 8),
        .stack(offset: 8, size: 4),
      ])
    #expect(c.stackArgumentBytes(late) == 16)
    #expect(c.resultLocation(.int64) == .registerPair(0))
    #expect(c.resultLocation(.pointer) == .register(0))
    #expect(HostCallConvention.registers64.argumentLocations(rv32) == (0..<4).map { .register($0) })
  }
}
