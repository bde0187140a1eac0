import KilnIR
import Testing

/// The one encoding of a guest access, shared by the ports that emit it and
/// the runtimes that decode it.
struct AccessDescriptorTests {
  static let sizes = [1, 2, 4, 8]
  /// Boundary pcs: zero, the ends of both halves, and a typical text address.
  static let pcs: [UInt32] = [
    0, 1, 0x0001_13A4, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
  ]

  @Test(arguments: sizes, pcs)
  func roundTrip(size: Int, pc: UInt32) throws {
    for signed in [false, true] {
      for isWrite in [false, true] {
        let access = try #require(
          AccessDescriptor(size: size, signed: signed, isWrite: isWrite, pc: pc))
        let decoded = try #require(AccessDescriptor(encoded: access.encoded))
        #expect(decoded == access)
        #expect(decoded.size == size)
        #expect(decoded.signed == signed)
        #expect(decoded.isWrite == isWrite)
        #expect(decoded.pc == pc)
        #expect(access.encoded >> 32 == UInt64(pc))
        #expect(access.encoded32 == (pc == 0 ? UInt32(access.encoded) : nil))
      }
    }
  }

  /// The bits, as generated code carried them before the descriptor
  /// existed (x86-64 dumps of `kiln run -v` and `kiln bpf run -v`): size in
  /// bits 0…7, signed in bit 8, the pc in bits 32…63. isWrite is bit 9.
  @Test func documentedBits() throws {
    // lw gp, 0x20(gp) at 0x113a4: `movabs rdx, 0x113a400000104`.
    #expect(
      AccessDescriptor(.word, signed: true, isWrite: false, pc: 0x113A4).encoded
        == 0x0001_13A4_0000_0104)
    // lbu at 0x11308.
    #expect(AccessDescriptor(.byte, isWrite: false, pc: 0x11308).encoded == 0x0001_1308_0000_0001)
    #expect(AccessDescriptor(.half, isWrite: true, pc: 0x10).encoded == 0x0000_0010_0000_0202)
    // eBPF: 8-byte store, no pc.
    #expect(try #require(AccessDescriptor(size: 8, isWrite: true)).encoded32 == 0x208)
    #expect(try #require(AccessDescriptor(size: 4, isWrite: false)).encoded32 == 4)
  }

  @Test func guestSizesAreValid() throws {
    for size in AccessSize.allCases {
      let access = AccessDescriptor(size, isWrite: false)
      #expect(access == AccessDescriptor(size: size.rawValue, isWrite: false))
    }
  }

  @Test(arguments: [0, 3, 5, 6, 7, 9, 16, 255, 256, -1])
  func invalidSizeIsRejected(size: Int) {
    #expect(AccessDescriptor(size: size, isWrite: false) == nil)
    #expect(AccessDescriptor.isValidSize(size) == false)
    if size >= 0 && size <= 0xFF {
      #expect(AccessDescriptor(encoded: UInt64(size)) == nil)
      #expect(AccessDescriptor(encoded: UInt64(size) | 0x300 | 0x1234 << 32) == nil)
    }
  }

  /// Bits 10…31 are never set by `encoded`: a value with one set did not
  /// come from a port and is rejected.
  @Test(arguments: 10..<32)
  func reservedBitIsRejected(bit: Int) {
    let valid = AccessDescriptor(.word, isWrite: true, pc: 0x1000).encoded
    #expect(AccessDescriptor(encoded: valid) != nil)
    #expect(AccessDescriptor(encoded: valid | 1 << UInt64(bit)) == nil)
  }
}
