import KilnCore
import KilnIR

/// Branches, helper calls and local calls of ``FunctionIR``.
extension FunctionLowering {
  /// A failure path moved out of line: `mov r10d, site ; mov r9d, detail ; jmp stub`.
  struct ColdPath {
    var label: Label
    var site: Int
    var detail: UInt32
    var stub: Label
  }

  mutating func lowerBranch(
    _ c: Condition, _ w: FunctionIR.Width, _ lhs: GPR, _ rhs: FunctionIR.Operand,
    _ target: Label
  ) {
    let sz = size(w)
    switch (c.setsFlagsByTest, rhs) {
    case (true, .register(let r)): a.test(sz, lhs, host(r))
    case (true, .immediate(let i)): a.test(sz, lhs, imm: UInt32(bitPattern: i))
    case (false, .register(let r)): a.alu(.cmp, sz, lhs, host(r))
    case (false, .immediate(let i)): a.alu(.cmp, sz, lhs, imm: i)
    }
    a.jcc(ConditionCode(c), target)
  }

  /// Helper call through the state's single host-call entry:
  /// `(r1, r2, r3, r4, r5, state) -> r0`, id in `helperID`. r1–r5 are
  /// kept (pushed with one padding slot: 48 bytes keep the alignment).
  mutating func callHelper(site: Int, checkStatus: Bool) throws(CodeGenError) {
    if checkStatus { a.mov(.qword, field(Env.errorSite), imm32: Int32(site)) }
    for r in FunctionABI.arguments { a.push(r) }
    a.push(.r8)
    a.mov(.qword, FunctionABI.scratch.a, Self.state)
    a.call(field(Env.helperCall))
    a.pop(FunctionABI.scratch.a)
    for r in FunctionABI.arguments.reversed() { a.pop(r) }
    if checkStatus {
      a.alu(.cmp, .qword, field(Env.status), imm: 0)
      a.jcc(.ne, errorExit)
    }
  }

  /// Local call: check the depth, save the registers of r6–r9 the callee
  /// may write (`writes`, from ``FunctionIR/LocalCallWrites``) and r10,
  /// give the callee the next frame down, `call`, restore.
  ///
  /// The depth is where r10 is: frames are contiguous below `frameTop`, so
  /// at depth d, rbp = frameTop − (d − 1)·frameSize and a call from depth
  /// d ≥ maxCallDepth fails when rbp + (maxCallDepth − 1)·frameSize ≤
  /// frameTop (no counter to load, add and store back around every call).
  mutating func lowerLocalCall(_ target: Label, writes: UInt16, site: Int) {
    let fail = a.newLabel()
    let t = FunctionABI.scratch.address
    let reach = Int64(max(0, environment.maxCallDepth - 1)) &* Int64(environment.frameSize)
    if let displacement = Int32(exactly: reach) {
      a.lea(.qword, t, Memory(base: .rbp, displacement: displacement))
    } else {
      // Beyond a displacement (ExecutionOptions bounds the depth well below).
      loadConstant(t, UInt64(bitPattern: reach))
      a.alu(.add, .qword, t, .rbp)
    }
    a.alu(.cmp, .qword, t, field(Env.frameTop))
    a.jcc(.be, fail)
    cold.append(.init(label: fail, site: site, detail: 0, stub: depthExceeded))
    let saved = FunctionABI.saved(aroundCallWriting: writes)
    for r in saved { a.push(r) }
    a.alu(.sub, .qword, .rbp, imm: Int32(environment.frameSize))
    a.call(target)
    for r in saved.reversed() { a.pop(r) }
  }

  mutating func emitColdPaths() throws(CodeGenError) {
    for c in cold {
      try a.bind(c.label)
      a.mov(FunctionABI.scratch.b, imm32: UInt32(truncatingIfNeeded: c.site))
      a.mov(FunctionABI.scratch.a, imm32: c.detail)
      a.jmp(c.stub)
    }
  }
}
