import KilnCore
import KilnIR

/// Block terminators: direct jumps (chained on first use through a
/// patchable `b`), branches, indirect jumps through the jump cache, ECALL,
/// EBREAK, FENCE.I, faults.
extension BlockLowering {
  /// Sets the flags for `lhs & rhs` (32-bit).
  mutating func test(_ lhs: Value, _ rhs: Value) {
    let n = read(lhs, into: BlockABI.scratch0)
    if case .immediate(let i) = rhs, let mask = LogicalImmediate32(i) {
      a.tst(n, mask)
      return
    }
    let m = read(rhs, into: BlockABI.scratch1)
    a.tst(n, m)
  }

  /// `~1`, for JALR's target.
  static let clearBit0: LogicalImmediate32 = {
    guard let mask = LogicalImmediate32(0xFFFF_FFFE) else { preconditionFailure("~1 encodes") }
    return mask
  }()

  mutating func lower(_ terminator: Terminator) throws(CodeGenError) {
    switch terminator {
    case .jump(let target):
      try jump(to: target)
    case .branch(let condition, let lhs, let rhs, let taken, let notTaken):
      try jump(if: branchTest(condition, lhs, rhs), to: taken)
      try jump(to: notTaken)
    case .jumpIndirect(let base, let offset, let link, let returnAddress, let pc):
      let misaligned = a.newLabel()
      effectiveAddress(base, offset)
      a.and(WRegSP.w16, WReg.w16, Self.clearBit0)
      a.tbnz(WReg.w16, 1, misaligned)
      if let link { lower(move: link, .immediate(returnAddress)) }
      try a.b(absolute: stubs.indirect)
      cold.append(.misalignedIndirect(label: misaligned, pc: pc))
    case .syscall(let pc, _):
      a.mov(BlockABI.scratch1, imm: pc)
      a.str(BlockABI.scratch1, stateWord(abi.layout.exitPC))
      try a.b(absolute: stubs.syscall)
    case .breakpoint(let pc, let next):
      abi.spillPinned(&a)
      a.mov(WReg.w1, imm: pc)
      abi.emitCall(.breakpoint, &a)
      a.lsr(XReg.x17, .x0, 32)
      let ok = a.newLabel()
      a.cbz(XReg.x17, ok)
      try exit(.error)
      try a.bind(ok)
      try jump(to: .pc(next))
    case .synchronize(let next):
      a.mov(BlockABI.scratch1, imm: next)
      a.str(BlockABI.scratch1, stateWord(abi.layout.exitPC))
      try exit(.synchronize)
    case .fault(let f):
      try fault(f)
    }
  }

  /// An unconditional jump: straight to compiled code, else through a
  /// patchable `b` to a chain exit.
  mutating func jump(to target: Target) throws(CodeGenError) {
    switch target {
    case .fault(let f):
      try fault(f)
    case .pc(let pc):
      if let host = lookup(pc) {
        try a.b(absolute: host)
      } else {
        try patchableJump(to: pc)
      }
    }
  }

  /// How a conditional branch tests: the flags (after `cmp`/`tst`), or one
  /// register against zero (`cbz`/`cbnz`, no compare).
  enum BranchTest {
    case flags(Condition)
    case zero(WReg)
    case nonZero(WReg)

    var inverted: BranchTest? {
      switch self {
      case .flags(let cc): cc.inverted.map { .flags($0) }
      case .zero(let r): .nonZero(r)
      case .nonZero(let r): .zero(r)
      }
    }
  }

  /// Emits what `condition` on `lhs`, `rhs` needs before the branch: nothing
  /// for (in)equality with 0 (the branch is `cbz`/`cbnz`), else `cmp`/`tst`.
  mutating func branchTest(_ condition: KilnIR.Condition, _ lhs: Value, _ rhs: Value)
    -> BranchTest
  {
    if condition == .equal || condition == .notEqual {
      var operand: Value?
      if case .immediate(0) = rhs {
        operand = lhs
      } else if case .immediate(0) = lhs {
        operand = rhs
      }
      if let operand {
        let r = read(operand, into: BlockABI.scratch0)
        return condition == .equal ? .zero(r) : .nonZero(r)
      }
    }
    if condition == .andNonZero { test(lhs, rhs) } else { compare(lhs, rhs) }
    return .flags(Condition(condition))
  }

  /// The short branch of `test` to `label`.
  mutating func branch(_ test: BranchTest, _ label: Label) {
    switch test {
    case .flags(let cc): a.b(cc, label)
    case .zero(let r): a.cbz(r, label)
    case .nonZero(let r): a.cbnz(r, label)
    }
  }

  /// The short branch of `test` to the host address `target`, if it reaches.
  mutating func branch(_ test: BranchTest, absolute target: UInt) -> Bool {
    switch test {
    case .flags(let cc): a.b(cc, absolute: target)
    case .zero(let r): a.cbz(r, absolute: target)
    case .nonZero(let r): a.cbnz(r, absolute: target)
    }
  }

  /// A conditional jump to `target` when `test` holds (flags set by `branchTest`).
  /// A compiled target within ±1 MiB is one short branch; farther, the
  /// inverted branch over a `b`; not compiled yet, a short branch to a
  /// patchable `b` out of line.
  mutating func jump(if test: BranchTest, to target: Target) throws(CodeGenError) {
    switch target {
    case .fault(let f):
      let stub = a.newLabel()
      branch(test, stub)
      cold.append(.fault(label: stub, f))
    case .pc(let pc):
      if let host = lookup(pc) {
        if branch(test, absolute: host) { return }
        if let inverse = test.inverted {
          let skip = a.newLabel()
          branch(inverse, skip)
          try a.b(absolute: host)
          try a.bind(skip)
          return
        }
      }
      let stub = a.newLabel()
      branch(test, stub)
      cold.append(.patchableJump(label: stub, pc: pc))
    }
  }

  mutating func fault(_ f: GuestFault) throws(CodeGenError) {
    switch f {
    case .illegalInstruction(let pc, let word):
      a.mov(BlockABI.scratch0, imm: word)
      try fault(.illegalInstruction, pc: pc, detail: BlockABI.scratch0)
    case .fetchOutsideMemory(let pc):
      try fault(.fetchOutsideMemory, pc: pc, detail: .wzr)
    case .misalignedJump(let pc, let target):
      a.mov(BlockABI.scratch0, imm: target)
      try fault(.misalignedJump, pc: pc, detail: BlockABI.scratch0)
    }
  }

  /// Records the fault through `HostCall.fault` (a = kind, b = pc, c =
  /// `detail`: the word or target) and leaves with `.error`.
  mutating func fault(_ kind: GuestFaultCode, pc: UInt32, detail: WReg) throws(CodeGenError) {
    abi.spillPinned(&a)
    a.mov(WReg.w3, detail)
    a.mov(WReg.w1, imm: UInt32(kind.rawValue))
    a.mov(WReg.w2, imm: pc)
    abi.emitCall(.fault, &a)
    try exit(.error)
  }
}
