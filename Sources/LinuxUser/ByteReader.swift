/// Bounds-checked little-endian reads from a byte array.
///
/// Every accessor returns `nil` instead of trapping when the requested bytes
/// are not all inside the array, so parsers built on it cannot crash on
/// hostile input.
struct ByteReader {
  let bytes: [UInt8]

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var count: Int { bytes.count }

  /// True when `count` bytes starting at `offset` lie inside the array.
  func contains(offset: UInt64, count: UInt64) -> Bool {
    let (end, overflow) = offset.addingReportingOverflow(count)
    return !overflow && end <= UInt64(bytes.count)
  }

  func u8(_ offset: Int) -> UInt8? {
    guard offset >= 0, offset < bytes.count else { return nil }
    return bytes[offset]
  }

  func u16(_ offset: Int) -> UInt16? {
    guard offset >= 0, offset <= bytes.count - 2 else { return nil }
    return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
  }

  func u32(_ offset: Int) -> UInt32? {
    guard offset >= 0, offset <= bytes.count - 4 else { return nil }
    var value: UInt32 = 0
    for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * i) }
    return value
  }

  /// The NUL-terminated string at `offset` (at most `limit` bytes), if it is
  /// terminated inside the array.
  func cString(_ offset: Int, limit: Int = 4096) -> String? {
    guard offset >= 0, offset < bytes.count else { return nil }
    var end = offset
    while end < bytes.count, end - offset < limit {
      if bytes[end] == 0 { return String(decoding: bytes[offset..<end], as: UTF8.self) }
      end += 1
    }
    return nil
  }
}

/// Little-endian serialisation helpers for building guest structures.
extension Array where Element == UInt8 {
  mutating func appendLE(_ value: UInt32) {
    for i in 0..<4 { append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
  }

  mutating func appendLE(_ value: UInt64) {
    for i in 0..<8 { append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
  }

  /// Overwrites 4 bytes at `offset` (which the caller has allocated).
  mutating func storeLE(_ value: UInt32, at offset: Int) {
    for i in 0..<4 { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
  }
}

extension UInt32 {
  /// Decodes a little-endian word from exactly four bytes.
  init(littleEndianBytes b: ArraySlice<UInt8>) {
    var value: UInt32 = 0
    for (i, byte) in b.prefix(4).enumerated() { value |= UInt32(byte) << (8 * i) }
    self = value
  }
}
