import KilnCore
import KilnIR

/// Block terminators: jumps and branches inside the region (local jumps),
/// direct jumps out of it (chained on first use), indirect jumps through the
/// jump cache, ECALL, EBREAK, FENCE.I, faults.
extension BlockLowering {
  mutating func lower(_ terminator: Terminator) throws(CodeGenError) {
    switch terminator {
    case .jump(let target):
      try leave(to: target)
    case .branch(let condition, let lhs, let rhs, let taken, let notTaken):
      if condition.setsFlagsByTest { test(lhs, rhs) } else { compare(lhs, rhs) }
      let cc = ConditionCode(condition)
      if try lowerSelect(cc, taken: taken, notTaken: notTaken) { return }
      if let index = internalBlock(taken), isNext(index) {
        // The taken side is the next block: branch on the inverse to the other side.
        try leave(if: cc.inverted, to: notTaken)
        refundBudget(toward: taken)
      } else {
        try leave(if: cc, to: taken)
        try leave(to: notTaken)
      }
    default:
      // Every other terminator leaves the region: cached registers go home
      // first (plain stores, so flags and rax are untouched).
      refundBudget(toward: nil)
      writeBackCache()
      try lowerExit(terminator)
    }
  }

  /// The block in this region that starts at `target`, if any.
  func internalBlock(_ target: Target) -> Int? {
    guard case .pc(let pc) = target else { return nil }
    return region.index(of: pc)
  }

  /// An unconditional jump: local inside the region (nothing when `target`
  /// is the next block), else write back and leave.
  mutating func leave(to target: Target) throws(CodeGenError) {
    refundBudget(toward: target)
    if let index = internalBlock(target) {
      if !isNext(index) { a.jmp(localLabel(index)) }
      return
    }
    writeBackCache()
    try jump(to: target)
  }

  /// A conditional jump when `cc` holds: local inside the region, else out
  /// of the region through a cold path that writes back first.
  mutating func leave(if cc: ConditionCode, to target: Target) throws(CodeGenError) {
    let refund = budgetRefund(toward: target)
    if refund != 0 { return leaveRefunding(if: cc, to: target, amount: refund) }
    if let index = internalBlock(target) {
      a.jcc(cc, localLabel(index))
    } else if dirty.isEmpty {
      try jump(if: cc, to: target)
    } else {
      let stub = a.newLabel()
      a.jcc(cc, stub)
      cold.append(.exit(label: stub, writeBack: dirty, target: target))
    }
  }

  /// Terminators that always leave the region.
  mutating func lowerExit(_ terminator: Terminator) throws(CodeGenError) {
    switch terminator {
    case .jump, .branch:
      preconditionFailure("jumps and branches are lowered by lower(_:) (leave(to:))")
    case .jumpIndirect(let base, let offset, let link, let returnAddress, let pc):
      let misaligned = a.newLabel()
      effectiveAddress(base, offset)
      a.alu(.and, .dword, .rax, imm: -2)
      a.testAL(imm: 2)
      a.jcc(.ne, misaligned)
      if let link {
        lower(move: link, .immediate(returnAddress))
        writeBack(link)
      }
      try indirectJump()
      cold.append(.misalignedIndirect(label: misaligned, pc: pc))
    case .syscall(let pc, _):
      a.mov(.dword, abi.field(abi.layout.exitPC), imm32: Int32(bitPattern: pc))
      try a.jmp(absolute: stubs.syscall)
    case .breakpoint(let pc, let next):
      abi.spillPinned(&a)
      a.mov(.rsi, imm32: pc)
      abi.emitCall(.breakpoint, &a)
      a.shift(.shr, .qword, .rax, imm: 32)
      let ok = a.newLabel()
      a.jccShort(.e, ok)
      try exit(.error)
      try a.bind(ok)
      try jump(to: .pc(next))
    case .synchronize(let next):
      a.mov(.dword, abi.field(abi.layout.exitPC), imm32: Int32(bitPattern: next))
      try exit(.synchronize)
    case .fault(let f):
      try fault(f)
    }
  }

