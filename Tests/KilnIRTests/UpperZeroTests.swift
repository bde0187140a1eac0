import KilnIR
import Testing

/// The 32-bit value analysis of ``FunctionIR`` (`UpperZero`). Every
/// expectation is worked out by hand from the operations' meaning (the
/// comments give the reason); none comes from running the analysis.
@Suite("UpperZero analysis")
struct UpperZeroTests {
  typealias Op = FunctionIR.Op
  func r(_ i: UInt8) -> FunctionIR.Register { FunctionIR.Register(i) }
  func reg(_ i: UInt8) -> FunctionIR.Operand { .register(FunctionIR.Register(i)) }
  func label(_ i: Int) -> FunctionIR.Label { FunctionIR.Label(i) }

  /// The registers (numbers) known to fit 32 bits before operation `i`.
  func known(_ facts: UpperZero, _ i: Int) -> [UInt8] {
    (0..<10).filter { facts.isZeroUpper(r($0), before: i) }
  }

  @Test func straightLineTransfers() {
    let ops: [Op] = [
      .constant(r(1), 0xFFFF_FFFF),  // 0: fits
      .constant(r(2), 0x1_0000_0000),  // 1: does not
      .alu(.add, .w32, r(2), reg(1)),  // 2: any 32-bit op fits
      .alu(.add, .w64, r(1), reg(2)),  // 3: 0xFFFF_FFFF + x may carry out
      .load(r(3), base: r(1), offset: 0, size: 4, signExtend: false, site: 0),  // 4: zero-extends
      .load(r(4), base: r(1), offset: 0, size: 1, signExtend: true, site: 0),  // 5: sign-extends
      .load(r(5), base: r(1), offset: 0, size: 8, signExtend: false, site: 0),  // 6: 64-bit
      .alu(.and, .w64, r(5), reg(3)),  // 7: x & (fits) fits
      .alu(.move, .w64, r(4), .immediate(-1)),  // 8: sign-extended: all ones
      .alu(.shiftRightLogical, .w64, r(4), .immediate(32)),  // 9: ≥ 32: fits
      .alu(.or, .w64, r(3), reg(1)),  // 10: r1 does not fit
      .byteSwap(r(6), bits: 64),  // 11
      .return,
    ]
    let facts = UpperZero(FunctionIR.Function(ops: ops, labelCount: 0), entry: 0)
    #expect(known(facts, 0) == [])
    #expect(known(facts, 1) == [1])
    #expect(known(facts, 2) == [1])
    #expect(known(facts, 3) == [1, 2])
    #expect(known(facts, 4) == [2])
    #expect(known(facts, 5) == [2, 3])
    #expect(known(facts, 6) == [2, 3])
    #expect(known(facts, 7) == [2, 3])
    #expect(known(facts, 8) == [2, 3, 5])
    #expect(known(facts, 9) == [2, 3, 5])
    #expect(known(facts, 10) == [2, 3, 4, 5])
    #expect(known(facts, 11) == [2, 4, 5])
    #expect(known(facts, 12) == [2, 4, 5])
  }

  /// The entry set is the caller's: on a 32-bit host every register starts
  /// within 32 bits (0, or the context's address and length).
  @Test func entrySetIsUsed() {
    let ops: [Op] = [.alu(.add, .w64, r(0), reg(1)), .return]
    let facts = UpperZero(FunctionIR.Function(ops: ops, labelCount: 0), entry: 0b110)
    #expect(known(facts, 0) == [1, 2])
    #expect(known(facts, 1) == [1, 2])
  }

