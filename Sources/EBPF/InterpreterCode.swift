extension DecodedSlot {
  /// The interpreter's dispatch code. Arithmetic and conditional jumps,
  /// most of what programs execute, get one code per operation (or
  /// condition) and ``Width``, so that they dispatch once; every other
  /// kind of ``Operation`` gets one code, its remaining parts being fields
  /// of the slot. `dispatch` maps each code to its meaning;
  /// `arithmetic(_:_:)` and `branch(_:_:)` look codes up in that same
  /// mapping, and `Tests/EBPFTests` checks that every pair has one code.
  enum Code: UInt8, CaseIterable, Sendable {
    case add64, sub64, mul64, div64, sdiv64, or64, and64, lsh64, rsh64, neg64, mod64, smod64
    case xor64, mov64, movsx8to64, movsx16to64, movsx32to64, arsh64
    case add32, sub32, mul32, div32, sdiv32, or32, and32, lsh32, rsh32, neg32, mod32, smod32
    case xor32, mov32, movsx8to32, movsx16to32, movsx32to32, arsh32
    /// `le`, `be` and `bswap` (the bit count is the slot's `immediate`).
    case toLittleEndian, toBigEndian, swapBytes
    case jump
    case jeq64, jgt64, jge64, jset64, jne64, jsgt64, jsge64, jlt64, jle64, jslt64, jsle64
    case jeq32, jgt32, jge32, jset32, jne32, jsgt32, jsge32, jlt32, jle32, jslt32, jsle32
    case callHelper, callRegister, callLocal, exit
    case loadImmediate64, load, loadSigned, storeImmediate, storeRegister, atomic
    case packetAbsolute, packetIndirect
    /// Rejected by the ``Checker`` (BTF calls) or never executed (`lddw`'s
    /// second slot).
    case notExecuted

    /// `arithmetic` applied to this code's operation and width, `branch` to
    /// its condition and width, or else `other` to this code. Each case passes constants, so
    /// where this is inlined the closures are specialized per case and the
    /// interpreter dispatches once per instruction (as
    /// ``ALUOperation/withMeaning(_:)`` does for ``Semantics``).
    @inline(always)
    func dispatch<R, E: Error>(
      arithmetic: (ALUOperation, Width) throws(E) -> R,
      branch: (Condition, Width) throws(E) -> R,
      other: (Code) throws(E) -> R
    ) throws(E) -> R {
      switch self {
      case .add64: try arithmetic(.add, .w64)
      case .sub64: try arithmetic(.sub, .w64)
      case .mul64: try arithmetic(.mul, .w64)
      case .div64: try arithmetic(.div, .w64)
      case .sdiv64: try arithmetic(.sdiv, .w64)
      case .or64: try arithmetic(.or, .w64)
      case .and64: try arithmetic(.and, .w64)
      case .lsh64: try arithmetic(.lsh, .w64)
      case .rsh64: try arithmetic(.rsh, .w64)
      case .neg64: try arithmetic(.neg, .w64)
      case .mod64: try arithmetic(.mod, .w64)
      case .smod64: try arithmetic(.smod, .w64)
      case .xor64: try arithmetic(.xor, .w64)
      case .mov64: try arithmetic(.mov, .w64)
      case .movsx8to64: try arithmetic(.movsx8, .w64)
      case .movsx16to64: try arithmetic(.movsx16, .w64)
      case .movsx32to64: try arithmetic(.movsx32, .w64)
      case .arsh64: try arithmetic(.arsh, .w64)
      case .add32: try arithmetic(.add, .w32)
      case .sub32: try arithmetic(.sub, .w32)
      case .mul32: try arithmetic(.mul, .w32)
      case .div32: try arithmetic(.div, .w32)
      case .sdiv32: try arithmetic(.sdiv, .w32)
      case .or32: try arithmetic(.or, .w32)
      case .and32: try arithmetic(.and, .w32)
      case .lsh32: try arithmetic(.lsh, .w32)
      case .rsh32: try arithmetic(.rsh, .w32)
      case .neg32: try arithmetic(.neg, .w32)
      case .mod32: try arithmetic(.mod, .w32)
      case .smod32: try arithmetic(.smod, .w32)
      case .xor32: try arithmetic(.xor, .w32)
      case .mov32: try arithmetic(.mov, .w32)
      case .movsx8to32: try arithmetic(.movsx8, .w32)
      case .movsx16to32: try arithmetic(.movsx16, .w32)
      case .movsx32to32: try arithmetic(.movsx32, .w32)
      case .arsh32: try arithmetic(.arsh, .w32)
      case .toLittleEndian: try other(.toLittleEndian)
      case .toBigEndian: try other(.toBigEndian)
      case .swapBytes: try other(.swapBytes)
      case .jump: try other(.jump)
      case .jeq64: try branch(.eq, .w64)
      case .jgt64: try branch(.gt, .w64)
      case .jge64: try branch(.ge, .w64)
      case .jset64: try branch(.set, .w64)
      case .jne64: try branch(.ne, .w64)
      case .jsgt64: try branch(.sgt, .w64)
      case .jsge64: try branch(.sge, .w64)
      case .jlt64: try branch(.lt, .w64)
      case .jle64: try branch(.le, .w64)
      case .jslt64: try branch(.slt, .w64)
      case .jsle64: try branch(.sle, .w64)
      case .jeq32: try branch(.eq, .w32)
      case .jgt32: try branch(.gt, .w32)
      case .jge32: try branch(.ge, .w32)
      case .jset32: try branch(.set, .w32)
      case .jne32: try branch(.ne, .w32)
      case .jsgt32: try branch(.sgt, .w32)
      case .jsge32: try branch(.sge, .w32)
      case .jlt32: try branch(.lt, .w32)
      case .jle32: try branch(.le, .w32)
      case .jslt32: try branch(.slt, .w32)
      case .jsle32: try branch(.sle, .w32)
      case .callHelper: try other(.callHelper)
      case .callRegister: try other(.callRegister)
      case .callLocal: try other(.callLocal)
      case .exit: try other(.exit)
      case .loadImmediate64: try other(.loadImmediate64)
      case .load: try other(.load)
      case .loadSigned: try other(.loadSigned)
      case .storeImmediate: try other(.storeImmediate)
      case .storeRegister: try other(.storeRegister)
      case .atomic: try other(.atomic)
      case .packetAbsolute: try other(.packetAbsolute)
      case .packetIndirect: try other(.packetIndirect)
      case .notExecuted: try other(.notExecuted)
      }
    }

    /// The operation and width of an arithmetic code; nil for the others.
    var arithmetic: (ALUOperation, Width)? {
      dispatch(arithmetic: { ($0, $1) }, branch: { _, _ in nil }, other: { _ in nil })
    }

    /// The condition and width of a conditional jump's code; nil for the others.
    var branch: (Condition, Width)? {
      dispatch(arithmetic: { _, _ in nil }, branch: { ($0, $1) }, other: { _ in nil })
    }

    /// The code of `operation` at `width`.
    static func arithmetic(_ operation: ALUOperation, _ width: Width) -> Code {
      for code in allCases {
        if let (op, w) = code.arithmetic, op == operation, w == width { return code }
      }
      preconditionFailure("an arithmetic operation without an interpreter code")
    }

    /// The code of a conditional jump on `condition` at `width`.
    static func branch(_ condition: Condition, _ width: Width) -> Code {
      for code in allCases {
        if let (c, w) = code.branch, c == condition, w == width { return code }
      }
      preconditionFailure("a condition without an interpreter code")
    }
  }
}
