import KilnCore
import KilnIR

/// Loads, stores and legacy packet loads of ``FunctionIR``, with the inline
/// bounds check (see `FunctionEnvironment` for the regions):
///
///     add  x9, base, #offset            (or mov x16, #offset ; add x9, base, x16)
///     ldr  x10, [x26, #region.base]  ; sub x10, x9, x10
///     ldr  x11, [x26, #region.limit[size]] ; cmp x10, x11 ; b.lo ok
///     …one such test per region (stores skip read-only regions)…
///     b    fail                         cold: w10 = site, w11 = AccessDescriptor → outOfBounds
///  ok:
///     ldr  dst, [x9]
///
/// Accesses through the frame pointer with a constant offset inside the
/// current frame (`[r10 - 512, r10 - size]`) need no check: r10 only
/// moves by whole frames, always within the stack region.
/// Nor do accesses the range analysis proved (`FunctionIR.AccessFact`);
/// for one it knows is context-based, the context region is tried first.
extension FunctionLowering {
  /// The address of a checked (or unchecked) access. With `inScratch`, the
  /// address is always `[x9]` (atomics need a bare base register).
  mutating func access(
    _ base: FunctionIR.Register, _ offset: Int32, size: Int, write: Bool, site: Int,
    inScratch: Bool = false
  ) throws(CodeGenError) -> Address {
    let frame = Int32(environment.frameSize)
    let inFrame = base == .r10 && offset >= -frame && offset <= -Int32(size)
    let fact = accessFact(site)
    if !environment.needsCheck(fact) || inFrame {
      if !inScratch, let direct = directAddress(base, offset, size: size) { return direct }
      computeAddress(base, offset)
      return .base(XRegSP(Self.scratch.address))
    }
    computeAddress(base, offset)
    let s = Self.scratch
    let t = XReg(s.address)
    let (delta, limit) = (XReg(s.a), XReg(s.b))
    let ok = a.newLabel()
    for i in environment.regionOrder(write: write, fact: fact) {
      try loadField(delta, Env.regionBase(i))
      a.sub(delta, t, delta)
      try loadField(limit, Env.regionLimit(i, size: size))
      a.cmp(delta, limit)
      a.b(.lo, ok)
    }
    let fail = a.newLabel()
    a.b(fail)
    let detail = try errorDetail(size: size, isWrite: write)
    cold.append(.init(label: fail, site: site, detail: detail, stub: outOfBounds))
    try a.bind(ok)
    return .base(XRegSP(s.address))
  }

  /// `[base, #offset]` in one instruction, if the offset is encodable.
  func directAddress(_ base: FunctionIR.Register, _ offset: Int32, size: Int) -> Address? {
    let b = XRegSP(host(base))
    if let accessSize = accessSize(size),
      let scaled = ScaledOffset(bytes: Int(offset), size: accessSize)
    {
      return .offset(b, scaled)
    }
    if let imm = SImm9(exactly: Int(offset)) { return .unscaled(b, imm) }
    return nil
  }

  /// x9 = base + offset (64-bit).
  mutating func computeAddress(_ base: FunctionIR.Register, _ offset: Int32) {
    let t = XRegSP(Self.scratch.address)
    let b = XRegSP(host(base))
    if let imm = AddSubImmediate(exactly: Int(offset)) {
      a.add(t, b, imm)
    } else if let imm = AddSubImmediate(exactly: -Int(offset)) {
      a.sub(t, b, imm)
    } else {
      let o = XReg(Self.scratch.operand)
      a.mov(o, imm: UInt64(bitPattern: Int64(offset)))
      a.add(XReg(Self.scratch.address), x(base), o)
    }
  }

  func accessSize(_ size: Int) -> AccessSize? {
    switch size {
    case 1: .byte
    case 2: .halfword
    case 4: .word
    case 8: .doubleword
    default: nil
    }
  }

  /// What the range analysis says about the access at `site`.
  func accessFact(_ site: Int) -> FunctionIR.AccessFact {
    site >= 0 && site < accessFacts.count ? accessFacts[site] : .checked
  }

  /// The `errorDetail` of a failed access: its `AccessDescriptor` (no pc:
  /// the site goes to `errorSite`), a 32-bit constant.
  func errorDetail(size: Int, isWrite: Bool) throws(CodeGenError) -> UInt32 {
    guard let access = AccessDescriptor(size: size, isWrite: isWrite), let detail = access.encoded32
    else { throw .immediateOutOfRange("access size \(size)") }
    return detail
  }

  mutating func lowerLoad(
    _ dst: FunctionIR.Register, _ m: Address, size: Int, signExtend: Bool
  ) {
    switch (size, signExtend) {
    case (1, false): a.ldrb(w(dst), m)
    case (1, true): a.ldrsb(x(dst), m)
    case (2, false): a.ldrh(w(dst), m)
    case (2, true): a.ldrsh(x(dst), m)
    case (4, false): a.ldr(w(dst), m)
    case (4, true): a.ldrsw(x(dst), m)
    default: a.ldr(x(dst), m)
    }
  }

  mutating func lowerStore(_ m: Address, size: Int, value: FunctionIR.Operand) {
    let source: XReg
    switch value {
    case .register(let r): source = x(r)
    case .immediate(let i):
      if i == 0 {
        source = .xzr
      } else {
        source = XReg(Self.scratch.operand)
        a.mov(source, imm: UInt64(bitPattern: Int64(i)))
      }
    }
    switch size {
    case 1: a.strb(source.w, m)
    case 2: a.strh(source.w, m)
    case 4: a.str(source.w, m)
    default: a.str(source, m)
    }
  }

  /// r0 = big-endian `size` bytes at context + offset, offset = index + imm
  /// (64-bit), checked against the context's limit for `size`.
  mutating func lowerPacketLoad(
    size: Int, index: FunctionIR.Register?, imm: Int32, site: Int
  ) throws(CodeGenError) {
    let s = Self.scratch
    let offset = XReg(s.address)
    let t = XReg(s.a)
    a.mov(offset, imm: UInt64(bitPattern: Int64(imm)))
    if let index { a.add(offset, offset, x(index)) }
    try loadField(t, Env.regionLimit(Env.contextRegion, size: size))
    a.cmp(offset, t)
    let fail = a.newLabel()
    a.b(.hs, fail)
    let detail = try errorDetail(size: size, isWrite: false)
    cold.append(.init(label: fail, site: site, detail: detail, stub: packetOutOfBounds))
    try loadField(t, Env.regionBase(Env.contextRegion))
    let m = Address.register(XRegSP(s.a), offset, scaled: false)
    let r0 = FunctionIR.Register.r0
    switch size {
    case 1: a.ldrb(w(r0), m)
    case 2:
      a.ldrh(w(r0), m)
      a.rev16(w(r0), w(r0))
    case 4:
      a.ldr(w(r0), m)
      a.rev(w(r0), w(r0))
    default:
      a.ldr(x(r0), m)
      a.rev(x(r0), x(r0))
    }
  }
}
