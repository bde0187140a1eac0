import KilnCore
import KilnIR

/// Loads, stores and legacy packet loads of ``FunctionIR``, with the inline
/// bounds check against the regions copied into the frame:
///
///     r12 = base.lo + offset  (adds)      r1 = base.hi + carry (adc)
///     cmp r1, #0 ; bne fail               (a high word ≠ 0 is outside every region)
///     ldr r0, [fp, #region.base] ; sub r0, r12, r0
///     ldr r2, [fp, #region.limit[size]] ; cmp r0, r2 ; blo ok
///     …one such test per region (stores skip read-only regions)…
///     b   fail                            cold: r0 = site, r2 = AccessDescriptor → outOfBounds
///  ok:
///     ldr dst.lo, [r12] …                 (the value's pair is read after the check)
///
/// The failure stub stores the full 64-bit address (r12:r1). Accesses
/// through r10 with a constant offset inside the current frame need no
/// check (r10 only moves by whole frames within the stack region), nor do
/// accesses in unchecked mode, nor the ones the range analysis proved
/// (`FunctionIR.AccessFact`): all use the low word of the address only. For
/// an access it knows is context-based, the context region is tried first.
/// 8-byte accesses are two word accesses (LDRD/STRD fault on addresses that
/// are not word-aligned; LDR/STR do not on the M4).
extension FunctionLowering {
  /// The address of an access as (base register, offset), r12 unless an
  /// unchecked access can use `[base, #offset]` directly.
  mutating func access(
    _ base: FunctionIR.Register, _ offset: Int32, size: Int, write: Bool, site: Int,
    inScratch: Bool = false
  ) throws(CodeGenError) -> (Reg, Int32) {
    let frame = Int32(environment.frameSize)
    let inFrame = base == .r10 && offset >= -frame && offset <= -Int32(size)
    let fact = accessFact(site)
    if !environment.needsCheck(fact) || inFrame {
      let b = readLow(base, into: .r12)
      let last = size == 8 ? offset + 4 : offset
      if !inScratch, Thumb2Assembler.canEncodeLoadStoreOffset(offset),
        Thumb2Assembler.canEncodeLoadStoreOffset(last)
      {
        return (b, offset)
      }
      try add(.r12, b, offset)
      return (.r12, 0)
    }
    let bp = read(base, into: ABI.a)
    let (lo, hi) = Self.split(offset, .w64)
    if let m = ModifiedImmediate(exactly: lo) {
      a.adds(.r12, bp.lo, imm: m)
    } else {
      a.mov32(.r12, lo)
      a.adds(.r12, bp.lo, .r12)
    }
    a.adc(.r1, bp.hi, imm: imm(hi))
    let fail = a.newLabel()
    let ok = a.newLabel()
    a.cmp(.r1, imm: imm(0))
    a.b(.ne, fail)
    for i in environment.regionOrder(write: write, fact: fact) {
      a.ldr(.r0, ABI.fp, ABI.regionBase(i))
      a.sub(.r0, .r12, .r0)
      a.ldr(.r2, ABI.fp, ABI.regionLimit(i, size: size))
      a.cmp(.r0, .r2)
      a.b(.lo, ok)
    }
    a.b(fail)
    let detail = try errorDetail(size: size, isWrite: write)
    cold.append(.init(label: fail, site: site, detail: detail, stub: outOfBounds))
    try a.bind(ok)
    return (.r12, 0)
  }

  /// What the range analysis says about the access at `site`.
  func accessFact(_ site: Int) -> FunctionIR.AccessFact {
    site >= 0 && site < accessFacts.count ? accessFacts[site] : .checked
  }

  /// The `errorDetail` of a failed access: its `AccessDescriptor`.
  func errorDetail(size: Int, isWrite: Bool) throws(CodeGenError) -> UInt32 {
    guard let access = AccessDescriptor(size: size, isWrite: isWrite), let detail = access.encoded32
    else { throw .immediateOutOfRange("access size \(size)") }
    return detail
  }

