import Emulation
import KilnCore
import KilnIR
import KilnPort
import Testing
import Thumb2Port

/// Every ``BinaryOperation`` and ``Condition`` at both widths, compiled by
/// the Thumb-2 port's ``FunctionIR`` lowering and run in Unicorn's
/// Cortex-M4, against KilnIR's reference semantics (itself checked against
/// hand-worked tables in KilnIRTests): the operations eBPF never produces
/// (RISC-V division, high products, set-less-than) included. Operands are
/// edge values; every register other than the destination must keep its
/// value. The register pairs cover pinned pairs (the three most used
/// registers of the function) and frame slots on both sides.
@Suite("Thumb-2 FunctionIR vocabulary")
struct FunctionVocabularyTests {
  static let values: [UInt64] = [
    0, 1, 2, 5, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0005,
    0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFB, 0xFFFF_FFFF_FFFF_FFFF,
    0x1234_5678_9ABC_DEF0, 32,
  ]
  static let immediates: [Int32] = [0, 1, -1, 2, 5, 31, 32, 33, 63, 64, 0x1234_5678, .max, .min]
  /// (dst, src) pairs. The runner's bystanders use every register, so the
  /// pinned ones are whichever the use counts pick: the same pair, and
  /// both orders of "hot" and "cold" registers, are covered.
  static let pairs: [(UInt8, UInt8)] = [(0, 2), (3, 4), (4, 3), (4, 0), (6, 0), (6, 3), (5, 5)]
  static let bystanders: [UInt8] = [0, 2, 3, 4, 5, 6, 7, 8, 9]

  @Test(arguments: BinaryOperation.allCases, KilnIR.Width.allCases)
  func registerOperand(_ op: BinaryOperation, _ width: KilnIR.Width) throws {
    for (d, s) in Self.pairs {
      for hot in [false, true] {
        let run = try FunctionRunner(dst: d, src: s, hot: hot) { dst, src in
          .alu(op, width, dst, .register(src))
        }
        for a in Self.values {
          for b in Self.values {
            let expected = op.evaluate(a, d == s ? a : b, width: width)
            let result = try run(a, b)
            #expect(
              result.dst == expected, "r\(d) = r\(d) \(op) r\(s) \(width) hot \(hot): \(a), \(b)")
            #expect(result.othersKept, "r\(d) = r\(d) \(op) r\(s) \(width) clobbered a register")
          }
        }
      }
    }
  }

  @Test(arguments: BinaryOperation.allCases, KilnIR.Width.allCases)
  func immediateOperand(_ op: BinaryOperation, _ width: KilnIR.Width) throws {
    for d: UInt8 in [0, 3, 6] {
      for hot in [false, true] {
        for i in Self.immediates {
          let run = try FunctionRunner(dst: d, src: nil, hot: hot) { dst, _ in
            .alu(op, width, dst, .immediate(i))
          }
          // A 64-bit operation sign-extends the immediate; a 32-bit one takes its bits.
          let b = width == .w64 ? UInt64(bitPattern: Int64(i)) : UInt64(UInt32(bitPattern: i))
          for a in Self.values {
            let result = try run(a, 0)
            #expect(
              result.dst == op.evaluate(a, b, width: width), "r\(d) \(op) \(i) \(width): \(a)")
            #expect(result.othersKept, "r\(d) \(op) \(i) \(width) clobbered a register")
          }
        }
      }
    }
  }

  @Test(arguments: KilnIR.Condition.allCases, KilnIR.Width.allCases)
  func branch(_ c: KilnIR.Condition, _ width: KilnIR.Width) throws {
    let taken = FunctionIR.Label(0)
    for hot in [false, true] {
      // dst = 1 if the branch is taken, else 0.
      let register = try FunctionRunner(dst: 6, src: 3, hot: hot) { dst, src in
        .branch(c, width, dst, .register(src), taken)
      }
      for a in Self.values {
        for b in Self.values {
          #expect(
            try register.branch(a, b) == c.holds(a, b, width: width), "\(c) \(width): \(a), \(b)")
        }
      }
      for i in Self.immediates {
        let run = try FunctionRunner(dst: 6, src: nil, hot: hot) { dst, _ in
          .branch(c, width, dst, .immediate(i), taken)
        }
        let b = width == .w64 ? UInt64(bitPattern: Int64(i)) : UInt64(UInt32(bitPattern: i))
        for a in Self.values {
          #expect(try run.branch(a, 0) == c.holds(a, b, width: width), "\(c) \(width): \(a), #\(i)")
        }
      }
    }
  }

  /// The unary operations against values worked out from their definitions.
  @Test func unaryOperations() throws {
    for a in Self.values {
      let cases: [(FunctionIR.Op, UInt64)] = [
        (.negate(.w64, .r0), 0 &- a),
        (.negate(.w32, .r0), UInt64(0 &- UInt32(truncatingIfNeeded: a))),
        (
          .signExtend(.w64, .r0, from: .r0, bits: 8),
          UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: a)))
        ),
        (
          .signExtend(.w64, .r0, from: .r0, bits: 16),
          UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: a)))
        ),
        (
          .signExtend(.w64, .r0, from: .r0, bits: 32),
          UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a)))
        ),
        (
          .signExtend(.w32, .r0, from: .r0, bits: 8),
          UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: a))))
        ),
        (
          .signExtend(.w32, .r0, from: .r0, bits: 16),
          UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: a))))
        ),
        (.zeroExtend(.r0, bits: 16), a & 0xFFFF),
        (.zeroExtend(.r0, bits: 32), a & 0xFFFF_FFFF),
        (.zeroExtend(.r0, bits: 64), a),
        (.byteSwap(.r0, bits: 16), UInt64(UInt16(truncatingIfNeeded: a).byteSwapped)),
        (.byteSwap(.r0, bits: 32), UInt64(UInt32(truncatingIfNeeded: a).byteSwapped)),
        (.byteSwap(.r0, bits: 64), a.byteSwapped),
        (.constant(.r0, a), a),
      ]
      for (op, expected) in cases {
        for hot in [false, true] {
          let run = try FunctionRunner(dst: 0, src: nil, hot: hot) { _, _ in op }
          let result = try run(a, 0)
          #expect(result.dst == expected, "\(op) hot \(hot): \(a)")
          #expect(result.othersKept, "\(op) clobbered a register")
        }
      }
    }
  }
}
