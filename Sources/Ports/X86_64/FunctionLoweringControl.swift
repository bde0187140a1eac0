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

  /// Local call: check and count the depth, save r6–r10, give the callee the
  /// next frame down, `call`, restore.
  mutating func lowerLocalCall(_ target: Label, site: Int) {
    let fail = a.newLabel()
    a.alu(.cmp, .qword, field(Env.callDepth), imm: Int32(environment.maxCallDepth))
    a.jcc(.ae, fail)
    cold.append(.init(label: fail, site: site, detail: 0, stub: depthExceeded))
    a.alu(.add, .qword, field(Env.callDepth), imm: 1)
    for r in FunctionABI.preservedAcrossCalls { a.push(r) }
    a.alu(.sub, .qword, .rbp, imm: Int32(environment.frameSize))
    a.call(target)
    for r in FunctionABI.preservedAcrossCalls.reversed() { a.pop(r) }
    a.alu(.sub, .qword, field(Env.callDepth), imm: 1)
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