  /// A loop keeps a fact only if the back edge keeps it: w3 += 1 does,
  /// r4 += 1 (64-bit, may carry into the high word) does not.
  @Test func loopsMeetAtTheirHead() {
    let ops: [Op] = [
      .constant(r(3), 0),  // 0
      .constant(r(4), 0),  // 1
      .label(label(0)),  // 2: loop head
      .alu(.add, .w32, r(3), .immediate(1)),  // 3
      .alu(.add, .w64, r(4), .immediate(1)),  // 4
      .branch(.lessThanUnsigned, .w64, r(4), reg(2), label(0)),  // 5
      .return,  // 6
    ]
    let facts = UpperZero(FunctionIR.Function(ops: ops, labelCount: 1), entry: 0)
    #expect(known(facts, 2) == [3])
    #expect(known(facts, 3) == [3])
    #expect(known(facts, 5) == [3])
    #expect(known(facts, 6) == [3])
  }

  /// `if r1 > 100 goto L`: on the fall-through r1 ≤ 100; at L nothing is
  /// known about r1. `if r2 < 7` bounds r2 on the taken edge only. A
  /// signed comparison or a 32-bit one proves nothing about the high word.
  @Test func unsignedComparisonsBound() {
    let ops: [Op] = [
      .branch(.greaterThanUnsigned, .w64, r(1), .immediate(100), label(0)),  // 0
      .branch(.lessThan, .w64, r(3), .immediate(5), label(1)),  // 1: r1 fits here
      .branch(.lessThanUnsigned, .w32, r(4), .immediate(5), label(1)),  // 2
      .branch(.lessThanUnsigned, .w64, r(2), .immediate(7), label(1)),  // 3
      .return,  // 4: r1 only
      .label(label(0)),  // 5: from 0 only
      .return,  // 6
      .label(label(1)),  // 7: from 1, 2 (r1) and 3 (r1, r2): r1
      .return,
    ]
    let facts = UpperZero(FunctionIR.Function(ops: ops, labelCount: 2), entry: 0)
    #expect(known(facts, 1) == [1])
    #expect(known(facts, 4) == [1])
    #expect(known(facts, 6) == [])
    #expect(known(facts, 7) == [1])
  }

  /// Against a register: `if r4 < r2` (r2 fits) bounds r4 on the taken
  /// edge; `if r5 > r3` (r5 fits) bounds r3 there; the other edges learn
  /// nothing (r4 ≥ r2, r3 ≥ r5). `==` bounds the other side on the taken
  /// edge when one side fits.
  @Test func registerComparisonsBound() {
    let ops: [Op] = [
      .alu(.move, .w32, r(2), .immediate(9)),  // 0
      .alu(.move, .w32, r(5), .immediate(9)),  // 1
      .branch(.lessThanUnsigned, .w64, r(4), reg(2), label(0)),  // 2
      .branch(.greaterThanUnsigned, .w64, r(5), reg(3), label(1)),  // 3
      .branch(.equal, .w64, r(6), reg(2), label(2)),  // 4
      .return,  // 5
      .label(label(0)),  // 6
      .return,  // 7
      .label(label(1)),  // 8
      .return,  // 9
      .label(label(2)),  // 10
      .return,  // 11
    ]
    let facts = UpperZero(FunctionIR.Function(ops: ops, labelCount: 3), entry: 0)
    #expect(known(facts, 3) == [2, 5])
    #expect(known(facts, 4) == [2, 5])
    #expect(known(facts, 5) == [2, 5])
    #expect(known(facts, 7) == [2, 4, 5])
    #expect(known(facts, 9) == [2, 3, 5])
    #expect(known(facts, 11) == [2, 5, 6])
  }

  /// Helper calls clobber r0–r5; local calls too, but restore r6–r9; a
  /// local function starts knowing nothing.
  @Test func callsClobber() {
    let ops: [Op] = [
      .alu(.move, .w32, r(1), .immediate(1)),  // 0
      .alu(.move, .w32, r(6), .immediate(1)),  // 1
      .callHelper(id: 1, site: 2),  // 2
      .alu(.move, .w32, r(2), .immediate(1)),  // 3
      .callLocal(label(0), site: 4),  // 4
      .return,  // 5
      .label(label(0)),  // 6
      .return,  // 7
    ]
    let facts = UpperZero(FunctionIR.Function(ops: ops, labelCount: 1), entry: 0x3FF)
    #expect(known(facts, 2) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(known(facts, 3) == [6, 7, 8, 9])
    #expect(known(facts, 4) == [2, 6, 7, 8, 9])
    #expect(known(facts, 5) == [6, 7, 8, 9])
    #expect(known(facts, 6) == [])
    #expect(known(facts, 7) == [])
  }

