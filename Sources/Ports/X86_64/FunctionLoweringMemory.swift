import KilnCore
import KilnIR

/// Loads, stores, atomics and legacy packet loads of ``FunctionIR``, with
/// the inline bounds check (see `FunctionEnvironment` for the regions):
///
///     lea r11, [base + offset]
///     mov r10, r11 ; sub r10, [r12 + region.base] ; cmp r10, [r12 + region.limit[size]] ; jb ok
///     …one such test per region (stores skip read-only regions)…
///     jmp fail                 cold: r10 = site, r9 = AccessDescriptor → outOfBounds stub
///  ok:
///     mov dst, [r11]
///
/// Accesses through the frame pointer with a constant offset inside the
/// current frame (`[r10 - 512, r10 - size]`) need no check: r10 only
/// moves by whole frames, always within the stack region.
/// Nor do accesses the range analysis proved (`FunctionIR.AccessFact`);
/// for one it knows is context-based, the context region is tried first.
extension FunctionLowering {
  /// The memory operand of a checked (or unchecked) access. With
  /// `inScratch`, the address is always in r11 (atomics need that).
  mutating func address(
    _ base: GPR, _ offset: Int32, size: Int, write: Bool, site: Int,
    inScratch: Bool = false
  ) throws(CodeGenError) -> Memory {
    let t = FunctionABI.scratch.address
    let r10 = FunctionABI.scratch.b
    let frame = Int32(environment.frameSize)
    let isFrame = base == FunctionABI.host(.r10)
    let inFrame = isFrame && offset >= -frame && offset <= -Int32(size)
    let fact = accessFact(site)
    if !environment.needsCheck(fact) || inFrame {
      if !inScratch { return Memory(base: base, displacement: offset) }
      a.lea(.qword, t, Memory(base: base, displacement: offset))
      return Memory(base: t)
    }
    a.lea(.qword, t, Memory(base: base, displacement: offset))
    let ok = a.newLabel()
    for i in environment.regionOrder(write: write, fact: fact) {
      a.mov(.qword, r10, t)
      a.alu(.sub, .qword, r10, field(Env.regionBase(i)))
      a.alu(.cmp, .qword, r10, field(Env.regionLimit(i, size: size)))
      a.jcc(.b, ok)
    }
    let fail = a.newLabel()
    a.jmp(fail)
    let detail = try errorDetail(size: size, isWrite: write)
    cold.append(.init(label: fail, site: site, detail: detail, stub: outOfBounds))
    try a.bind(ok)
    return Memory(base: t)
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

  mutating func lowerLoad(_ dst: GPR, _ m: Memory, size: Int, signExtend: Bool) {
    switch (size, signExtend) {
    case (1, false): a.movzx8(dst, m)
    case (1, true): a.movsx8To64(dst, m)
    case (2, false): a.movzx16(dst, m)
    case (2, true): a.movsx16To64(dst, m)
    case (4, false): a.mov(.dword, dst, m)
    case (4, true): a.movsxd(dst, m)
    default: a.mov(.qword, dst, m)
    }
  }

  mutating func lowerStore(_ m: Memory, size: Int, value: FunctionIR.Operand) {
    var source: GPR
    switch value {
    case .register(let r): source = host(r)
    case .immediate(let i):
      switch size {
      case 4:
        a.mov(.dword, m, imm32: i)
        return
      case 8:
        a.mov(.qword, m, imm32: i)
        return
      default:
        source = FunctionABI.scratch.a
        a.mov(source, imm32: UInt32(bitPattern: i))
      }
    }
    switch size {
    case 1: a.store8(m, source)
    case 2: a.store16(m, source)
    case 4: a.mov(.dword, m, source)
    default: a.mov(.qword, m, source)
    }
  }

  /// Atomics with `lock` forms; the fetching `or`/`and`/`xor` are
  /// `cmpxchg` loops (rax is saved in r9 around them).
  mutating func lowerAtomic(
    _ op: FunctionIR.Atomic, fetch: Bool, size: Int, base: GPR, offset: Int32, source: GPR,
    site: Int
  ) throws(CodeGenError) {
    let m = try address(
      base, offset, size: size, write: true, site: site, inScratch: true)
    let sz: OperandSize = size == 8 ? .qword : .dword
    switch op {
    case .add where fetch: a.lockXadd(sz, m, source)
    case .add, .or, .and, .xor:
      let x86: ALUOp = op == .add ? .add : op == .or ? .or : op == .and ? .and : .xor
      if !fetch {
        a.lockALU(x86, sz, m, source)
        return
      }
      let (saved, new) = (FunctionABI.scratch.a, FunctionABI.scratch.b)
      a.mov(.qword, saved, .rax)
      let operand = source == .rax ? saved : source
      a.mov(sz, .rax, m)
      let again = a.newLabel()
      try a.bind(again)
      a.mov(.qword, new, .rax)
      a.alu(x86, sz, new, operand)
      a.lockCmpxchg(sz, m, new)
      a.jcc(.ne, again)
      if source != .rax {
        a.mov(sz, source, .rax)
        a.mov(.qword, .rax, saved)
      }
    case .xchg: a.xchg(sz, m, source)
    case .cmpxchg:
      a.lockCmpxchg(sz, m, source)
      if sz == .dword { a.mov(.dword, .rax, .rax) }
    }
  }

  /// r0 = big-endian `size` bytes at context + offset, offset = index + imm.
  mutating func lowerPacketLoad(size: Int, index: GPR?, imm: Int32, site: Int) throws(CodeGenError)
  {
    let t = FunctionABI.scratch.address
    let base = FunctionABI.scratch.b
    if let index {
      a.mov(.qword, t, index)
      if imm != 0 { a.alu(.add, .qword, t, imm: imm) }
    } else {
      a.mov(t, simm32: imm)
    }
    a.alu(.cmp, .qword, t, field(Env.regionLimit(Env.contextRegion, size: size)))
    let fail = a.newLabel()
    a.jcc(.ae, fail)
    let detail = try errorDetail(size: size, isWrite: false)
    cold.append(.init(label: fail, site: site, detail: detail, stub: packetOutOfBounds))
    a.mov(.qword, base, field(Env.regionBase(Env.contextRegion)))
    let m = Memory(base: base, index: t, scale: .x1)
    switch size {
    case 1: a.movzx8(.rax, m)
    case 2:
      a.movzx16(.rax, m)
      a.bswap(.dword, .rax)
      a.shift(.shr, .dword, .rax, imm: 16)
    case 4:
      a.mov(.dword, .rax, m)
      a.bswap(.dword, .rax)
    default:
      a.mov(.qword, .rax, m)
      a.bswap(.qword, .rax)
    }
  }
}