  mutating func lowerLoad(
    _ dst: FunctionIR.Register, _ base: FunctionIR.Register, _ offset: Int32, size: Int,
    signExtend: Bool, site: Int
  ) throws(CodeGenError) {
    let (m, o) = try access(base, offset, size: size, write: false, site: site)
    let d = target(dst, ABI.a)
    switch (size, signExtend) {
    case (1, false): a.ldrb(d.lo, m, o)
    case (1, true): a.ldrsb(d.lo, m, o)
    case (2, false): a.ldrh(d.lo, m, o)
    case (2, true): a.ldrsh(d.lo, m, o)
    case (4, _): a.ldr(d.lo, m, o)
    default:
      // The word that overwrites the base register goes last.
      if m == d.lo {
        a.ldr(d.hi, m, o + 4)
        a.ldr(d.lo, m, o)
      } else {
        a.ldr(d.lo, m, o)
        a.ldr(d.hi, m, o + 4)
      }
    }
    if size < 8 {
      if signExtend { a.asr(d.hi, d.lo, imm: 31) } else { a.mov(d.hi, imm: imm(0)) }
    }
    write(dst, d)
  }

  mutating func lowerStore(
    _ base: FunctionIR.Register, _ offset: Int32, size: Int, value: FunctionIR.Operand, site: Int
  ) throws(CodeGenError) {
    let (m, o) = try access(base, offset, size: size, write: true, site: site)
    let v: Pair
    switch value {
    case .register(let r):
      v = size == 8 ? read(r, into: ABI.b) : Pair(readLow(r, into: .r2), .r3)
    case .immediate(let i):
      let (lo, hi) = Self.split(i, .w64)
      a.mov32(.r2, lo)
      if size == 8 { a.mov32(.r3, hi) }
      v = ABI.b
    }
    switch size {
    case 1: a.strb(v.lo, m, o)
    case 2: a.strh(v.lo, m, o)
    case 4: a.str(v.lo, m, o)
    default:
      a.str(v.lo, m, o)
      a.str(v.hi, m, o + 4)
    }
  }

  /// r0 = big-endian `size` bytes at context + offset, offset = index + imm
  /// (64-bit), checked against the context's limit for `size`.
  mutating func lowerPacketLoad(
    size: Int, index: FunctionIR.Register?, imm immediate: Int32, site: Int
  ) throws(CodeGenError) {
    // r12:r1 = offset (the failure stub records it as the address).
    let (lo, hi) = Self.split(immediate, .w64)
    if let index {
      let x = read(index, into: ABI.a)
      if let m = ModifiedImmediate(exactly: lo) {
        a.adds(.r12, x.lo, imm: m)
      } else {
        a.mov32(.r12, lo)
        a.adds(.r12, x.lo, .r12)
      }
      a.adc(.r1, x.hi, imm: imm(hi))
    } else {
      a.mov32(.r12, lo)
      a.mov32(.r1, hi)
    }
    let fail = a.newLabel()
    a.cmp(.r1, imm: imm(0))
    a.b(.ne, fail)
    a.ldr(.r2, ABI.fp, ABI.regionLimit(Env.contextRegion, size: size))
    a.cmp(.r12, .r2)
    a.b(.hs, fail)
    let detail = try errorDetail(size: size, isWrite: false)
    cold.append(.init(label: fail, site: site, detail: detail, stub: packetOutOfBounds))
    a.ldr(.r2, ABI.fp, ABI.regionBase(Env.contextRegion))
    let d = target(.r0, ABI.a)
    switch size {
    case 1: a.ldrb(d.lo, .r2, index: .r12)
    case 2:
      a.ldrh(d.lo, .r2, index: .r12)
      a.rev16(d.lo, d.lo)
      a.mov(d.hi, imm: imm(0))
    case 4:
      a.ldr(d.lo, .r2, index: .r12)
      a.rev(d.lo, d.lo)
      a.mov(d.hi, imm: imm(0))
    default:
      a.add(.r12, .r12, .r2)
      a.ldr(.r2, .r12, 0)
      a.ldr(.r3, .r12, 4)
      a.rev(d.lo, .r3)
      a.rev(d.hi, .r2)
    }
    if size == 1 { a.mov(d.hi, imm: imm(0)) }
    write(.r0, d)
  }
}
