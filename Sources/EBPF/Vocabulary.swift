import KilnIR

/// eBPF's arithmetic and jumps in the shared IR vocabulary: the one mapping
/// that the translator (to ``FunctionIR``) and ``Semantics`` (the
/// interpreter's arithmetic) both use, so that every edge case is decided
/// by KilnIR's ``BinaryOperation/evaluate(_:_:width:)`` and
/// ``KilnIR/Condition/holds(_:_:width:)``.
extension ALUOperation {
  /// What an eBPF ALU operation is in the IR.
  @usableFromInline
  enum Meaning: Hashable {
    /// A shared operation; divisions follow ``DivisionRule/ebpf``.
    case binary(BinaryOperation)
    /// `dst = -dst`.
    case negate
    /// `dst = sign-extend(low bits of src)` (`movsx8`, `movsx16`, `movsx32`).
    case signExtend(bits: UInt8)
  }

  @inlinable
  var meaning: Meaning { withMeaning { $0 } }

  /// `body` applied to ``meaning``. Each case passes a constant, so where
  /// this is inlined `body` is specialized per case: the interpreter
  /// dispatches on an operation once, instead of mapping it and then
  /// dispatching on the result.
  @inlinable @inline(always)
  func withMeaning<R>(_ body: (Meaning) -> R) -> R {
    switch self {
    case .add: body(.binary(.add))
    case .sub: body(.binary(.sub))
    case .mul: body(.binary(.multiply))
    case .div: body(.binary(.divideUnsigned(.ebpf)))
    case .sdiv: body(.binary(.divide(.ebpf)))
    case .or: body(.binary(.or))
    case .and: body(.binary(.and))
    case .lsh: body(.binary(.shiftLeft))
    case .rsh: body(.binary(.shiftRightLogical))
    case .neg: body(.negate)
    case .mod: body(.binary(.remainderUnsigned))
    case .smod: body(.binary(.remainder))
    case .xor: body(.binary(.xor))
    case .mov: body(.binary(.move))
    case .movsx8: body(.signExtend(bits: 8))
    case .movsx16: body(.signExtend(bits: 16))
    case .movsx32: body(.signExtend(bits: 32))
    case .arsh: body(.binary(.shiftRightArithmetic))
    }
  }
}

extension Condition {
  /// The IR condition of this jump.
  @inlinable
  var shared: KilnIR.Condition { withShared { $0 } }

  /// `body` applied to ``shared``, dispatched once where inlined (see
  /// ``ALUOperation/withMeaning(_:)``).
  @inlinable @inline(always)
  func withShared<R>(_ body: (KilnIR.Condition) -> R) -> R {
    switch self {
    case .eq: body(.equal)
    case .ne: body(.notEqual)
    case .gt: body(.greaterThanUnsigned)
    case .ge: body(.greaterOrEqualUnsigned)
    case .lt: body(.lessThanUnsigned)
    case .le: body(.lessOrEqualUnsigned)
    case .sgt: body(.greaterThan)
    case .sge: body(.greaterOrEqual)
    case .slt: body(.lessThan)
    case .sle: body(.lessOrEqual)
    case .set: body(.andNonZero)
    }
  }
}

extension Width {
  /// The IR width.
  @inlinable
  var shared: KilnIR.Width { self == .w64 ? .w64 : .w32 }
}
