import KilnCore
import KilnIR

/// Loads, stores and legacy packet loads of ``FunctionIR``, with the inline
/// bounds check against the regions copied into the frame:
///
///     r12 = base.lo + offset  (adds)      r1 = base.hi + carry (adc)
///     cmp r1, #0 ; bne fail               (a high word ≠ 0 is outside every region)
///
/// (a base known to fit 32 bits (`UpperZero`) needs only `adds`/`subs` and a
/// branch on the carry, or nothing at offset 0: the address is the base's
/// low word; a pinned base at offset 0 needs only `cmp hi, #0 ; bne fail`),
///     ldr r0, [fp, #region.base] ; sub r0, r12, r0
///     ldr r2, [fp, #region.limit[size]] ; cmp r0, r2 ; blo ok
///     …one such test per region (stores skip read-only regions; the
///     stack first for r10 and registers just computed from it, else the
///     context)…
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
    if !isChecked(base, offset, size: size, site: site) {
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
    let fail = a.newLabel()
    let ok = a.newLabel()
    // How the region failures find the address in r12:r1.
    var prefix: [Setup] = []
    var address = Reg.r12
    if fits(base) {
      // The base's high word is 0: base + offset leaves 32 bits only
      // through the carry (offset ≥ 0) or the borrow (offset < 0).
      let lo = readLow(base, into: .r1)
      if offset == 0 {
        address = lo
        prefix = [.move(.r12, lo), .constant(.r1, 0)]
      } else {
        let high = a.newLabel()
        let magnitude = UInt32(truncatingIfNeeded: offset < 0 ? -Int64(offset) : Int64(offset))
        let m: ModifiedImmediate
        if let encodable = ModifiedImmediate(exactly: magnitude) {
          m = encodable
          if offset > 0 { a.adds(.r12, lo, imm: m) } else { a.subs(.r12, lo, imm: m) }
        } else {
          a.mov32(.r12, magnitude)
          if offset > 0 { a.adds(.r12, lo, .r12) } else { a.subs(.r12, lo, .r12) }
        }
        a.b(offset > 0 ? .hs : .lo, high)
        cold.append(
          .init(
            label: high, site: site, detail: try errorDetail(size: size, isWrite: write),
            stub: outOfBounds, prefix: [.constant(.r1, offset > 0 ? 1 : 0xFFFF_FFFF)]))
        prefix = [.constant(.r1, 0)]
      }
    } else {
      let bp = read(base, into: ABI.a)
      if offset == 0, bp.lo != .r0 {
        // A pinned base: the address is its low word if the high one is 0.
        address = bp.lo
        prefix = [.move(.r12, bp.lo), .move(.r1, bp.hi)]
        a.cmp(bp.hi, imm: imm(0))
        a.b(.ne, fail)
      } else {
        addOffset(bp, offset)
        a.cmp(.r1, imm: imm(0))
        a.b(.ne, fail)
      }
    }
    // Accesses through r10 (or a register computed from it) try the stack
    // first, others (and those the range analysis knows are context-based)
    // the context.
    var order = Array(0..<environment.regionCount)
    let stack = base == .r10 || stackDerived & (1 << base.index) != 0
    if !stack, environment.regionCount > Env.contextRegion {
      order.swapAt(Env.stackRegion, Env.contextRegion)
    }
    for i in order where !write || environment.writable[i] {
      a.ldr(.r0, ABI.fp, ABI.regionBase(i))
      a.sub(.r0, address, .r0)
      a.ldr(.r2, ABI.fp, ABI.regionLimit(i, size: size))
      a.cmp(.r0, .r2)
      a.b(.lo, ok)
    }
    a.b(fail)
    let detail = try errorDetail(size: size, isWrite: write)
    cold.append(.init(label: fail, site: site, detail: detail, stub: outOfBounds, prefix: prefix))
    try a.bind(ok)
    if inScratch, address != .r12 {
      a.mov(.r12, address)
      return (.r12, 0)
    }
    return (address, 0)
  }

  /// Whether the access has a bounds check (which reads the base's high
  /// word): not in unchecked mode, not proven by the range analysis, not
  /// at a constant r10 offset inside the frame.
  func isChecked(_ base: FunctionIR.Register, _ offset: Int32, size: Int, site: Int) -> Bool {
    let frame = Int32(environment.frameSize)
    let inFrame = base == .r10 && offset >= -frame && offset <= -Int32(size)
    return environment.needsCheck(accessFact(site)) && !inFrame
  }

  /// For `NarrowHomes.swift`: whether `op` is an access with a check.
  func baseReadsHigh(_ op: FunctionIR.Op) -> Bool {
    switch op {
    case .load(_, let base, let offset, let size, _, let site),
      .store(let base, let offset, let size, _, let site):
      isChecked(base, offset, size: size, site: site)
    default: false
    }
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

  /// `d = s ; d += t ; d = *(u8/u16/u32 *)(d + 0)` (operations `index` to
  /// `index + 2`, moves and adds of either width) where the access has no
  /// check: one register-offset load `ldr{b,h} d, [s, t]` (the address is
  /// the low words' sum, as for every access without a check, and the low
  /// word of the sum is the same at either width; the sum itself is
  /// overwritten by the load). False: not that (nothing emitted).
  mutating func lowerIndexedLoad(_ dst: FunctionIR.Register, _ s: FunctionIR.Register)
    throws(CodeGenError) -> Bool
  {
    guard index + 2 < ops.count, s != dst,
      case .alu(.add, _, let d1, .register(let t)) = ops[index + 1], d1 == dst, t != dst,
      case .load(let d2, let base, 0, let size, let signExtend, let site) = ops[index + 2],
      d2 == dst, base == dst, size < 8, !isChecked(dst, 0, size: size, site: site)
    else { return false }
    let x = readLow(s, into: .r12)
    let y = readLow(t, into: .r2)
    let d = target(dst, ABI.a)
    switch (size, signExtend) {
    case (1, false): a.ldrb(d.lo, x, index: y)
    case (1, true): a.ldrsb(d.lo, x, index: y)
    case (2, false): a.ldrh(d.lo, x, index: y)
    case (2, true): a.ldrsh(d.lo, x, index: y)
    default: a.ldr(d.lo, x, index: y)
    }
    loweredThrough = index + 2
    // `dst`'s high word is as it was before the move (`writeLow` asks
    // `fits` there): 0 if it fitted, else written here.
    guard signExtend else {
      writeLow(dst, d)
      return true
    }
    a.asr(d.hi, d.lo, imm: 31)
    write(dst, d)
    return true
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
      guard signExtend else { return writeLow(dst, d) }
      a.asr(d.hi, d.lo, imm: 31)
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
    if let index {
      addOffset(read(index, into: ABI.a), immediate)
    } else {
      let (lo, hi) = Self.split(immediate, .w64)
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
    case 4:
      a.ldr(d.lo, .r2, index: .r12)
      a.rev(d.lo, d.lo)
    default:
      a.add(.r12, .r12, .r2)
      a.ldr(.r2, .r12, 0)
      a.ldr(.r3, .r12, 4)
      a.rev(d.lo, .r3)
      a.rev(d.hi, .r2)
      return write(.r0, d)
    }
    writeLow(.r0, d)
  }
}

extension FunctionLowering {
  /// r12:r1 = `x` + `offset` sign-extended to 64 bits: `adds` of the low
  /// words (the offset as a modified immediate, else through r12), `adc`
  /// of the high ones.
  mutating func addOffset(_ x: Pair, _ offset: Int32) {
    let (lo, hi) = Self.split(offset, .w64)
    if let m = ModifiedImmediate(exactly: lo) {
      a.adds(.r12, x.lo, imm: m)
    } else {
      a.mov32(.r12, lo)
      a.adds(.r12, x.lo, .r12)
    }
    a.adc(.r1, x.hi, imm: imm(hi))
  }
}
