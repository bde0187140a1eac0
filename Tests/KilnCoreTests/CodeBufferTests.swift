import Testing

@testable import KilnCore

/// `CodeBuffer` stores whole words through a pointer into scratch space
/// after the code; these check that what it holds is exactly the bytes
/// emitted, little-endian, across growth, whatever width each emit had.
@Suite struct CodeBufferTests {
  /// Emits of every width (and whole-instruction emits of 0…16 bytes) into
  /// buffers that start tiny, so the scratch runs out and grows many times;
  /// the expected bytes are appended one by one to a plain array.
  @Test(arguments: [0, 1, 7, 64])
  func mixedEmitsAreExactAcrossGrowth(capacity: Int) {
    var buffer = CodeBuffer(baseAddress: 0x1000, capacity: capacity)
    var expected: [UInt8] = []
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return seed
    }
    func littleEndian(_ v: UInt64, _ n: Int) -> [UInt8] {
      (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
    }
    for step in 0..<500 {
      let v = next()
      switch step % 6 {
      case 0:
        buffer.emit8(UInt8(truncatingIfNeeded: v))
        expected += littleEndian(v, 1)
      case 1:
        buffer.emit16(UInt16(truncatingIfNeeded: v))
        expected += littleEndian(v, 2)
      case 2:
        buffer.emit32(UInt32(truncatingIfNeeded: v))
        expected += littleEndian(v, 4)
      case 3:
        buffer.emit64(v)
        expected += littleEndian(v, 8)
      case 4:
        let hi = next()
        let n = step % 17
        buffer.emit(v, hi, count: n)
        expected += (littleEndian(v, 8) + littleEndian(hi, 8)).prefix(n)
      default:
        buffer.emit([0xAB, UInt8(truncatingIfNeeded: v)])
        expected += [0xAB, UInt8(truncatingIfNeeded: v)]
      }
      #expect(buffer.offset == expected.count)
    }
    #expect(buffer.bytes == expected)
    #expect(buffer.address == 0x1000 + UInt(expected.count))
    #expect(buffer.takeBytes() == expected)
    // Emitting after `takeBytes` grows again and keeps the code.
    buffer.emit32(0xDDCC_BBAA)
    #expect(buffer.bytes == expected + [0xAA, 0xBB, 0xCC, 0xDD])
  }

  @Test func patchesAndReadsStayInsideTheCode() {
    var buffer = CodeBuffer(capacity: 4)
    buffer.emit32(0)
    buffer.emit8(0x90)
    buffer.patch32(at: 1, 0x4433_2211)
    buffer.patch8(at: 0, 0xE9)
    #expect(buffer.bytes == [0xE9, 0x11, 0x22, 0x33, 0x44])
    #expect(buffer.read32(at: 1) == 0x4433_2211)
    #expect(buffer.read8(at: 4) == 0x44)
  }
}
