/// Bounds-checked little-endian reads from the object's bytes. Every read
/// that would leave the file throws ``EBPFObjectError/truncated(what:offset:size:fileSize:)``,
/// so malformed input never traps.
struct ByteReader {
  let bytes: [UInt8]

  /// Checks that `[offset, offset + size)` lies in the file (overflow-safe).
  func require(_ what: String, offset: UInt64, size: UInt64) throws(EBPFObjectError) {
    let (end, overflow) = offset.addingReportingOverflow(size)
    guard !overflow, end <= UInt64(bytes.count) else {
      throw .truncated(what: what, offset: offset, size: size, fileSize: bytes.count)
    }
  }

  /// An unsigned little-endian integer of `width` bytes at `offset`; the
  /// caller has checked the range with ``require(_:offset:size:)``.
  func uint(_ offset: UInt64, _ width: Int) -> UInt64 {
    var v: UInt64 = 0
    let start = Int(offset)
    for k in 0..<width { v |= UInt64(bytes[start + k]) << UInt64(8 * k) }
    return v
  }

  func u8(_ offset: UInt64) -> UInt8 { bytes[Int(offset)] }
  func u16(_ offset: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: uint(offset, 2)) }
  func u32(_ offset: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: uint(offset, 4)) }
  func u64(_ offset: UInt64) -> UInt64 { uint(offset, 8) }

  /// The NUL-terminated string at `offset` of a string table occupying
  /// `[tableOffset, tableOffset + tableSize)`; nil when it runs off the table.
  func string(in tableOffset: UInt64, size tableSize: UInt64, at offset: UInt64) -> String? {
    guard offset < tableSize else { return nil }
    let start = Int(tableOffset + offset)
    let end = Int(tableOffset + tableSize)
    var i = start
    while i < end {
      if bytes[i] == 0 { return String(decoding: bytes[start..<i], as: UTF8.self) }
      i += 1
    }
    return nil
  }
}
