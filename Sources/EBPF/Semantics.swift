import KilnIR

/// The arithmetic of RFC 9669 §4 as pure functions, shared by the
/// interpreter, constant folding and tests (the JIT's oracle). The
/// operations the IRs share are KilnIR's ``BinaryOperation`` (with the
/// ``DivisionRule/ebpf`` rule) and ``KilnIR/Condition``, whose reference
/// semantics decide every edge case; eBPF adds `neg` and the sign-extending
/// moves:
///
/// * 32-bit operations work on the low 32 bits and zero-extend the result;
/// * `x / 0 = 0`, `x % 0 = x` (32-bit: the low half of x, zero-extended);
/// * signed: `INT_MIN / -1 = INT_MIN`, `INT_MIN % -1 = 0`, remainder has the
///   sign of the dividend (truncated division);
/// * shift amounts are masked to 5 or 6 bits.
public enum Semantics {
  @inline(__always)
  public static func alu64(_ op: ALUOperation, _ a: UInt64, _ b: UInt64) -> UInt64 {
    alu(op, .w64, a, b)
  }

  @inline(__always)
  public static func alu32(_ op: ALUOperation, _ a: UInt32, _ b: UInt32) -> UInt32 {
    UInt32(truncatingIfNeeded: alu(op, .w32, UInt64(a), UInt64(b)))
  }

  /// A full ALU step: picks the width, zero-extends 32-bit results.
  /// Always inlined: with ``ALUOperation/withMeaning(_:)`` and KilnIR's
  /// always-inlined `evaluate`, the interpreter dispatches once per step.
  @inline(always)
  public static func alu(_ op: ALUOperation, _ width: Width, _ a: UInt64, _ b: UInt64) -> UInt64 {
    let w = width.shared
    return op.withMeaning { meaning in
      switch meaning {
      case .binary(let shared): return shared.evaluate(a, b, width: w)
      case .negate: return BinaryOperation.sub.evaluate(0, a, width: w)
      case .signExtend(let bits):
        let extended: Int64 =
          switch bits {
          case 8: Int64(Int8(truncatingIfNeeded: b))
          case 16: Int64(Int16(truncatingIfNeeded: b))
          default: Int64(Int32(truncatingIfNeeded: b))
          }
        // `movsx32` has no 32-bit form (the table never decodes one).
        return UInt64(bitPattern: extended) & w.mask
      }
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
  @inline(always)
  public static func condition(_ c: Condition, _ width: Width, _ a: UInt64, _ b: UInt64) -> Bool {
    let w = width.shared
    return c.withShared { $0.holds(a, b, width: w) }
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