  /// Jumps to the 4-aligned guest target in eax through the jump cache,
  /// looked up here rather than in the shared `indirect` stub, so that each
  /// guest indirect jump has its own host indirect jump (predicted per
  /// site, as threaded code is); a miss goes to the stub, which looks again
  /// and exits to the dispatcher:
  ///
  ///     ecx = eax & (mask << 2)               entry offset / 4: ((pc >> 2) & mask) * 4
  ///     cmp [r15 + rcx*4 + jumpCache], eax ; jne indirect stub
  ///     jmp [r15 + rcx*4 + jumpCache + 8]
  mutating func indirectJump() throws(CodeGenError) {
    let layout = abi.layout
    guard let mask = Int32(exactly: UInt64(layout.jumpCacheMask) << 2) else {
      try a.jmp(absolute: stubs.indirect)
      return
    }
    a.mov(.dword, .rcx, .rax)
    a.alu(.and, .dword, .rcx, imm: mask)
    let entry = Memory(base: X86ABI.state, index: .rcx, scale: .x4, displacement: layout.jumpCache)
    a.alu(.cmp, .dword, entry, .rax)
    try a.jcc(.ne, absolute: stubs.indirect)
    a.jmp(Memory(base: X86ABI.state, index: .rcx, scale: .x4, displacement: layout.jumpCache + 8))
  }

  /// Sets the flags for `lhs - rhs`.
  mutating func compare(_ lhs: Value, _ rhs: Value) {
    switch (location(lhs), location(rhs)) {
    case (.register(let l), _): alu(.cmp, l, rhs)
    case (.memory(let m), .register(let r)): a.alu(.cmp, .dword, m, r)
    case (.memory(let m), .immediate(let i)): a.alu(.cmp, .dword, m, imm: Int32(bitPattern: i))
    default:
      load(.rax, lhs)
      alu(.cmp, .rax, rhs)
    }
  }

  /// Sets the flags for `lhs & rhs`.
  mutating func test(_ lhs: Value, _ rhs: Value) {
    var l = GPR.rax
    if case .register(let r) = location(lhs) { l = r } else { load(.rax, lhs) }
    switch location(rhs) {
    case .register(let r): a.test(.dword, l, r)
    case .immediate(let i): a.test(.dword, l, imm: i)
    case .memory:
      load(.rcx, rhs)
      a.test(.dword, l, .rcx)
    }
  }

  /// An unconditional jump: straight to compiled code, else through a
  /// patchable chain exit.
  mutating func jump(to target: Target) throws(CodeGenError) {
    switch target {
    case .fault(let f):
      try fault(f)
    case .pc(let pc):
      if let host = lookup(pc) {
        try a.jmp(absolute: host)
      } else {
        let stub = a.newLabel()
        a.jmp(stub)
        chainExit(stub, site: a.offset - 4, pc: pc)
      }
    }
  }

  /// A conditional jump to `target` when `cc` holds.
  mutating func jump(if cc: ConditionCode, to target: Target) throws(CodeGenError) {
    let stub = a.newLabel()
    switch target {
    case .fault(let f):
      a.jcc(cc, stub)
      cold.append(.fault(label: stub, f))
    case .pc(let pc):
      if let host = lookup(pc) {
        try a.jcc(cc, absolute: host)
      } else {
        a.jcc(cc, stub)
        chainExit(stub, site: a.offset - 4, pc: pc)
      }
    }
  }

  /// Out-of-line exit asking the dispatcher to compile `pc` and patch the
  /// rel32 field at `site` (a buffer offset) to jump there directly.
  mutating func chainExit(_ stub: Label, site: Int, pc: UInt32) {
    cold.append(.chainExit(label: stub, siteAddress: a.buffer.baseAddress + UInt(site), pc: pc))
  }

  mutating func fault(_ f: GuestFault) throws(CodeGenError) {
    switch f {
    case .illegalInstruction(let pc, let word):
      a.mov(.rcx, imm32: word)
      try fault(.illegalInstruction, pc: pc, detailInECX: true)
    case .fetchOutsideMemory(let pc):
      try fault(.fetchOutsideMemory, pc: pc, detailInECX: false)
    case .misalignedJump(let pc, let target):
      a.mov(.rcx, imm32: target)
      try fault(.misalignedJump, pc: pc, detailInECX: true)
    }
  }

  /// Records the fault through `HostCall.fault` and leaves with `.error`.
  mutating func fault(_ kind: GuestFaultCode, pc: UInt32, detailInECX: Bool) throws(CodeGenError) {
    if !detailInECX { a.alu(.xor, .dword, .rcx, .rcx) }
    if let shared {
      // eax = kind, edx = pc, ecx = detail: the shared fault exit spills
      // the pinned registers (rsi among them) before it sets up the call.
      a.mov(.rax, imm32: UInt32(kind.rawValue))
      a.mov(.rdx, imm32: pc)
      try a.jmp(absolute: shared.fault(stubs))
      return
    }
    abi.spillPinned(&a)
    a.mov(.rsi, imm32: UInt32(kind.rawValue))
    a.mov(.rdx, imm32: pc)
    abi.emitCall(.fault, &a)
    try exit(.error)
  }
}
