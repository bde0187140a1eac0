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
/// block (callgrind, `compile-bench`).
public struct CodeBuffer: Sendable {
  @usableFromInline var storage: [UInt8]
  public let baseAddress: UInt

  /// Bytes reserved up front: one allocation holds a typical block (a few
  /// hundred bytes) and its out-of-line paths without growing.
  public static let defaultCapacity = 1024

  public init(baseAddress: UInt = 0, capacity: Int = CodeBuffer.defaultCapacity) {
    self.baseAddress = baseAddress
    storage = []
    storage.reserveCapacity(capacity)
  }

  /// The code assembled so far.
  @inlinable public var bytes: [UInt8] { storage }

  /// The offset of the next byte to be emitted.
  @inlinable public var offset: Int { storage.count }

  /// The host address of the next byte to be emitted.
  @inlinable public var address: UInt { baseAddress &+ UInt(storage.count) }

  @inlinable public mutating func emit8(_ value: UInt8) { storage.append(value) }

  @inlinable public mutating func emit16(_ value: UInt16) {
    storage.append(UInt8(truncatingIfNeeded: value))
    storage.append(UInt8(truncatingIfNeeded: value >> 8))
  }

  // Four appends are cheaper than one `append(contentsOf:)` of the value's
  // bytes (callgrind: half the instructions).
  @inlinable public mutating func emit32(_ value: UInt32) {
    storage.append(UInt8(truncatingIfNeeded: value))
    storage.append(UInt8(truncatingIfNeeded: value >> 8))
    storage.append(UInt8(truncatingIfNeeded: value >> 16))
    storage.append(UInt8(truncatingIfNeeded: value >> 24))
  }

  @inlinable public mutating func emit64(_ value: UInt64) {
    emit32(UInt32(truncatingIfNeeded: value))
    emit32(UInt32(truncatingIfNeeded: value >> 32))
  }

  @inlinable public mutating func emit(_ sequence: some Sequence<UInt8>) {
    storage.append(contentsOf: sequence)
  }

  /// Overwrites four little-endian bytes at `offset`.
  @inlinable public mutating func patch32(at offset: Int, _ value: UInt32) {
    precondition(offset >= 0 && offset + 4 <= storage.count, "patch outside the buffer")
    storage[offset] = UInt8(truncatingIfNeeded: value)
    storage[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    storage[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
    storage[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
  }

  /// Reads four little-endian bytes at `offset`.
  @inlinable public func read32(at offset: Int) -> UInt32 {
    UInt32(storage[offset]) | UInt32(storage[offset + 1]) << 8 | UInt32(storage[offset + 2]) << 16
      | UInt32(storage[offset + 3]) << 24
  }

  /// Overwrites one byte at `offset`.
  @inlinable public mutating func patch8(at offset: Int, _ value: UInt8) {
    precondition(offset >= 0 && offset < storage.count, "patch outside the buffer")
    storage[offset] = value
  }
}
