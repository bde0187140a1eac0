/// Small bit-manipulation helpers shared by decoders and encoders.
extension FixedWidthInteger {
  /// Bits `low...high` (inclusive) of `self`, shifted down to bit 0.
  @inlinable public func bits(_ low: Int, _ high: Int) -> Self {
    (self >> Self(low)) & ((1 << Self(high - low + 1)) &- 1)
  }
}

/// Sign-extends the low `width` bits of `value` to 32 bits.
@inlinable public func signExtend32(_ value: UInt32, width: Int) -> Int32 {
  let shift = UInt32(32 - width)
  return Int32(bitPattern: value << shift) >> Int32(shift)
}

/// True if `value` fits in a signed field of `width` bits.
@inlinable public func fitsSigned(_ value: Int64, bits width: Int) -> Bool {
  let limit = Int64(1) << (width - 1)
  return value >= -limit && value < limit
}
