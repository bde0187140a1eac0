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
    case loadImmediate64
    /// Loads and stores, one code per ``AccessSize`` (`ldxb`…`ldxdw`,
    /// `ldxsb`…`ldxsw`, `stb`…`stdw`, `stxb`…`stxdw`), so that the size is
    /// a constant where the loop handles them.
    case load8, load16, load32, load64, loadSigned8, loadSigned16, loadSigned32
    case storeImmediate8, storeImmediate16, storeImmediate32, storeImmediate64
    case storeRegister8, storeRegister16, storeRegister32, storeRegister64
    case atomic
    case packetAbsolute, packetIndirect
    /// Superinstructions (`InterpreterFusion.swift`): a `mov64`, `add64`
    /// or `mov32` slot followed by an arithmetic operation or (after
    /// `mov64` and `add64`) a conditional jump, run in one dispatch. In
    /// the order of the second code (arithmetic, then conditional jumps),
    /// which `fused(lead:second:)` relies on.
    case mov64ThenAdd64, mov64ThenSub64, mov64ThenMul64, mov64ThenDiv64, mov64ThenSdiv64,
      mov64ThenOr64, mov64ThenAnd64, mov64ThenLsh64, mov64ThenRsh64, mov64ThenNeg64, mov64ThenMod64,
      mov64ThenSmod64, mov64ThenXor64, mov64ThenMov64, mov64ThenMovsx8to64, mov64ThenMovsx16to64,
      mov64ThenMovsx32to64, mov64ThenArsh64, mov64ThenAdd32, mov64ThenSub32, mov64ThenMul32,
      mov64ThenDiv32, mov64ThenSdiv32, mov64ThenOr32, mov64ThenAnd32, mov64ThenLsh32,
      mov64ThenRsh32, mov64ThenNeg32, mov64ThenMod32, mov64ThenSmod32, mov64ThenXor32,
      mov64ThenMov32, mov64ThenMovsx8to32, mov64ThenMovsx16to32, mov64ThenMovsx32to32,
      mov64ThenArsh32, mov64ThenJeq64, mov64ThenJgt64, mov64ThenJge64, mov64ThenJset64,
      mov64ThenJne64, mov64ThenJsgt64, mov64ThenJsge64, mov64ThenJlt64, mov64ThenJle64,
      mov64ThenJslt64, mov64ThenJsle64, mov64ThenJeq32, mov64ThenJgt32, mov64ThenJge32,
      mov64ThenJset32, mov64ThenJne32, mov64ThenJsgt32, mov64ThenJsge32, mov64ThenJlt32,
      mov64ThenJle32, mov64ThenJslt32, mov64ThenJsle32
    case add64ThenAdd64, add64ThenSub64, add64ThenMul64, add64ThenDiv64, add64ThenSdiv64,
      add64ThenOr64, add64ThenAnd64, add64ThenLsh64, add64ThenRsh64, add64ThenNeg64, add64ThenMod64,
      add64ThenSmod64, add64ThenXor64, add64ThenMov64, add64ThenMovsx8to64, add64ThenMovsx16to64,
      add64ThenMovsx32to64, add64ThenArsh64, add64ThenAdd32, add64ThenSub32, add64ThenMul32,
      add64ThenDiv32, add64ThenSdiv32, add64ThenOr32, add64ThenAnd32, add64ThenLsh32,
      add64ThenRsh32, add64ThenNeg32, add64ThenMod32, add64ThenSmod32, add64ThenXor32,
      add64ThenMov32, add64ThenMovsx8to32, add64ThenMovsx16to32, add64ThenMovsx32to32,
      add64ThenArsh32, add64ThenJeq64, add64ThenJgt64, add64ThenJge64, add64ThenJset64,
      add64ThenJne64, add64ThenJsgt64, add64ThenJsge64, add64ThenJlt64, add64ThenJle64,
      add64ThenJslt64, add64ThenJsle64, add64ThenJeq32, add64ThenJgt32, add64ThenJge32,
      add64ThenJset32, add64ThenJne32, add64ThenJsgt32, add64ThenJsge32, add64ThenJlt32,
      add64ThenJle32, add64ThenJslt32, add64ThenJsle32
    case mov32ThenAdd64, mov32ThenSub64, mov32ThenMul64, mov32ThenDiv64, mov32ThenSdiv64,
      mov32ThenOr64, mov32ThenAnd64, mov32ThenLsh64, mov32ThenRsh64, mov32ThenNeg64, mov32ThenMod64,
      mov32ThenSmod64, mov32ThenXor64, mov32ThenMov64, mov32ThenMovsx8to64, mov32ThenMovsx16to64,
      mov32ThenMovsx32to64, mov32ThenArsh64, mov32ThenAdd32, mov32ThenSub32, mov32ThenMul32,
      mov32ThenDiv32, mov32ThenSdiv32, mov32ThenOr32, mov32ThenAnd32, mov32ThenLsh32,
      mov32ThenRsh32, mov32ThenNeg32, mov32ThenMod32, mov32ThenSmod32, mov32ThenXor32,
      mov32ThenMov32, mov32ThenMovsx8to32, mov32ThenMovsx16to32, mov32ThenMovsx32to32,
      mov32ThenArsh32
    /// Rejected by the ``Checker`` (BTF calls) or never executed (`lddw`'s
    /// second slot).
    case notExecuted

    /// `arithmetic` applied to this code's operation, width and ``Steps``
    /// function, `branch` to its condition, width and function,
    /// `fusedArithmetic`/`fusedBranch` to a superinstruction's two halves
    /// (parts, then functions), or else `other` to this code. Each case
    /// passes constants, so where this is inlined the closures are
    /// specialized per case and the interpreter dispatches once per
    /// instruction; the functions are small once optimized, and inlined
    /// there (see `InterpreterSteps.swift` for why they are functions).
    @inline(always)
    func dispatch<R, E: Error>(
      arithmetic: (ALUOperation, Width, ALUStep) throws(E) -> R,
      branch: (Condition, Width, BranchTest) throws(E) -> R,
      other: (Code) throws(E) -> R,
      fusedArithmetic: ((ALUOperation, Width), (ALUOperation, Width), ALUStep, ALUStep) throws(E) ->
        R,
      fusedBranch: ((ALUOperation, Width), (Condition, Width), ALUStep, BranchTest) throws(E) -> R
    ) throws(E) -> R {
      switch self {
      case .add64: try arithmetic(.add, .w64, Steps.add64)
      case .sub64: try arithmetic(.sub, .w64, Steps.sub64)
      case .mul64: try arithmetic(.mul, .w64, Steps.mul64)
      case .div64: try arithmetic(.div, .w64, Steps.div64)
      case .sdiv64: try arithmetic(.sdiv, .w64, Steps.sdiv64)
      case .or64: try arithmetic(.or, .w64, Steps.or64)
      case .and64: try arithmetic(.and, .w64, Steps.and64)
      case .lsh64: try arithmetic(.lsh, .w64, Steps.lsh64)
      case .rsh64: try arithmetic(.rsh, .w64, Steps.rsh64)
      case .neg64: try arithmetic(.neg, .w64, Steps.neg64)
      case .mod64: try arithmetic(.mod, .w64, Steps.mod64)
      case .smod64: try arithmetic(.smod, .w64, Steps.smod64)
      case .xor64: try arithmetic(.xor, .w64, Steps.xor64)
      case .mov64: try arithmetic(.mov, .w64, Steps.mov64)
      case .movsx8to64: try arithmetic(.movsx8, .w64, Steps.movsx8to64)
      case .movsx16to64: try arithmetic(.movsx16, .w64, Steps.movsx16to64)
      case .movsx32to64: try arithmetic(.movsx32, .w64, Steps.movsx32to64)
      case .arsh64: try arithmetic(.arsh, .w64, Steps.arsh64)
      case .add32: try arithmetic(.add, .w32, Steps.add32)
      case .sub32: try arithmetic(.sub, .w32, Steps.sub32)
      case .mul32: try arithmetic(.mul, .w32, Steps.mul32)
      case .div32: try arithmetic(.div, .w32, Steps.div32)
      case .sdiv32: try arithmetic(.sdiv, .w32, Steps.sdiv32)
      case .or32: try arithmetic(.or, .w32, Steps.or32)
      case .and32: try arithmetic(.and, .w32, Steps.and32)
      case .lsh32: try arithmetic(.lsh, .w32, Steps.lsh32)
      case .rsh32: try arithmetic(.rsh, .w32, Steps.rsh32)
      case .neg32: try arithmetic(.neg, .w32, Steps.neg32)
      case .mod32: try arithmetic(.mod, .w32, Steps.mod32)
      case .smod32: try arithmetic(.smod, .w32, Steps.smod32)
      case .xor32: try arithmetic(.xor, .w32, Steps.xor32)
      case .mov32: try arithmetic(.mov, .w32, Steps.mov32)
      case .movsx8to32: try arithmetic(.movsx8, .w32, Steps.movsx8to32)
      case .movsx16to32: try arithmetic(.movsx16, .w32, Steps.movsx16to32)
      case .movsx32to32: try arithmetic(.movsx32, .w32, Steps.movsx32to32)
      case .arsh32: try arithmetic(.arsh, .w32, Steps.arsh32)
      case .toLittleEndian: try other(.toLittleEndian)
      case .toBigEndian: try other(.toBigEndian)
      case .swapBytes: try other(.swapBytes)
      case .jump: try other(.jump)
      case .jeq64: try branch(.eq, .w64, Steps.jeq64)
      case .jgt64: try branch(.gt, .w64, Steps.jgt64)
      case .jge64: try branch(.ge, .w64, Steps.jge64)
      case .jset64: try branch(.set, .w64, Steps.jset64)
      case .jne64: try branch(.ne, .w64, Steps.jne64)
      case .jsgt64: try branch(.sgt, .w64, Steps.jsgt64)
      case .jsge64: try branch(.sge, .w64, Steps.jsge64)
      case .jlt64: try branch(.lt, .w64, Steps.jlt64)
      case .jle64: try branch(.le, .w64, Steps.jle64)
      case .jslt64: try branch(.slt, .w64, Steps.jslt64)
      case .jsle64: try branch(.sle, .w64, Steps.jsle64)
      case .jeq32: try branch(.eq, .w32, Steps.jeq32)
      case .jgt32: try branch(.gt, .w32, Steps.jgt32)
      case .jge32: try branch(.ge, .w32, Steps.jge32)
      case .jset32: try branch(.set, .w32, Steps.jset32)
      case .jne32: try branch(.ne, .w32, Steps.jne32)
      case .jsgt32: try branch(.sgt, .w32, Steps.jsgt32)
      case .jsge32: try branch(.sge, .w32, Steps.jsge32)
      case .jlt32: try branch(.lt, .w32, Steps.jlt32)
      case .jle32: try branch(.le, .w32, Steps.jle32)
      case .jslt32: try branch(.slt, .w32, Steps.jslt32)
      case .jsle32: try branch(.sle, .w32, Steps.jsle32)
      case .callHelper: try other(.callHelper)
      case .callRegister: try other(.callRegister)
      case .callLocal: try other(.callLocal)
      case .exit: try other(.exit)
      case .loadImmediate64: try other(.loadImmediate64)
      case .load8: try other(.load8)
      case .load16: try other(.load16)
      case .load32: try other(.load32)
      case .load64: try other(.load64)
      case .loadSigned8: try other(.loadSigned8)
      case .loadSigned16: try other(.loadSigned16)
      case .loadSigned32: try other(.loadSigned32)
      case .storeImmediate8: try other(.storeImmediate8)
      case .storeImmediate16: try other(.storeImmediate16)
      case .storeImmediate32: try other(.storeImmediate32)
      case .storeImmediate64: try other(.storeImmediate64)
      case .storeRegister8: try other(.storeRegister8)
      case .storeRegister16: try other(.storeRegister16)
      case .storeRegister32: try other(.storeRegister32)
      case .storeRegister64: try other(.storeRegister64)
      case .atomic: try other(.atomic)
      case .packetAbsolute: try other(.packetAbsolute)
      case .packetIndirect: try other(.packetIndirect)
      case .notExecuted: try other(.notExecuted)
      case .mov64ThenAdd64:
        try fusedArithmetic((.mov, .w64), (.add, .w64), Steps.mov64, Steps.add64)
      case .mov64ThenSub64:
        try fusedArithmetic((.mov, .w64), (.sub, .w64), Steps.mov64, Steps.sub64)
      case .mov64ThenMul64:
        try fusedArithmetic((.mov, .w64), (.mul, .w64), Steps.mov64, Steps.mul64)
      case .mov64ThenDiv64:
        try fusedArithmetic((.mov, .w64), (.div, .w64), Steps.mov64, Steps.div64)
      case .mov64ThenSdiv64:
        try fusedArithmetic((.mov, .w64), (.sdiv, .w64), Steps.mov64, Steps.sdiv64)
      case .mov64ThenOr64:
        try fusedArithmetic((.mov, .w64), (.or, .w64), Steps.mov64, Steps.or64)
      case .mov64ThenAnd64:
        try fusedArithmetic((.mov, .w64), (.and, .w64), Steps.mov64, Steps.and64)
      case .mov64ThenLsh64:
        try fusedArithmetic((.mov, .w64), (.lsh, .w64), Steps.mov64, Steps.lsh64)
      case .mov64ThenRsh64:
        try fusedArithmetic((.mov, .w64), (.rsh, .w64), Steps.mov64, Steps.rsh64)
      case .mov64ThenNeg64:
        try fusedArithmetic((.mov, .w64), (.neg, .w64), Steps.mov64, Steps.neg64)
      case .mov64ThenMod64:
        try fusedArithmetic((.mov, .w64), (.mod, .w64), Steps.mov64, Steps.mod64)
      case .mov64ThenSmod64:
        try fusedArithmetic((.mov, .w64), (.smod, .w64), Steps.mov64, Steps.smod64)
      case .mov64ThenXor64:
        try fusedArithmetic((.mov, .w64), (.xor, .w64), Steps.mov64, Steps.xor64)
      case .mov64ThenMov64:
        try fusedArithmetic((.mov, .w64), (.mov, .w64), Steps.mov64, Steps.mov64)
      case .mov64ThenMovsx8to64:
        try fusedArithmetic((.mov, .w64), (.movsx8, .w64), Steps.mov64, Steps.movsx8to64)
      case .mov64ThenMovsx16to64:
        try fusedArithmetic((.mov, .w64), (.movsx16, .w64), Steps.mov64, Steps.movsx16to64)
      case .mov64ThenMovsx32to64:
        try fusedArithmetic((.mov, .w64), (.movsx32, .w64), Steps.mov64, Steps.movsx32to64)
      case .mov64ThenArsh64:
        try fusedArithmetic((.mov, .w64), (.arsh, .w64), Steps.mov64, Steps.arsh64)
      case .mov64ThenAdd32:
        try fusedArithmetic((.mov, .w64), (.add, .w32), Steps.mov64, Steps.add32)
      case .mov64ThenSub32:
        try fusedArithmetic((.mov, .w64), (.sub, .w32), Steps.mov64, Steps.sub32)
      case .mov64ThenMul32:
        try fusedArithmetic((.mov, .w64), (.mul, .w32), Steps.mov64, Steps.mul32)
      case .mov64ThenDiv32:
        try fusedArithmetic((.mov, .w64), (.div, .w32), Steps.mov64, Steps.div32)
      case .mov64ThenSdiv32:
        try fusedArithmetic((.mov, .w64), (.sdiv, .w32), Steps.mov64, Steps.sdiv32)
      case .mov64ThenOr32:
        try fusedArithmetic((.mov, .w64), (.or, .w32), Steps.mov64, Steps.or32)
      case .mov64ThenAnd32:
        try fusedArithmetic((.mov, .w64), (.and, .w32), Steps.mov64, Steps.and32)
      case .mov64ThenLsh32:
        try fusedArithmetic((.mov, .w64), (.lsh, .w32), Steps.mov64, Steps.lsh32)
      case .mov64ThenRsh32:
        try fusedArithmetic((.mov, .w64), (.rsh, .w32), Steps.mov64, Steps.rsh32)
      case .mov64ThenNeg32:
        try fusedArithmetic((.mov, .w64), (.neg, .w32), Steps.mov64, Steps.neg32)
      case .mov64ThenMod32:
        try fusedArithmetic((.mov, .w64), (.mod, .w32), Steps.mov64, Steps.mod32)
      case .mov64ThenSmod32:
        try fusedArithmetic((.mov, .w64), (.smod, .w32), Steps.mov64, Steps.smod32)
      case .mov64ThenXor32:
        try fusedArithmetic((.mov, .w64), (.xor, .w32), Steps.mov64, Steps.xor32)
      case .mov64ThenMov32:
        try fusedArithmetic((.mov, .w64), (.mov, .w32), Steps.mov64, Steps.mov32)
      case .mov64ThenMovsx8to32:
        try fusedArithmetic((.mov, .w64), (.movsx8, .w32), Steps.mov64, Steps.movsx8to32)
      case .mov64ThenMovsx16to32:
        try fusedArithmetic((.mov, .w64), (.movsx16, .w32), Steps.mov64, Steps.movsx16to32)
      case .mov64ThenMovsx32to32:
        try fusedArithmetic((.mov, .w64), (.movsx32, .w32), Steps.mov64, Steps.movsx32to32)
      case .mov64ThenArsh32:
        try fusedArithmetic((.mov, .w64), (.arsh, .w32), Steps.mov64, Steps.arsh32)
      case .mov64ThenJeq64:
        try fusedBranch((.mov, .w64), (.eq, .w64), Steps.mov64, Steps.jeq64)
      case .mov64ThenJgt64:
        try fusedBranch((.mov, .w64), (.gt, .w64), Steps.mov64, Steps.jgt64)
      case .mov64ThenJge64:
        try fusedBranch((.mov, .w64), (.ge, .w64), Steps.mov64, Steps.jge64)
      case .mov64ThenJset64:
        try fusedBranch((.mov, .w64), (.set, .w64), Steps.mov64, Steps.jset64)
      case .mov64ThenJne64:
        try fusedBranch((.mov, .w64), (.ne, .w64), Steps.mov64, Steps.jne64)
      case .mov64ThenJsgt64:
        try fusedBranch((.mov, .w64), (.sgt, .w64), Steps.mov64, Steps.jsgt64)
      case .mov64ThenJsge64:
        try fusedBranch((.mov, .w64), (.sge, .w64), Steps.mov64, Steps.jsge64)
      case .mov64ThenJlt64:
        try fusedBranch((.mov, .w64), (.lt, .w64), Steps.mov64, Steps.jlt64)
      case .mov64ThenJle64:
        try fusedBranch((.mov, .w64), (.le, .w64), Steps.mov64, Steps.jle64)
      case .mov64ThenJslt64:
        try fusedBranch((.mov, .w64), (.slt, .w64), Steps.mov64, Steps.jslt64)
      case .mov64ThenJsle64:
        try fusedBranch((.mov, .w64), (.sle, .w64), Steps.mov64, Steps.jsle64)
      case .mov64ThenJeq32:
        try fusedBranch((.mov, .w64), (.eq, .w32), Steps.mov64, Steps.jeq32)
      case .mov64ThenJgt32:
        try fusedBranch((.mov, .w64), (.gt, .w32), Steps.mov64, Steps.jgt32)
      case .mov64ThenJge32:
        try fusedBranch((.mov, .w64), (.ge, .w32), Steps.mov64, Steps.jge32)
      case .mov64ThenJset32:
        try fusedBranch((.mov, .w64), (.set, .w32), Steps.mov64, Steps.jset32)
      case .mov64ThenJne32:
        try fusedBranch((.mov, .w64), (.ne, .w32), Steps.mov64, Steps.jne32)
      case .mov64ThenJsgt32:
        try fusedBranch((.mov, .w64), (.sgt, .w32), Steps.mov64, Steps.jsgt32)
      case .mov64ThenJsge32:
        try fusedBranch((.mov, .w64), (.sge, .w32), Steps.mov64, Steps.jsge32)
      case .mov64ThenJlt32:
        try fusedBranch((.mov, .w64), (.lt, .w32), Steps.mov64, Steps.jlt32)
      case .mov64ThenJle32:
        try fusedBranch((.mov, .w64), (.le, .w32), Steps.mov64, Steps.jle32)
      case .mov64ThenJslt32:
        try fusedBranch((.mov, .w64), (.slt, .w32), Steps.mov64, Steps.jslt32)
      case .mov64ThenJsle32:
        try fusedBranch((.mov, .w64), (.sle, .w32), Steps.mov64, Steps.jsle32)
      case .add64ThenAdd64:
        try fusedArithmetic((.add, .w64), (.add, .w64), Steps.add64, Steps.add64)
      case .add64ThenSub64:
        try fusedArithmetic((.add, .w64), (.sub, .w64), Steps.add64, Steps.sub64)
      case .add64ThenMul64:
        try fusedArithmetic((.add, .w64), (.mul, .w64), Steps.add64, Steps.mul64)
      case .add64ThenDiv64:
        try fusedArithmetic((.add, .w64), (.div, .w64), Steps.add64, Steps.div64)
      case .add64ThenSdiv64:
        try fusedArithmetic((.add, .w64), (.sdiv, .w64), Steps.add64, Steps.sdiv64)
      case .add64ThenOr64:
        try fusedArithmetic((.add, .w64), (.or, .w64), Steps.add64, Steps.or64)
      case .add64ThenAnd64:
        try fusedArithmetic((.add, .w64), (.and, .w64), Steps.add64, Steps.and64)
      case .add64ThenLsh64:
        try fusedArithmetic((.add, .w64), (.lsh, .w64), Steps.add64, Steps.lsh64)
      case .add64ThenRsh64:
        try fusedArithmetic((.add, .w64), (.rsh, .w64), Steps.add64, Steps.rsh64)
      case .add64ThenNeg64:
        try fusedArithmetic((.add, .w64), (.neg, .w64), Steps.add64, Steps.neg64)
      case .add64ThenMod64:
        try fusedArithmetic((.add, .w64), (.mod, .w64), Steps.add64, Steps.mod64)
      case .add64ThenSmod64:
        try fusedArithmetic((.add, .w64), (.smod, .w64), Steps.add64, Steps.smod64)
      case .add64ThenXor64:
        try fusedArithmetic((.add, .w64), (.xor, .w64), Steps.add64, Steps.xor64)
      case .add64ThenMov64:
        try fusedArithmetic((.add, .w64), (.mov, .w64), Steps.add64, Steps.mov64)
      case .add64ThenMovsx8to64:
        try fusedArithmetic((.add, .w64), (.movsx8, .w64), Steps.add64, Steps.movsx8to64)
      case .add64ThenMovsx16to64:
        try fusedArithmetic((.add, .w64), (.movsx16, .w64), Steps.add64, Steps.movsx16to64)
      case .add64ThenMovsx32to64:
        try fusedArithmetic((.add, .w64), (.movsx32, .w64), Steps.add64, Steps.movsx32to64)
      case .add64ThenArsh64:
        try fusedArithmetic((.add, .w64), (.arsh, .w64), Steps.add64, Steps.arsh64)
      case .add64ThenAdd32:
        try fusedArithmetic((.add, .w64), (.add, .w32), Steps.add64, Steps.add32)
      case .add64ThenSub32:
        try fusedArithmetic((.add, .w64), (.sub, .w32), Steps.add64, Steps.sub32)
      case .add64ThenMul32:
        try fusedArithmetic((.add, .w64), (.mul, .w32), Steps.add64, Steps.mul32)
      case .add64ThenDiv32:
        try fusedArithmetic((.add, .w64), (.div, .w32), Steps.add64, Steps.div32)
      case .add64ThenSdiv32:
        try fusedArithmetic((.add, .w64), (.sdiv, .w32), Steps.add64, Steps.sdiv32)
      case .add64ThenOr32:
        try fusedArithmetic((.add, .w64), (.or, .w32), Steps.add64, Steps.or32)
      case .add64ThenAnd32:
        try fusedArithmetic((.add, .w64), (.and, .w32), Steps.add64, Steps.and32)
      case .add64ThenLsh32:
        try fusedArithmetic((.add, .w64), (.lsh, .w32), Steps.add64, Steps.lsh32)
      case .add64ThenRsh32:
        try fusedArithmetic((.add, .w64), (.rsh, .w32), Steps.add64, Steps.rsh32)
      case .add64ThenNeg32:
        try fusedArithmetic((.add, .w64), (.neg, .w32), Steps.add64, Steps.neg32)
      case .add64ThenMod32:
        try fusedArithmetic((.add, .w64), (.mod, .w32), Steps.add64, Steps.mod32)
      case .add64ThenSmod32:
        try fusedArithmetic((.add, .w64), (.smod, .w32), Steps.add64, Steps.smod32)
      case .add64ThenXor32:
        try fusedArithmetic((.add, .w64), (.xor, .w32), Steps.add64, Steps.xor32)
      case .add64ThenMov32:
        try fusedArithmetic((.add, .w64), (.mov, .w32), Steps.add64, Steps.mov32)
      case .add64ThenMovsx8to32:
        try fusedArithmetic((.add, .w64), (.movsx8, .w32), Steps.add64, Steps.movsx8to32)
      case .add64ThenMovsx16to32:
        try fusedArithmetic((.add, .w64), (.movsx16, .w32), Steps.add64, Steps.movsx16to32)
      case .add64ThenMovsx32to32:
        try fusedArithmetic((.add, .w64), (.movsx32, .w32), Steps.add64, Steps.movsx32to32)
      case .add64ThenArsh32:
        try fusedArithmetic((.add, .w64), (.arsh, .w32), Steps.add64, Steps.arsh32)
      case .add64ThenJeq64:
        try fusedBranch((.add, .w64), (.eq, .w64), Steps.add64, Steps.jeq64)
      case .add64ThenJgt64:
        try fusedBranch((.add, .w64), (.gt, .w64), Steps.add64, Steps.jgt64)
      case .add64ThenJge64:
        try fusedBranch((.add, .w64), (.ge, .w64), Steps.add64, Steps.jge64)
      case .add64ThenJset64:
        try fusedBranch((.add, .w64), (.set, .w64), Steps.add64, Steps.jset64)
      case .add64ThenJne64:
        try fusedBranch((.add, .w64), (.ne, .w64), Steps.add64, Steps.jne64)
      case .add64ThenJsgt64:
        try fusedBranch((.add, .w64), (.sgt, .w64), Steps.add64, Steps.jsgt64)
      case .add64ThenJsge64:
        try fusedBranch((.add, .w64), (.sge, .w64), Steps.add64, Steps.jsge64)
      case .add64ThenJlt64:
        try fusedBranch((.add, .w64), (.lt, .w64), Steps.add64, Steps.jlt64)
      case .add64ThenJle64:
        try fusedBranch((.add, .w64), (.le, .w64), Steps.add64, Steps.jle64)
      case .add64ThenJslt64:
        try fusedBranch((.add, .w64), (.slt, .w64), Steps.add64, Steps.jslt64)
      case .add64ThenJsle64:
        try fusedBranch((.add, .w64), (.sle, .w64), Steps.add64, Steps.jsle64)
      case .add64ThenJeq32:
        try fusedBranch((.add, .w64), (.eq, .w32), Steps.add64, Steps.jeq32)
      case .add64ThenJgt32:
        try fusedBranch((.add, .w64), (.gt, .w32), Steps.add64, Steps.jgt32)
      case .add64ThenJge32:
        try fusedBranch((.add, .w64), (.ge, .w32), Steps.add64, Steps.jge32)
      case .add64ThenJset32:
        try fusedBranch((.add, .w64), (.set, .w32), Steps.add64, Steps.jset32)
      case .add64ThenJne32:
        try fusedBranch((.add, .w64), (.ne, .w32), Steps.add64, Steps.jne32)
      case .add64ThenJsgt32:
        try fusedBranch((.add, .w64), (.sgt, .w32), Steps.add64, Steps.jsgt32)
      case .add64ThenJsge32:
        try fusedBranch((.add, .w64), (.sge, .w32), Steps.add64, Steps.jsge32)
      case .add64ThenJlt32:
        try fusedBranch((.add, .w64), (.lt, .w32), Steps.add64, Steps.jlt32)
      case .add64ThenJle32:
        try fusedBranch((.add, .w64), (.le, .w32), Steps.add64, Steps.jle32)
      case .add64ThenJslt32:
        try fusedBranch((.add, .w64), (.slt, .w32), Steps.add64, Steps.jslt32)
      case .add64ThenJsle32:
        try fusedBranch((.add, .w64), (.sle, .w32), Steps.add64, Steps.jsle32)
      case .mov32ThenAdd64:
        try fusedArithmetic((.mov, .w32), (.add, .w64), Steps.mov32, Steps.add64)
      case .mov32ThenSub64:
        try fusedArithmetic((.mov, .w32), (.sub, .w64), Steps.mov32, Steps.sub64)
      case .mov32ThenMul64:
        try fusedArithmetic((.mov, .w32), (.mul, .w64), Steps.mov32, Steps.mul64)
      case .mov32ThenDiv64:
        try fusedArithmetic((.mov, .w32), (.div, .w64), Steps.mov32, Steps.div64)
      case .mov32ThenSdiv64:
        try fusedArithmetic((.mov, .w32), (.sdiv, .w64), Steps.mov32, Steps.sdiv64)
      case .mov32ThenOr64:
        try fusedArithmetic((.mov, .w32), (.or, .w64), Steps.mov32, Steps.or64)
      case .mov32ThenAnd64:
        try fusedArithmetic((.mov, .w32), (.and, .w64), Steps.mov32, Steps.and64)
      case .mov32ThenLsh64:
        try fusedArithmetic((.mov, .w32), (.lsh, .w64), Steps.mov32, Steps.lsh64)
      case .mov32ThenRsh64:
        try fusedArithmetic((.mov, .w32), (.rsh, .w64), Steps.mov32, Steps.rsh64)
      case .mov32ThenNeg64:
        try fusedArithmetic((.mov, .w32), (.neg, .w64), Steps.mov32, Steps.neg64)
      case .mov32ThenMod64:
        try fusedArithmetic((.mov, .w32), (.mod, .w64), Steps.mov32, Steps.mod64)
      case .mov32ThenSmod64:
        try fusedArithmetic((.mov, .w32), (.smod, .w64), Steps.mov32, Steps.smod64)
      case .mov32ThenXor64:
        try fusedArithmetic((.mov, .w32), (.xor, .w64), Steps.mov32, Steps.xor64)
      case .mov32ThenMov64:
        try fusedArithmetic((.mov, .w32), (.mov, .w64), Steps.mov32, Steps.mov64)
      case .mov32ThenMovsx8to64:
        try fusedArithmetic((.mov, .w32), (.movsx8, .w64), Steps.mov32, Steps.movsx8to64)
      case .mov32ThenMovsx16to64:
        try fusedArithmetic((.mov, .w32), (.movsx16, .w64), Steps.mov32, Steps.movsx16to64)
      case .mov32ThenMovsx32to64:
        try fusedArithmetic((.mov, .w32), (.movsx32, .w64), Steps.mov32, Steps.movsx32to64)
      case .mov32ThenArsh64:
        try fusedArithmetic((.mov, .w32), (.arsh, .w64), Steps.mov32, Steps.arsh64)
      case .mov32ThenAdd32:
        try fusedArithmetic((.mov, .w32), (.add, .w32), Steps.mov32, Steps.add32)
      case .mov32ThenSub32:
        try fusedArithmetic((.mov, .w32), (.sub, .w32), Steps.mov32, Steps.sub32)
      case .mov32ThenMul32:
        try fusedArithmetic((.mov, .w32), (.mul, .w32), Steps.mov32, Steps.mul32)
      case .mov32ThenDiv32:
        try fusedArithmetic((.mov, .w32), (.div, .w32), Steps.mov32, Steps.div32)
      case .mov32ThenSdiv32:
        try fusedArithmetic((.mov, .w32), (.sdiv, .w32), Steps.mov32, Steps.sdiv32)
      case .mov32ThenOr32:
        try fusedArithmetic((.mov, .w32), (.or, .w32), Steps.mov32, Steps.or32)
      case .mov32ThenAnd32:
        try fusedArithmetic((.mov, .w32), (.and, .w32), Steps.mov32, Steps.and32)
      case .mov32ThenLsh32:
        try fusedArithmetic((.mov, .w32), (.lsh, .w32), Steps.mov32, Steps.lsh32)
      case .mov32ThenRsh32:
        try fusedArithmetic((.mov, .w32), (.rsh, .w32), Steps.mov32, Steps.rsh32)
      case .mov32ThenNeg32:
        try fusedArithmetic((.mov, .w32), (.neg, .w32), Steps.mov32, Steps.neg32)
      case .mov32ThenMod32:
        try fusedArithmetic((.mov, .w32), (.mod, .w32), Steps.mov32, Steps.mod32)
      case .mov32ThenSmod32:
        try fusedArithmetic((.mov, .w32), (.smod, .w32), Steps.mov32, Steps.smod32)
      case .mov32ThenXor32:
        try fusedArithmetic((.mov, .w32), (.xor, .w32), Steps.mov32, Steps.xor32)
      case .mov32ThenMov32:
        try fusedArithmetic((.mov, .w32), (.mov, .w32), Steps.mov32, Steps.mov32)
      case .mov32ThenMovsx8to32:
        try fusedArithmetic((.mov, .w32), (.movsx8, .w32), Steps.mov32, Steps.movsx8to32)
      case .mov32ThenMovsx16to32:
        try fusedArithmetic((.mov, .w32), (.movsx16, .w32), Steps.mov32, Steps.movsx16to32)
      case .mov32ThenMovsx32to32:
        try fusedArithmetic((.mov, .w32), (.movsx32, .w32), Steps.mov32, Steps.movsx32to32)
      case .mov32ThenArsh32:
        try fusedArithmetic((.mov, .w32), (.arsh, .w32), Steps.mov32, Steps.arsh32)
      }
    }

    /// The operation and width of an arithmetic code; nil for the others.
    var arithmetic: (ALUOperation, Width)? {
      dispatch(
        arithmetic: { op, width, _ in (op, width) }, branch: { _, _, _ in nil },
        other: { _ in nil }, fusedArithmetic: { _, _, _, _ in nil },
        fusedBranch: { _, _, _, _ in nil })
    }

    /// The condition and width of a conditional jump's code; nil for the others.
    var branch: (Condition, Width)? {
      dispatch(
        arithmetic: { _, _, _ in nil }, branch: { condition, width, _ in (condition, width) },
        other: { _ in nil }, fusedArithmetic: { _, _, _, _ in nil },
        fusedBranch: { _, _, _, _ in nil })
    }

    /// The code of a load of `size`.
    static func load(_ size: AccessSize) -> Code {
      switch size {
      case .byte: .load8
      case .half: .load16
      case .word: .load32
      case .double: .load64
      }
    }

    /// The code of a sign-extending load of `size` (`ldxsdw` does not
    /// exist; were it decoded, it would be a plain 8-byte load).
    static func loadSigned(_ size: AccessSize) -> Code {
      switch size {
      case .byte: .loadSigned8
      case .half: .loadSigned16
      case .word: .loadSigned32
      case .double: .load64
      }
    }

    /// The code of a store of an immediate of `size`.
    static func storeImmediate(_ size: AccessSize) -> Code {
      switch size {
      case .byte: .storeImmediate8
      case .half: .storeImmediate16
      case .word: .storeImmediate32
      case .double: .storeImmediate64
      }
    }

    /// The code of a store of a register of `size`.
    static func storeRegister(_ size: AccessSize) -> Code {
      switch size {
      case .byte: .storeRegister8
      case .half: .storeRegister16
      case .word: .storeRegister32
      case .double: .storeRegister64
      }
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
