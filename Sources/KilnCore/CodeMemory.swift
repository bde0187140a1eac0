/// Memory that generated code is installed in and runs from. Writing makes
/// the memory writable (and, under W^X, not executable); `commit` makes it
/// executable again and makes instruction fetch see exactly the written
/// range (an instruction-cache flush on Arm, a translation-cache
/// invalidation in an emulator). Code runs only from committed memory.
public protocol CodeMemory: AnyObject {
  /// Address of the first byte, as generated code sees it.
  var address: UInt { get }
  var capacity: Int { get }
  /// Copies `bytes` to `offset`; not executable until `commit`.
  func write(_ bytes: [UInt8], at offset: Int)
  /// Ends writing: the memory is executable (not writable) again and
  /// instruction fetch sees the bytes written to `range`.
  func commit(_ range: Range<Int>)
}

extension CodeMemory {
  /// Writes `bytes` at `offset` and commits exactly that range.
  public func install(_ bytes: [UInt8], at offset: Int) {
    write(bytes, at: offset)
    commit(offset..<offset + bytes.count)
  }
}
