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
