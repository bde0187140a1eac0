import KilnCore
import KilnIR
import KilnPort

/// Guest loads and stores. Paged memory (`GuestMemoryLayout.paged`) has the
/// page walk inlined (see `PageTables`), with w16 = guest address:
///
///     add w17, w16, #size-1 ; lsr w17, w17, #12    last byte's page number
///     lsr w30, w16, #12                            first page number
///     ldrh w0, [pageTable + x30, lsl #1]           16-bit pool index
///     ldr w30, [tags + x0, lsl #2]
///     cmp w30, w17 ; b.ne slow                     unmapped, straddling or (stores) code page
///     ldr x30, [hostBias + x0, lsl #3]
///     add x17, x30, x16                            host address
///     ldr wD, [x17]
///
/// or, with the direct tables (`PageTables.directTables`):
///
///     lsr w17, w16, #12
///     add w0, w16, #size-1 ; eor w0, w0, w16 ; cmp w0, #0xFFF ; b.hi slow   straddles a page
///     ldr x17, [table + x17, lsl #3] ; cbz x17, slow                       unmapped or code page
///     add x17, x17, x16
///
/// Flat memory (`GuestMemoryLayout.flat`) is one instruction per access; the
/// host's MMU does the rest (`FaultSite`):
///
///     ldr wD, [x28, w16, uxtw]                     a load (a fault site)
///
///     lsr w17, w16, #12 ; add x17, x28, x17        a store: the code-page bytes
///     ldrb|ldrh w17, [x17 + codePages] ; cbnz w17, slow
///     str wS, [x28, w16, uxtw]                     (a fault site)
///
/// The slow path calls the runtime (`HostCall.load`/`.store`), which maps
/// pages on first touch, handles page-crossing and wrapping accesses,
/// invalidates code on stores to code pages, and reports exhaustion of the
/// page quota. In flat mode it is also where a fault site resumes when the
/// page cannot be mapped (w16 = guest address, as at the fault).
extension BlockLowering {
  /// w16 = base + offset (32-bit wrap-around; x16's upper half is zero).
  mutating func effectiveAddress(_ base: Value, _ offset: Int32) {
    let w16 = BlockABI.scratch0
    if case .immediate(let i) = base {
      a.mov(w16, imm: i &+ UInt32(bitPattern: offset))
      return
    }
    let n = read(base, into: w16)
    let value = Int(offset)
    if value == 0 {
      if n != w16 { a.mov(w16, n) }
    } else if let nsp = n.orSP, let imm = AddSubImmediate(exactly: value) {
      a.add(WRegSP.w16, nsp, imm)
    } else if let nsp = n.orSP, let imm = AddSubImmediate(exactly: -value) {
      a.sub(WRegSP.w16, nsp, imm)
    } else {
      a.mov(BlockABI.scratch1, imm: UInt32(bitPattern: offset))
      a.add(w16, n, BlockABI.scratch1)
    }
  }

  /// w16 = guest address; on return x17 holds the host address, or the
  /// code has branched to `slow` (w16 intact). Paged memory only.
  mutating func pageWalk(size: KilnIR.AccessSize, tables: PageTables, store: Bool, slow: Label) {
    if let direct = tables.directTables {
      directWalk(size: size, table: store ? direct.write : direct.read, slow: slow)
      return
    }
    let tags = store ? tables.writeTags : tables.readTags
    if size == .byte {
      a.lsr(WReg.w17, .w16, 12)
      a.mov(WReg.w30, .w17)
    } else {
      a.add(WRegSP.w17, .w16, AddSubImmediate(exactly: size.rawValue - 1) ?? 0)
      a.lsr(WReg.w17, .w17, 12)
      a.lsr(WReg.w30, .w16, 12)
    }
    a.addOffset(.x0, BlockABI.state, Int(tables.pageTable))
    a.ldrh(.w0, .register(.x0, .x30, scaled: true))
    a.addOffset(.x30, BlockABI.state, Int(tags))
    a.ldr(WReg.w30, .register(.x30, .x0, scaled: true))
    a.cmp(WReg.w30, .w17)
    a.b(.ne, slow)
    a.addOffset(.x30, BlockABI.state, Int(tables.hostBias))
    a.ldr(XReg.x30, .register(.x30, .x0, scaled: true))
    a.add(XReg.x17, .x30, .x16)
  }

  /// The direct-table walk (`PageTables.directTables`).
  mutating func directWalk(size: KilnIR.AccessSize, table: Int32, slow: Label) {
    a.lsr(WReg.w17, .w16, 12)
    if size != .byte {
      a.add(WRegSP.w0, .w16, AddSubImmediate(exactly: size.rawValue - 1) ?? 0)
      a.eor(WReg.w0, .w0, .w16)
      a.cmp(WRegSP.w0, 0xFFF)
      a.b(.hi, slow)
    }
    a.addOffset(.x30, BlockABI.state, Int(table))
    a.ldr(XReg.x17, .register(.x30, .x17, scaled: true))
    a.cbz(XReg.x17, slow)
    a.add(XReg.x17, .x17, .x16)
  }

