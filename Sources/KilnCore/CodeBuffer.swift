/// A growable byte buffer that code is assembled into before it is copied to
/// executable memory.
///
/// `baseAddress` is the host address that byte 0 will have once the code is
/// installed, so PC-relative references to code outside this buffer (other
/// blocks, stubs) can be computed while assembling.
public struct CodeBuffer: Sendable {
  public private(set) var bytes: [UInt8]
  public let baseAddress: UInt

  public init(baseAddress: UInt = 0, capacity: Int = 256) {
    self.baseAddress = baseAddress
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// The offset of the next byte to be emitted.
  public var offset: Int { bytes.count }

  /// The host address of the next byte to be emitted.
  public var address: UInt { baseAddress &+ UInt(bytes.count) }

  public mutating func emit8(_ value: UInt8) { bytes.append(value) }

  public mutating func emit16(_ value: UInt16) {
    bytes.append(UInt8(truncatingIfNeeded: value))
    bytes.append(UInt8(truncatingIfNeeded: value >> 8))
  }

  public mutating func emit32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
    }
  }

  public mutating func emit64(_ value: UInt64) {
    emit32(UInt32(truncatingIfNeeded: value))
    emit32(UInt32(truncatingIfNeeded: value >> 32))
  }

  public mutating func emit(_ sequence: some Sequence<UInt8>) {
    bytes.append(contentsOf: sequence)
  }

  /// Overwrites four little-endian bytes at `offset`.
  public mutating func patch32(at offset: Int, _ value: UInt32) {
    precondition(offset >= 0 && offset + 4 <= bytes.count, "patch outside the buffer")
    for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> UInt32(8 * i)) }
  }

  /// Reads four little-endian bytes at `offset`.
  public func read32(at offset: Int) -> UInt32 {
    var value: UInt32 = 0
    for i in 0..<4 { value |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
    return value
  }

  /// Overwrites one byte at `offset`.
  public mutating func patch8(at offset: Int, _ value: UInt8) {
    precondition(offset >= 0 && offset < bytes.count, "patch outside the buffer")
    bytes[offset] = value
  }
}
