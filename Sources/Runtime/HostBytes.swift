/// The guest value of `size` (1, 2 or 4) little-endian bytes at host address
/// `p`, any alignment: the in-page fast path of both guest memories.
@inline(__always)
func loadLittleEndian(_ p: UnsafeRawPointer, size: Int) -> UInt32 {
  switch size {
  case 1: UInt32(p.load(as: UInt8.self))
  case 2: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
  default: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
  }
}

/// Stores the low `size` (1, 2 or 4) bytes of `value` little-endian at host
/// address `p`, any alignment.
@inline(__always)
func storeLittleEndian(_ p: UnsafeMutableRawPointer, size: Int, _ value: UInt32) {
  switch size {
  case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
  case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, as: UInt16.self)
  default: p.storeBytes(of: value.littleEndian, as: UInt32.self)
  }
}