  /// Fletcher-16 as clang -target bpf -O2 compiles Firmware/BPF/fletcher16.c
  /// (the loop of `llvm-objdump -d`), entry with every register within 32
  /// bits (a 32-bit host). At the loop head r0 (w0 -= w6 on the back edge),
  /// r3 (w3 -= w0), r5 (the constant 0x80808081) and r6 (w6 = w0) fit; r4
  /// (r4 += 1, 64-bit) does not; r1, r2 and r7–r9 are never written.
  @Test func fletcherLoop() {
    let ops: [Op] = [
      .constant(r(0), 0),  // 0  r0 = 0
      .branch(.equal, .w64, r(2), .immediate(0), label(1)),  // 1
      .alu(.move, .w32, r(6), .immediate(0)),  // 2  w6 = 0
      .constant(r(4), 0),  // 3  r4 = 0
      .constant(r(5), 0x8080_8081),  // 4  r5 = 2155905153 ll
      .alu(.move, .w32, r(3), .immediate(0)),  // 5  w3 = 0
      .label(label(0)),  // 6
      .alu(.move, .w64, r(0), reg(1)),  // 7  r0 = r1
      .alu(.add, .w64, r(0), reg(4)),  // 8  r0 += r4
      .load(r(0), base: r(0), offset: 0, size: 1, signExtend: false, site: 9),  // 9
      .alu(.add, .w32, r(3), reg(0)),  // 10 w3 += w0
      .alu(.move, .w64, r(0), reg(3)),  // 11 r0 = r3
      .alu(.multiply, .w64, r(0), reg(5)),  // 12 r0 *= r5
      .alu(.shiftRightLogical, .w64, r(0), .immediate(39)),  // 13
      .alu(.multiply, .w32, r(0), .immediate(255)),  // 14
      .alu(.sub, .w32, r(3), reg(0)),  // 15
      .alu(.move, .w32, r(0), reg(3)),  // 16
      .alu(.add, .w32, r(0), reg(6)),  // 17
      .alu(.move, .w64, r(6), reg(0)),  // 18
      .alu(.multiply, .w64, r(6), reg(5)),  // 19
      .alu(.shiftRightLogical, .w64, r(6), .immediate(39)),  // 20
      .alu(.multiply, .w32, r(6), .immediate(255)),  // 21
      .alu(.sub, .w32, r(0), reg(6)),  // 22
      .alu(.add, .w64, r(4), .immediate(1)),  // 23
      .alu(.move, .w32, r(6), reg(0)),  // 24
      .branch(.lessThanUnsigned, .w64, r(4), reg(2), label(0)),  // 25
      .label(label(1)),  // 26
      .return,  // 27
    ]
    let facts = UpperZero(FunctionIR.Function(ops: ops, labelCount: 2), entry: 0x3FF)
    #expect(known(facts, 7) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(known(facts, 8) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])  // r0 = r1 fits
    #expect(known(facts, 9) == [1, 2, 3, 4, 5, 6, 7, 8, 9])  // r0 += r4 may carry
    #expect(known(facts, 12) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])  // both factors fit
    #expect(known(facts, 13) == [1, 2, 3, 4, 5, 6, 7, 8, 9])  // a 64-bit product
    #expect(known(facts, 14) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])  // >> 39
    #expect(known(facts, 19) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(known(facts, 24) == [0, 1, 2, 3, 5, 6, 7, 8, 9])  // r4 += 1 may carry
    #expect(known(facts, 25) == [0, 1, 2, 3, 5, 6, 7, 8, 9])
    // At the exit: from the first branch (r4 = 0 then too) and from the loop.
    #expect(known(facts, 27) == [0, 1, 2, 3, 5, 6, 7, 8, 9])
  }
}
