import Emulation
import KilnPort
import KilnTestSupport
import Testing

/// The executor layer for a 32-bit AAPCS port, with no Thumb-2 encoder:
/// C functions compiled by clang (``ThumbC``) stand in for generated code
/// and run in Unicorn's Cortex-M4 through ``UnicornExecutor``. Clang
/// decides where each argument goes; the host functions check that exactly
/// those values arrive on the Swift side.
@Suite(.requires(ThumbC.available, ThumbC.reason))
struct ThumbExecutorTests {
  /// A state block as generated code sees one: 8-byte words, host function
  /// addresses zero-extended (as in `FunctionEnvironment`).
  static let source = """
    #include <stdint.h>
    typedef uint64_t (*helper_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, void *);
    typedef uint64_t (*hostcall_fn)(void *, uint64_t, uint64_t, uint64_t);
    typedef void *(*mixed_fn)(void *, uint64_t, void *, uint64_t);
    struct state {
      uint64_t helper, hostcall, mixed;  /* 0, 8, 16 */
      uint64_t a[5];                     /* 24 */
      uint64_t seen[6];                  /* 64: written by the host functions */
      uint64_t out;                      /* 112 */
      uint64_t context;                  /* 120: the Swift side's own word */
    };
    _Static_assert(__builtin_offsetof(struct state, seen) == 64, "layout");
    _Static_assert(__builtin_offsetof(struct state, context) == 120, "layout");

    uint64_t call_helper(struct state *s) {
      helper_fn f = (helper_fn)(uintptr_t)s->helper;
      return f(s->a[0], s->a[1], s->a[2], s->a[3], s->a[4], s) + 1;
    }
    uint64_t call_hostcall(struct state *s) {
      hostcall_fn f = (hostcall_fn)(uintptr_t)s->hostcall;
      return f(s, s->a[0], s->a[1], s->a[2]) + s->a[3];
    }
    uint64_t call_mixed(struct state *s) {
      mixed_fn f = (mixed_fn)(uintptr_t)s->mixed;
      return (uintptr_t)f(s, s->a[0], &s->out, s->a[1]);
    }
    uint64_t multiply(uint32_t a, uint32_t b) { return (uint64_t)a * b; }
    uint64_t load_word(const volatile uint32_t *p) { return *p; }
    void bump(uint32_t *p, uint32_t n) {
      for (uint32_t i = 0; i < n; i++) p[i] = p[i] * 3 + 1;
    }
    """
  static let functions = [
    "call_helper", "call_hostcall", "call_mixed", "multiply", "load_word", "bump",
  ]

  enum Offset {
    static let helper = 0
    static let hostcall = 8
    static let mixed = 16
    static let a = 24
    static let seen = 64
    static let out = 112
    static let context = 120
    static let size = 128
  }

  static let arguments: [UInt64] = [
    0x1122_3344_5566_7788, 0x99AA_BBCC_DDEE_FF00, 0x0123_4567_89AB_CDEF,
    0xFEDC_BA98_7654_3210, 0x8000_0000_0000_0001,
  ]

  /// A state block from the executor (below 4 GiB), arguments filled in.
  static func state(_ executor: UnicornExecutor) throws -> UnsafeMutableRawPointer {
    let s = try executor.allocate(bytes: Offset.size)
    for (i, a) in arguments.enumerated() {
      s.storeBytes(of: a, toByteOffset: Offset.a + 8 * i, as: UInt64.self)
    }
    return s
  }

  static func seen(_ s: UnsafeMutableRawPointer, _ count: Int) -> [UInt64] {
    (0..<count).map { s.load(fromByteOffset: Offset.seen + 8 * $0, as: UInt64.self) }
  }

  static func word(_ p: UnsafeMutableRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }

