/// A growable byte buffer that code is assembled into before it is copied to
/// executable memory.
///
/// `baseAddress` is the host address that byte 0 will have once the code is
/// installed, so PC-relative references to code outside this buffer (other
/// blocks, stubs) can be computed while assembling.
///
/// The emit methods are `@inlinable`: every port's encoder calls them once
/// per instruction or byte, from another module, and a call per byte (with
/// its array uniqueness check) was the largest single cost of compiling a
/// block (callgrind, `compile-bench`). Each emit is one capacity check and
/// one unaligned store through a pointer; `emit(_:_:count:)` writes a whole
/// instruction of up to 16 bytes at once.
public struct CodeBuffer: Sendable {
  /// The code, then scratch: `storage` is always at least
  /// `slack` bytes longer than the code (`count` bytes), so an emit stores
  /// a whole word through a pointer after one capacity check, instead of an
  /// `Array.append` (with its uniqueness and capacity checks) per byte.
  @usableFromInline var storage: [UInt8]
  /// Bytes of code emitted so far.
  @usableFromInline var count = 0
  public let baseAddress: UInt

  /// Bytes reserved up front: one allocation holds a typical block (a few
  /// hundred bytes) and its out-of-line paths without growing.
  public static let defaultCapacity = 1024

  /// Scratch bytes kept after the code: the widest single store (`emit(_:_:count:)`).
  @usableFromInline static var slack: Int { 16 }

  public init(baseAddress: UInt = 0, capacity: Int = CodeBuffer.defaultCapacity) {
    self.baseAddress = baseAddress
    let n = max(capacity, 0) + Self.slack
    // Unsafe: the bytes are left uninitialized (UInt8 is trivial, and no
    // byte at or after `count` is ever read: `bytes`, `read8` and `read32`
    // stop at `count`), which saves zeroing the whole capacity per block.
    storage = [UInt8](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
  }

  /// The code assembled so far.
  @inlinable public var bytes: [UInt8] {
    count == storage.count ? storage : Array(storage[..<count])
  }

  /// The code assembled so far, without a copy: the scratch after it is
  /// dropped (emitting more afterwards grows the buffer again).
  @inlinable public mutating func takeBytes() -> [UInt8] {
    storage.removeLast(storage.count - count)
    return storage
  }

  /// The offset of the next byte to be emitted.
  @inlinable public var offset: Int { count }

  /// The host address of the next byte to be emitted.
  @inlinable public var address: UInt { baseAddress &+ UInt(count) }

  /// Makes sure `slack` scratch bytes follow the code.
  @inlinable mutating func reserve() {
    if storage.count &- count < Self.slack { grow() }
  }

  @usableFromInline mutating func grow() {
    storage.append(contentsOf: repeatElement(0, count: storage.count + Self.slack))
  }

  /// Appends the `n` (≤ 16) low-order bytes of `lo` and then `hi`,
  /// little-endian: one instruction collected in registers by an encoder.
  @inlinable public mutating func emit(_ lo: UInt64, _ hi: UInt64, count n: Int) {
    precondition(n >= 0 && n <= Self.slack, "more than 16 bytes at once")
    reserve()
    let at = count
    // Unsafe: `reserve` left at least 16 bytes of `storage` from `at` on,
    // so both unaligned 8-byte stores stay inside it; the bytes past `n`
    // are scratch that the next emit overwrites.
    storage.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: lo.littleEndian, toByteOffset: at, as: UInt64.self)
      raw.storeBytes(of: hi.littleEndian, toByteOffset: at &+ 8, as: UInt64.self)
    }
    count = at &+ n
  }

  /// Appends the `n` (≤ 8) low-order bytes of `value`, little-endian.
  @inlinable mutating func put(_ value: UInt64, _ n: Int) {
    reserve()
    let at = count
    // Unsafe: as in `emit(_:_:count:)`, 16 bytes from `at` are inside `storage`.
    storage.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt64.self)
    }
    count = at &+ n
  }

  @inlinable public mutating func emit8(_ value: UInt8) { put(UInt64(value), 1) }

  @inlinable public mutating func emit16(_ value: UInt16) { put(UInt64(value), 2) }

  @inlinable public mutating func emit32(_ value: UInt32) { put(UInt64(value), 4) }

  @inlinable public mutating func emit64(_ value: UInt64) { put(value, 8) }

  @inlinable public mutating func emit(_ sequence: some Sequence<UInt8>) {
    for byte in sequence { emit8(byte) }
  }

  /// Overwrites four little-endian bytes at `offset`.
  @inlinable public mutating func patch32(at offset: Int, _ value: UInt32) {
    precondition(offset >= 0 && offset + 4 <= count, "patch outside the buffer")
    storage[offset] = UInt8(truncatingIfNeeded: value)
    storage[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    storage[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
    storage[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
  }

  /// Reads four little-endian bytes at `offset`.
  @inlinable public func read32(at offset: Int) -> UInt32 {
    precondition(offset >= 0 && offset + 4 <= count, "read outside the buffer")
    return UInt32(storage[offset]) | UInt32(storage[offset + 1]) << 8
      | UInt32(storage[offset + 2]) << 16 | UInt32(storage[offset + 3]) << 24
  }

  /// Reads the byte at `offset`.
  @inlinable public func read8(at offset: Int) -> UInt8 {
    precondition(offset >= 0 && offset < count, "read outside the buffer")
    return storage[offset]
  }

  /// Overwrites one byte at `offset`.
  @inlinable public mutating func patch8(at offset: Int, _ value: UInt8) {
    precondition(offset >= 0 && offset < count, "patch outside the buffer")
    storage[offset] = value
  }
}
