/// The arithmetic of RFC 9669 §4 as pure functions, shared by the
/// interpreter, constant folding and tests (the JIT's oracle).
///
/// * 32-bit operations work on the low 32 bits and zero-extend the result;
/// * `x / 0 = 0`, `x % 0 = x` (32-bit: the low half of x, zero-extended);
/// * signed: `INT_MIN / -1 = INT_MIN`, `INT_MIN % -1 = 0`, remainder has the
///   sign of the dividend (truncated division);
/// * shift amounts are masked to 5 or 6 bits.
public enum Semantics {
  @inline(__always)
  public static func alu64(_ op: ALUOperation, _ a: UInt64, _ b: UInt64) -> UInt64 {
    let sa = Int64(bitPattern: a)
    let sb = Int64(bitPattern: b)
    switch op {
    case .add: return a &+ b
    case .sub: return a &- b
    case .mul: return a &* b
    case .div: return b == 0 ? 0 : a / b
    case .sdiv:
      if sb == 0 { return 0 }
      if sb == -1 { return 0 &- a }  // INT_MIN / -1 wraps to INT_MIN
      return UInt64(bitPattern: sa / sb)
    case .or: return a | b
    case .and: return a & b
    case .lsh: return a &<< (b & 63)
    case .rsh: return a &>> (b & 63)
    case .neg: return 0 &- a
    case .mod: return b == 0 ? a : a % b
    case .smod:
      if sb == 0 { return a }
      if sb == -1 { return 0 }  // INT_MIN % -1 = 0
      return UInt64(bitPattern: sa % sb)
    case .xor: return a ^ b
    case .mov: return b
    case .movsx8: return UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: b)))
    case .movsx16: return UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: b)))
    case .movsx32: return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: b)))
    case .arsh: return UInt64(bitPattern: sa &>> Int64(b & 63))
    }
  }

  @inline(__always)
  public static func alu32(_ op: ALUOperation, _ a: UInt32, _ b: UInt32) -> UInt32 {
    let sa = Int32(bitPattern: a)
    let sb = Int32(bitPattern: b)
    switch op {
    case .add: return a &+ b
    case .sub: return a &- b
    case .mul: return a &* b
    case .div: return b == 0 ? 0 : a / b
    case .sdiv:
      if sb == 0 { return 0 }
      if sb == -1 { return 0 &- a }
      return UInt32(bitPattern: sa / sb)
    case .or: return a | b
    case .and: return a & b
    case .lsh: return a &<< (b & 31)
    case .rsh: return a &>> (b & 31)
    case .neg: return 0 &- a
    case .mod: return b == 0 ? a : a % b
    case .smod:
      if sb == 0 { return a }
      if sb == -1 { return 0 }
      return UInt32(bitPattern: sa % sb)
    case .xor: return a ^ b
    case .mov: return b
    case .movsx8: return UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: b)))
    case .movsx16: return UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: b)))
    case .movsx32: return b  // not a valid 32-bit form; the table never decodes it
    case .arsh: return UInt32(bitPattern: sa &>> Int32(b & 31))
    }
  }

  /// A full ALU step: picks the width, zero-extends 32-bit results.
  @inline(__always)
  public static func alu(_ op: ALUOperation, _ width: Width, _ a: UInt64, _ b: UInt64) -> UInt64 {
    switch width {
    case .w64: alu64(op, a, b)
    case .w32: UInt64(alu32(op, UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: b)))
    }
  }

  /// `le`/`be`/`bswap` on eBPF's little-endian machine (independent of the host).
  @inline(__always)
  public static func byteSwap(_ kind: ByteSwap, bits: UInt8, _ v: UInt64) -> UInt64 {
    switch (kind, bits) {
    case (.toLittle, 16): return v & 0xFFFF
    case (.toLittle, 32): return v & 0xFFFF_FFFF
    case (.toLittle, _): return v
    case (_, 16): return UInt64(UInt16(truncatingIfNeeded: v).byteSwapped)
    case (_, 32): return UInt64(UInt32(truncatingIfNeeded: v).byteSwapped)
    default: return v.byteSwapped
    }
  }

  /// A jump condition on 64 bits, or on the low 32 bits for JMP32.
  @inline(__always)
  public static func condition(_ c: Condition, _ width: Width, _ a: UInt64, _ b: UInt64) -> Bool {
    switch width {
    case .w64:
      return compare(c, a, b, Int64(bitPattern: a), Int64(bitPattern: b))
    case .w32:
      let a32 = UInt32(truncatingIfNeeded: a)
      let b32 = UInt32(truncatingIfNeeded: b)
      return compare(c, a32, b32, Int32(bitPattern: a32), Int32(bitPattern: b32))
    }
  }

  @inline(__always)
  static func compare<U: FixedWidthInteger & UnsignedInteger, S: FixedWidthInteger & SignedInteger>(
    _ c: Condition, _ a: U, _ b: U, _ sa: S, _ sb: S
  ) -> Bool {
    switch c {
    case .eq: a == b
    case .ne: a != b
    case .gt: a > b
    case .ge: a >= b
    case .lt: a < b
    case .le: a <= b
    case .set: a & b != 0
    case .sgt: sa > sb
    case .sge: sa >= sb
    case .slt: sa < sb
    case .sle: sa <= sb
    }
  }

  /// `imm` as the second operand of a `width` operation: sign-extended for
  /// 64-bit operations (then read as unsigned where the operation is), the
  /// 32-bit pattern for 32-bit ones.
  @inline(__always)
  public static func immediate(_ imm: Int32, _ width: Width) -> UInt64 {
    switch width {
    case .w64: UInt64(bitPattern: Int64(imm))
    case .w32: UInt64(UInt32(bitPattern: imm))
    }
  }
}