  /// The eBPF helper trampoline's signature: five `uint64_t` and a pointer,
  /// a 64-bit result (r0:r1, r2:r3, then four stack slots).
  @Test func helperSignatureGetsEveryArgumentAndReturnsSixtyFourBits() throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    let helper:
      @convention(c) (
        UInt64, UInt64, UInt64, UInt64, UInt64, UnsafeMutableRawPointer
      ) -> UInt64 = { a1, a2, a3, a4, a5, s in
        for (i, v) in [a1, a2, a3, a4, a5, UInt64(UInt(bitPattern: s))].enumerated() {
          s.storeBytes(of: v, toByteOffset: 64 + 8 * i, as: UInt64.self)
        }
        return 0x1234_5678_FFFF_FFFF  // + 1 in C carries into the high word
      }
    let address = try p.executor.hostCallAddress(
      HostFunction(
        address: unsafeBitCast(helper, to: UnsafeRawPointer.self),
        signature: HostSignature(
          [.int64, .int64, .int64, .int64, .int64, .pointer], result: .int64)))
    #expect(address & 1 == 1, "a Thumb function pointer has the Thumb bit")
    #expect(address < 1 << 32)
    let s = try Self.state(p.executor)
    s.storeBytes(of: UInt64(address), toByteOffset: Offset.helper, as: UInt64.self)
    let r = try p.call("call_helper", UInt(bitPattern: s))
    #expect(r == 0x1234_5679_0000_0000)
    #expect(Self.seen(s, 6) == Self.arguments + [Self.word(s)])
  }

  /// The RV32 runtime's host-call signature: a pointer first (r0; r1 is
  /// skipped), then 64-bit integers in r2:r3 and on the stack.
  @Test func pointerThenSixtyFourBitArguments() throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    let hostcall: @convention(c) (UnsafeMutableRawPointer, UInt64, UInt64, UInt64) -> UInt64 = {
      s, a, b, c in
      for (i, v) in [UInt64(UInt(bitPattern: s)), a, b, c].enumerated() {
        s.storeBytes(of: v, toByteOffset: 64 + 8 * i, as: UInt64.self)
      }
      return a ^ c
    }
    let address = try p.executor.hostCallAddress(
      HostFunction(
        address: unsafeBitCast(hostcall, to: UnsafeRawPointer.self),
        signature: HostSignature([.pointer, .int64, .int64, .int64], result: .int64)))
    let s = try Self.state(p.executor)
    s.storeBytes(of: UInt64(address), toByteOffset: Offset.hostcall, as: UInt64.self)
    let r = try p.call("call_hostcall", UInt(bitPattern: s))
    let a = Self.arguments
    #expect(r == (a[0] ^ a[2]) &+ a[3])
    #expect(Self.seen(s, 4) == [Self.word(s), a[0], a[1], a[2]])
  }

  /// Pointers and 64-bit integers mixed, a pointer result in r0.
  @Test func mixedArgumentsAndPointerResult() throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    let mixed:
      @convention(c) (UnsafeMutableRawPointer, UInt64, UnsafeMutableRawPointer, UInt64) ->
        UnsafeMutableRawPointer = { s, a, out, b in
          for (i, v) in [UInt64(UInt(bitPattern: s)), a, UInt64(UInt(bitPattern: out)), b]
            .enumerated()
          {
            s.storeBytes(of: v, toByteOffset: 64 + 8 * i, as: UInt64.self)
          }
          out.storeBytes(of: 0xC0FFEE, as: UInt64.self)  // the pointer is real host memory
          return out + 4
        }
    let address = try p.executor.hostCallAddress(
      HostFunction(
        address: unsafeBitCast(mixed, to: UnsafeRawPointer.self),
        signature: HostSignature([.pointer, .int64, .pointer, .int64], result: .pointer)))
    let s = try Self.state(p.executor)
    s.storeBytes(of: UInt64(address), toByteOffset: Offset.mixed, as: UInt64.self)
    let r = try p.call("call_mixed", UInt(bitPattern: s))
    let out = Self.word(s) + UInt64(Offset.out)
    #expect(r == out + 4)
    #expect(Self.seen(s, 4) == [Self.word(s), Self.arguments[0], out, Self.arguments[1]])
    #expect(s.load(fromByteOffset: Offset.out, as: UInt64.self) == 0xC0FFEE)
  }

  /// A pointer result a 32-bit port cannot hold is an error, not a
  /// silently truncated address.
  @Test func pointerResultAbove4GiBIsAnError() throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    let high: @convention(c) (UInt64, UInt64, UInt64, UInt64) -> UInt64 = { _, _, _, _ in
      0x1_0000_0010
    }
    let address = try p.executor.hostCallAddress(
      HostFunction(
        address: unsafeBitCast(high, to: UnsafeRawPointer.self),
        signature: HostSignature([.pointer, .int64, .pointer, .int64], result: .pointer)))
    let s = try Self.state(p.executor)
    s.storeBytes(of: UInt64(address), toByteOffset: Offset.mixed, as: UInt64.self)
    #expect(throws: ExecutorError.outsideAddressSpace(address: 0x1_0000_0010, pointerBits: 32)) {
      try p.call("call_mixed", UInt(bitPattern: s))
    }
    #expect(try p.call("multiply", 6, 7) == 42, "the executor works after the error")
  }

  /// Entry: 32-bit arguments in r0 and r1, a 64-bit result from r0:r1.
  @Test(arguments: [(UInt(0xFFFF_FFFF), UInt(0xFFFF_FFFE)), (0x1_0001, 0x1_0001), (3, 0)])
  func entryReturnsSixtyFourBits(a: UInt, b: UInt) throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    #expect(try p.call("multiply", a, b) == UInt64(a) * UInt64(b))
  }

  /// What a 32-bit port cannot be given is refused before it runs.
  @Test func entryArgumentAbove4GiBIsRefused() throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    #expect(throws: ExecutorError.outsideAddressSpace(address: 1 << 32, pointerBits: 32)) {
      try p.call("multiply", 1 << 32, 1)
    }
  }

  /// Everything generated code of a 32-bit port addresses lies below 4 GiB.
  @Test func executorMemoryIsBelow4GiB() throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    #expect(UInt64(p.code.address) + UInt64(p.code.capacity) <= 1 << 32)
    let block = try p.executor.allocate(bytes: 1 << 20)
    defer { p.executor.deallocate(block, bytes: 1 << 20) }
    #expect(Self.word(block) + (1 << 20) <= 1 << 32)
    // Memory the executor allocated is lent in place.
    let buffer = UnsafeRawBufferPointer(start: block + 64, count: 64)
    #expect(try p.executor.expose(buffer, writable: true) == UInt(bitPattern: block) + 64)
    p.executor.withdraw(buffer)
  }

  /// An access to memory nobody mapped is an emulator error, and the
  /// executor stays usable.
  @Test func unmappedAccessIsATypedError() throws {
    let p = try ThumbProgram(Self.source, functions: Self.functions)
    let error = #expect(throws: ExecutorError.self) {
      try p.call("load_word", 0x10)
    }
    guard case .emulator(let message, _) = error else {
      Issue.record("expected an emulator error, got \(String(describing: error))")
      return
    }
    #expect(message.contains("UNMAPPED") || message.contains("unmapped"), "\(message)")
    #expect(try p.call("multiply", 6, 7) == 42)
  }
}
