import KilnCore
import KilnIR
import KilnPort
import Testing
import X86_64Port

/// Guest idioms that the block lowering turns into one x86 instruction,
/// checked in its bytes (expected bytes from `llvm-mc --triple=x86_64
/// -x86-asm-syntax=intel -show-encoding`) and run against KilnIR's reference
/// semantics (`BinaryOperation.evaluate`). In `BlockRunner.layout` g10 lives
/// in rsi, g11 in rdi, g12 in r8, g13 in r9; g20... are in the register file.
@Suite("x86-64 idioms")
struct IdiomTests {
  static func compile(_ block: Block) throws -> [UInt8] {
    let backend = X86_64Blocks(layout: BlockRunner.layout)
    let stubs = try backend.makeStubs(baseAddress: 0x10_0000)
    return try backend.compile(block, baseAddress: 0x20_0000, stubs: stubs, lookup: { _ in nil })
      .bytes
  }

  static func block(_ operations: [Operation]) -> Block {
    let n = UInt32(operations.count)
    return Block(
      startPC: 0x1000, operations: operations, terminator: .synchronize(next: 0x1000 + 4 * n),
      guestInstructionCount: operations.count, endPC: 0x1000 + 4 * n)
  }

  static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains {
      Array(haystack[$0..<($0 + needle.count)]) == needle
    }
  }

  static func g(_ n: UInt8) -> GuestRegister { GuestRegister(n) }

  /// `srli u, x, 32-k ; slli t, x, k ; or t, t, u`.
  static func rotate(_ t: UInt8, _ x: UInt8, _ u: UInt8, _ k: UInt32, swapped: Bool = false)
    -> [Operation]
  {
    let (l, r): (Value, Value) =
      swapped ? (.register(g(u)), .register(g(t))) : (.register(g(t)), .register(g(u)))
    return [
      .binary(.shiftRightLogical, g(u), .register(g(x)), .immediate(32 - k)),
      .binary(.shiftLeft, g(t), .register(g(x)), .immediate(k)),
      .binary(.or, g(t), l, r),
    ]
  }

  /// g12 = rotl(g10, 15): `mov r8d, esi ; rol r8d, 15`, no `or`.
  @Test func rotateIsRol() throws {
    let bytes = try Self.compile(Self.block(Self.rotate(12, 10, 13, 15)))
    #expect(Self.contains(bytes, [0x41, 0x89, 0xF0, 0x41, 0xC1, 0xC0, 0x0F]))
    #expect(!Self.contains(bytes, [0x45, 0x09, 0xC8]))  // or r8d, r9d
  }

  /// Rotates by 1, 15 and 31, in place and not, with the operands of the
  /// `or` in either order and in every kind of location; the right shift's
  /// register keeps its value. Not rotates (the `slli` reading the `srli`'s
  /// result, mismatched counts) must still compute the plain operations.
  @Test func rotatesMatchTheReference() throws {
    let shapes: [[Operation]] = [
      Self.rotate(12, 10, 13, 15), Self.rotate(10, 10, 13, 1, swapped: true),
      Self.rotate(20, 21, 22, 31), Self.rotate(20, 20, 21, 7), Self.rotate(12, 20, 11, 3),
      [
        .binary(.shiftRightLogical, Self.g(13), .register(Self.g(10)), .immediate(17)),
        .binary(.shiftLeft, Self.g(12), .register(Self.g(13)), .immediate(15)),
        .binary(.or, Self.g(12), .register(Self.g(12)), .register(Self.g(13))),
      ],
      [
        .binary(.shiftRightLogical, Self.g(13), .register(Self.g(10)), .immediate(16)),
        .binary(.shiftLeft, Self.g(12), .register(Self.g(10)), .immediate(15)),
        .binary(.or, Self.g(12), .register(Self.g(12)), .register(Self.g(13))),
      ],
    ]
    for operations in shapes {
      let run = try BlockRunner(Self.block(operations))
      for x in BlockVocabularyTests.values + [0x1234_5678, 0x8765_4321] {
        var registers = BlockRunner.background
        for n in [10, 20, 21] { registers[n] = x }
        var expected = registers
        for case .binary(let op, let d, let l, let r) in operations {
          func value(_ v: Value) -> UInt32 {
            switch v {
            case .register(let g): expected[Int(g.index)]
            case .immediate(let i): i
            }
          }
          let result = op.evaluate(value(l), value(r))
          expected[Int(d.index)] = result
        }
        let (reason, after) = run(registers)
        #expect(reason == .synchronize)
        #expect(after == expected, "\(operations): \(x)")
      }
    }
  }

  /// `mulh`/`mulhu` with the one-operand 32-bit `imul`/`mul` (edx = high
  /// half): `mov eax, esi ; imul edi ; mov r8d, edx`.
  @Test func multiplyHighIsOneOperand() throws {
    let signed = try Self.compile(
      Self.block([
        .binary(.multiplyHighSigned, Self.g(12), .register(Self.g(10)), .register(Self.g(11)))
      ]))
    #expect(Self.contains(signed, [0x89, 0xF0, 0xF7, 0xEF, 0x41, 0x89, 0xD0]))
    let unsigned = try Self.compile(
      Self.block([
        .binary(.multiplyHighUnsigned, Self.g(12), .register(Self.g(10)), .register(Self.g(11)))
      ]))
    #expect(Self.contains(unsigned, [0x89, 0xF0, 0xF7, 0xE7, 0x41, 0x89, 0xD0]))
  }
}