  /// Flat stores: branches to `slow` if the first page the store touches
  /// (w16 = guest address) or the next one holds compiled code (a byte per
  /// page, read as a halfword for stores of more than one byte).
  mutating func codePageCheck(size: KilnIR.AccessSize, codePages: Int32, slow: Label) {
    a.lsr(WReg.w17, .w16, 12)
    a.add(XReg.x17, BlockABI.state, .x17)
    a.addOffset(.x17, .x17, Int(codePages))
    if size == .byte { a.ldrb(.w17, .base(.x17)) } else { a.ldrh(.w17, .base(.x17)) }
    a.cbnz(WReg.w17, slow)
  }

  /// Where the access instruction finds the guest bytes once w16 holds the
  /// guest address and the walk (if any) is done.
  var accessAddress: Address {
    switch abi.layout.memory {
    case .paged: .base(.x17)
    case .flat: .extended(BlockABI.stateSP, .w16, .uxtw, scaled: false)
    }
  }

  mutating func lowerLoad(
    _ dst: GuestRegister, base: Value, offset: Int32, size: KilnIR.AccessSize, signed: Bool,
    pc: UInt32
  ) throws(CodeGenError) {
    let slow = a.newLabel()
    let resume = a.newLabel()
    effectiveAddress(base, offset)
    if case .paged(let tables) = abi.layout.memory {
      pageWalk(size: size, tables: tables, store: false, slow: slow)
    }
    let t = target(dst, scratch: BlockABI.scratch1)
    let source = accessAddress
    a.keepTogether(words: 1)
    let site = a.offset
    switch (size, signed) {
    case (.byte, false): a.ldrb(t, source)
    case (.byte, true): a.ldrsb(t, source)
    case (.half, false): a.ldrh(t, source)
    case (.half, true): a.ldrsh(t, source)
    case (.word, _): a.ldr(t, source)
    }
    store(dst, from: t)
    try a.bind(resume)
    var faultSite: Int?
    if case .flat = abi.layout.memory { faultSite = site }
    cold.append(
      .access(
        label: slow, resume: resume, call: .load, register: dst, value: nil, size: size,
        signed: signed, pc: pc, faultSite: faultSite))
  }

  mutating func lowerStore(
    _ value: Value, base: Value, offset: Int32, size: KilnIR.AccessSize, pc: UInt32
  ) throws(CodeGenError) {
    let slow = a.newLabel()
    let resume = a.newLabel()
    effectiveAddress(base, offset)
    switch abi.layout.memory {
    case .paged(let tables): pageWalk(size: size, tables: tables, store: true, slow: slow)
    case .flat(let codePages): codePageCheck(size: size, codePages: codePages, slow: slow)
    }
    // w0 is free here (the walk is done with it) and x17 may hold the address.
    let source = read(value, into: BlockABI.result)
    let address = accessAddress
    a.keepTogether(words: 1)
    let site = a.offset
    switch size {
    case .byte: a.strb(source, address)
    case .half: a.strh(source, address)
    case .word: a.str(source, address)
    }
    try a.bind(resume)
    var faultSite: Int?
    if case .flat = abi.layout.memory { faultSite = site }
    cold.append(
      .access(
        label: slow, resume: resume, call: .store, register: nil, value: value, size: size,
        signed: false, pc: pc, faultSite: faultSite))
  }

  /// The slow path of a guest access (w16 = guest address): a host call
  /// through the access stub (`BlockStubs`), then leave the block on error
  /// or when a store modified guest code. The loaded value is in w0.
  mutating func slowAccess(
    _ call: HostCall, size: KilnIR.AccessSize, signed: Bool, pc: UInt32, value: Value?
  ) throws(CodeGenError) {
    if let value { load(BlockABI.scratch1, value) }
    let access = AccessDescriptor(size, signed: signed, isWrite: call == .store, pc: pc)
    a.mov(XReg.x0, imm: access.encoded)
    try a.bl(absolute: accessStubs.address(call, stubs: stubs))
    a.lsr(XReg.x17, .x0, 32)
    let ok = a.newLabel()
    a.cbz(XReg.x17, ok)
    try exitOnStatus(next: pc &+ 4)
    try a.bind(ok)
  }

  /// x17 = non-zero `HostCallStatus`: `.error` exits with `ExitReason.error`,
  /// `.codeModified` exits with `.synchronize` at `next`.
  mutating func exitOnStatus(next: UInt32) throws(CodeGenError) {
    let modified = a.newLabel()
    a.cmp(XRegSP.x17, AddSubImmediate(exactly: Int(HostCallStatus.codeModified.rawValue)) ?? 0)
    a.b(.eq, modified)
    try exit(.error)
    try a.bind(modified)
    refundBudget(resumingAt: next)
    a.mov(BlockABI.scratch1, imm: next)
    a.str(BlockABI.scratch1, stateWord(abi.layout.exitPC))
    try exit(.synchronize)
  }
}
