import KilnCore
import KilnIR

/// Branches, helper calls and local calls of ``FunctionIR``.
extension FunctionLowering {
  /// A failure path moved out of line:
  /// `mov w10, #site ; mov w11, #detail ; b stub`.
  struct ColdPath {
    var label: Label
    var site: Int
    var detail: UInt32
    var stub: Label
  }

  mutating func lowerBranch(
    _ c: KilnIR.Condition, _ width: FunctionIR.Width, _ lhs: FunctionIR.Register,
    _ rhs: FunctionIR.Operand, _ target: Label
  ) {
    if width == .w64 {
      compare(c, x(lhs), rhs, immediate: { UInt64(bitPattern: Int64($0)) }, view: x)
    } else {
      compare(c, w(lhs), rhs, immediate: { UInt32(bitPattern: $0) }, view: w)
    }
    a.b(Condition(c), target)
  }

  /// Sets the flags for `c`: `tst` for `andNonZero`, else `cmp` (or `cmn` for a
  /// negative immediate), with x16 for immediates no form encodes.
  mutating func compare<R: RegisterOrZR, V: FixedWidthInteger & UnsignedInteger>(
    _ c: KilnIR.Condition, _ lhs: R, _ rhs: FunctionIR.Operand, immediate: (Int32) -> V,
    view: (FunctionIR.Register) -> R
  ) {
    let r: R
    switch rhs {
    case .register(let reg): r = view(reg)
    case .immediate(let i):
      if c == .andNonZero {
        if let imm = bitmask(R.self, immediate(i)) {
          a.tst(lhs, imm)
          return
        }
      } else if let lhsSP = lhs.orSP {
        if let imm = AddSubImmediate(exactly: Int(i)) {
          a.cmp(lhsSP, imm)
          return
        }
        if let imm = AddSubImmediate(exactly: -Int(i)) {
          a.cmn(lhsSP, imm)
          return
        }
      }
      r = R(Self.scratch.operand)
      constant(r, immediate(i))
    }
    if c == .andNonZero { a.tst(lhs, r) } else { a.cmp(lhs, r) }
  }

  /// Helper call through the state's single host-call entry:
  /// `(r1, r2, r3, r4, r5, state) -> r0`, id in `helperID`. r1–r5 and the
  /// return address are kept on the host stack (48 bytes); x5 = state.
  mutating func callHelper(site: Int, checkStatus: Bool) throws(CodeGenError) {
    let t = XReg(Self.scratch.address)
    if checkStatus {
      a.mov(t, imm: UInt64(site))
      try storeField(t, Env.errorSite)
    }
    push(FunctionABI.helperCallPairs)
    a.mov(.x5, XReg(FunctionABI.state))
    try loadField(t, Env.helperCall)
    a.blr(t)
    a.mov(x(.r0), .x0)
    pop(FunctionABI.helperCallPairs)
    if checkStatus {
      try loadField(t, Env.status)
      a.cbnz(t, errorExit)
    }
  }

  /// Local call: check the depth, save the pairs of r6–r9 the callee may
  /// write (`writes`, from ``FunctionIR/LocalCallWrites``) and r10 with
  /// x30, give the callee the next frame down, `bl`, restore.
  ///
  /// The depth is where r10 is: frames are contiguous below `frameTop`, so
  /// at depth d, r10 = frameTop − (d − 1)·frameSize and a call from depth
  /// d ≥ maxCallDepth fails when r10 + (maxCallDepth − 1)·frameSize ≤
  /// frameTop (no counter to load, add and store back around every call).
  mutating func lowerLocalCall(_ target: Label, writes: UInt16, site: Int) throws(CodeGenError) {
    let t = XReg(Self.scratch.address)
    let top = XReg(Self.scratch.b)
    let fail = a.newLabel()
    let reach = Int64(max(0, environment.maxCallDepth - 1)) &* Int64(environment.frameSize)
    a.mov(t, imm: UInt64(bitPattern: reach))
    a.add(t, t, x(.r10))
    try loadField(top, Env.frameTop)
    a.cmp(t, top)
    a.b(.ls, fail)
    cold.append(.init(label: fail, site: site, detail: 0, stub: depthExceeded))
    let pairs = FunctionABI.localCallPairs(writing: writes)
    push(pairs)
    let r10 = XRegSP(host(.r10))
    a.sub(r10, r10, try frameSize())
    a.bl(target)
    pop(pairs)
  }

  func frameSize() throws(CodeGenError) -> AddSubImmediate {
    guard let imm = AddSubImmediate(exactly: environment.frameSize) else {
      throw .immediateOutOfRange("frame size \(environment.frameSize)")
    }
    return imm
  }

  /// Pushes register pairs (the first pair lowest), 16 bytes each.
  mutating func push(_ pairs: [(GPR, GPR)]) {
    let size = 16 * pairs.count
    for (i, p) in pairs.enumerated() {
      if i == 0 {
        a.stp(XReg(p.0), XReg(p.1), .preIndex(.sp, PairOffset(layout: -size)))
      } else {
        a.stp(XReg(p.0), XReg(p.1), .offset(.sp, PairOffset(layout: 16 * i)))
      }
    }
  }

  /// Pops what `push(pairs)` pushed.
  mutating func pop(_ pairs: [(GPR, GPR)]) {
    let size = 16 * pairs.count
    for (i, p) in pairs.enumerated().reversed() {
      if i == 0 {
        a.ldp(XReg(p.0), XReg(p.1), .postIndex(.sp, PairOffset(layout: size)))
      } else {
        a.ldp(XReg(p.0), XReg(p.1), .offset(.sp, PairOffset(layout: 16 * i)))
      }
    }
  }

  mutating func emitColdPaths() throws(CodeGenError) {
    let s = Self.scratch
    for c in cold {
      try a.bind(c.label)
      a.mov(WReg(s.a), imm: UInt32(truncatingIfNeeded: c.site))
      a.mov(WReg(s.b), imm: c.detail)
      a.b(c.stub)
    }
  }
}
