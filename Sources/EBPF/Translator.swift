import KilnIR

/// eBPF → ``FunctionIR``: the front end's half of the JITs. Every port
/// compiles the result; none of them knows eBPF.
///
/// The mapping is one operation per instruction (the IR keeps eBPF's
/// register convention), except that labels are inserted at jump and call
/// targets, `le` conversions become zero-extensions (Kiln hosts are
/// little-endian), and `lddw`'s second slot disappears.
public enum Translator {
  /// Translates a program that passed the ``Checker``. With `budget`, the
  /// code checks the budget once per region pass and has a slow copy that
  /// checks it per straight-line run (``BudgetRegions``); with
  /// `interruptible`, a ``FunctionIR/Op/poll(site:)`` at each of
  /// ``BudgetRegions``' check points (function entries, loop heads, return
  /// points).
  public static func translate(
    _ program: Program, budget: Bool = false, interruptible: Bool = false
  ) throws(EBPFError) -> FunctionIR.Function {
    if budget { return try BudgetRegions.translate(program, interruptible: interruptible) }
    let insts = program.instructions
    let points = interruptible ? BudgetRegions.checkPoints(program) : []
    var isTarget = [Bool](repeating: false, count: insts.count)
    for (pc, inst) in insts.enumerated() {
      if let t = target(of: inst, at: pc), t >= 0, t < insts.count { isTarget[t] = true }
    }
    var ops: [FunctionIR.Op] = []
    ops.reserveCapacity(insts.count + 8)
    for (pc, inst) in insts.enumerated() {
      if isTarget[pc] { ops.append(.label(FunctionIR.Label(pc))) }
      if interruptible, points[pc] { ops.append(.poll(site: pc)) }
      try translate(inst, at: pc, into: &ops)
    }
    return FunctionIR.Function(ops: ops, labelCount: insts.count)
  }

  /// The slot a jump or local call goes to.
  static func target(of inst: Instruction, at pc: Int) -> Int? {
    switch inst.operation {
    case .jumpAlways(let width): pc + 1 + (width == .w64 ? Int(inst.offset) : Int(inst.imm))
    case .branch: pc + 1 + Int(inst.offset)
    case .callLocal: pc + 1 + Int(inst.imm)
    default: nil
    }
  }

  static func register(_ r: Register) -> FunctionIR.Register {
    FunctionIR.Register(UInt8(truncatingIfNeeded: r.index))
  }

  static func size(_ s: AccessSize) -> FunctionIR.Size { s.byteCount }

  static func translate(_ inst: Instruction, at pc: Int, into ops: inout [FunctionIR.Op])
    throws(EBPFError)
  {
    let dst = register(inst.dst)
    let src = register(inst.src)
    let label = target(of: inst, at: pc).map { FunctionIR.Label($0) }
    switch inst.operation {
    case .alu(let op, let w, let source):
      let operand: FunctionIR.Operand = source == .reg ? .register(src) : .immediate(inst.imm)
      switch op.meaning {
      case .binary(let shared): ops.append(.alu(shared, w.shared, dst, operand))
      case .negate: ops.append(.negate(w.shared, dst))
      case .signExtend(let bits):
        if source == .reg {
          ops.append(.signExtend(w.shared, dst, from: src, bits: bits))
        } else {
          let value = Semantics.alu(op, w, 0, Semantics.immediate(inst.imm, w))
          ops.append(.constant(dst, value))
        }
      }
    case .byteSwap(let kind, let bits):
      switch kind {
      case .toLittle: if bits < 64 { ops.append(.zeroExtend(dst, bits: bits)) }
      case .toBig, .always: ops.append(.byteSwap(dst, bits: bits))
      }
    case .jumpAlways:
      if let label { ops.append(.jump(label)) }
    case .branch(let c, let w, let source):
      let operand: FunctionIR.Operand = source == .reg ? .register(src) : .immediate(inst.imm)
      if let label { ops.append(.branch(c.shared, w.shared, dst, operand, label)) }
    case .callHelper: ops.append(.callHelper(id: UInt32(bitPattern: inst.imm), site: pc))
    case .callRegister: ops.append(.callHelperIndirect(dst, site: pc))
    case .callLocal:
      if let label { ops.append(.callLocal(label, site: pc)) }
    case .exit: ops.append(.return)
    case .loadImm64(let kind):
      guard kind == .immediate else {
        throw .unsupportedInstruction(index: pc, mnemonic: "lddw (map form)")
      }
      ops.append(.constant(dst, inst.imm64))
    case .load(let s):
      ops.append(
        .load(
          dst, base: src, offset: Int32(inst.offset), size: size(s), signExtend: false, site: pc))
    case .loadSigned(let s):
      ops.append(
        .load(dst, base: src, offset: Int32(inst.offset), size: size(s), signExtend: true, site: pc)
      )
    case .storeImm(let s):
      ops.append(
        .store(
          base: dst, offset: Int32(inst.offset), size: size(s), value: .immediate(inst.imm),
          site: pc))
    case .storeReg(let s):
      ops.append(
        .store(
          base: dst, offset: Int32(inst.offset), size: size(s), value: .register(src), site: pc))
    case .atomic(let op, let s):
      let (atomic, fetch) = Self.atomic(op)
      ops.append(
        .atomic(
          atomic, fetch: fetch, size: size(s), base: dst, offset: Int32(inst.offset), source: src,
          site: pc))
    case .packetLoad(let mode, let s):
      ops.append(
        .packetLoad(size: size(s), index: mode == .indirect ? src : nil, imm: inst.imm, site: pc))
    case .loadImm64Tail: break
    case .callBTF: throw .unsupportedInstruction(index: pc, mnemonic: "call (BTF id)")
    }
  }

  static func atomic(_ op: AtomicOperation) -> (FunctionIR.Atomic, Bool) {
    switch op {
    case .add: (.add, false)
    case .or: (.or, false)
    case .and: (.and, false)
    case .xor: (.xor, false)
    case .fetchAdd: (.add, true)
    case .fetchOr: (.or, true)
    case .fetchAnd: (.and, true)
    case .fetchXor: (.xor, true)
    case .xchg: (.xchg, true)
    case .cmpxchg: (.cmpxchg, false)
    }
  }
}
