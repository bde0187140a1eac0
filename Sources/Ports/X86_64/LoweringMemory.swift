import KilnCore
import KilnIR
import KilnPort

/// Guest loads and stores. Paged memory (`GuestMemoryLayout.paged`) has the
/// page walk inlined (see `PageTables`):
///
///     eax = guest address                    lea eax, [base + offset]
///     ecx = (address + size - 1) >> 12       last byte's page number
///     edx = pageTable[address >> 12]         16-bit pool index
///     cmp tags[edx], ecx ; jne slow          unmapped, straddling or (stores) code page
///     rax += hostBias[edx]                   host address
///     mov dst, [rax]
///
/// With the faulting walk (`PageTables.missBase`, native Linux only) the
/// entry is not tested: a miss lands in reserved address space and faults
/// into the access's slow path (a fault site, as in flat memory):
///
///     edx = address >> 12 ; test eax, size - 1 ; jnz slow
///     rax += direct[edx] ; mov dst, [r15 + rax + missBase]
///
/// Flat memory (`GuestMemoryLayout.flat`) is one instruction per access; the
/// host's MMU does the rest (`FaultSite`):
///
///     lea eax, [base + offset]               zero-extends: rax = guest address
///     mov dst, [r15 + rax]                   load (a fault site)
///
///     mov dst, [r15 + base + offset]         the same for a base in a host
///                                            register and 0 <= offset < 64 KiB
///                                            (`flatOperand`)
///
///     lea eax, [base + offset]               store
///     mov edx, eax ; shr edx, 12             code-page check
///     movzx edx, byte|word [r15 + rdx + codePages] ; test edx, edx ; jnz slow
///     mov [r15 + rax], src                   (a fault site)
///
/// The code-page check is left out when the runtime write-protects the host
/// pages of code pages and of read-only guest pages
/// (`StateLayout.codePagesWriteProtected`, native runs): a store is then
/// `lea` and `mov` like a load, and one into such a page faults, the signal
/// handler finds the page mapped and sends the store to its slow path, which
/// writes it through the runtime (invalidating code, or refusing a read-only
/// page), as it does after the check.
///
/// The slow path calls the runtime (`HostCall.load`/`.store`), which maps
/// pages on first touch, handles page-crossing and wrapping accesses,
/// invalidates code on stores to code pages, and reports exhaustion of the
/// page quota. In flat mode it is also where a fault site resumes when the
/// signal handler cannot map the page.
extension BlockLowering {
  /// eax = base + offset (32-bit wrap-around; the upper half of rax is zero).
  mutating func effectiveAddress(_ base: Value, _ offset: Int32) {
    switch location(base) {
    case .register(let r): a.lea(.dword, .rax, Memory(base: r, displacement: offset))
    case .memory(let m):
      a.mov(.dword, .rax, m)
      if offset != 0 { a.alu(.add, .dword, .rax, imm: offset) }
    case .immediate(let i): a.mov(.rax, imm32: i &+ UInt32(bitPattern: offset))
    }
  }

  /// eax = guest address; on return rax holds the host address, or the code
  /// has jumped to `slow` (with eax = guest address) when the fast path does
  /// not apply. Paged memory only.
  mutating func pageWalk(size: AccessSize, tables: PageTables, store: Bool, slow: Label) {
    if let direct = tables.directTables, tables.missBase != nil {
      faultingWalk(
        size: size, table: store ? direct.write : direct.read,
        aligned: !store && tables.guardedPool, slow: slow)
      return
    }
    if let direct = tables.directTables {
      directWalk(size: size, table: store ? direct.write : direct.read, slow: slow)
      return
    }
    let tags = store ? tables.writeTags : tables.readTags
    if size == .byte {
      a.mov(.dword, .rcx, .rax)
      a.shift(.shr, .dword, .rcx, imm: 12)
      a.movzx16(
        .rdx, Memory(base: X86ABI.state, index: .rcx, scale: .x2, displacement: tables.pageTable))
    } else {
      a.lea(.dword, .rcx, Memory(base: .rax, displacement: Int32(size.rawValue - 1)))
      a.shift(.shr, .dword, .rcx, imm: 12)
      a.mov(.dword, .rdx, .rax)
      a.shift(.shr, .dword, .rdx, imm: 12)
      a.movzx16(
        .rdx, Memory(base: X86ABI.state, index: .rdx, scale: .x2, displacement: tables.pageTable))
    }
    a.alu(
      .cmp, .dword, Memory(base: X86ABI.state, index: .rdx, scale: .x4, displacement: tags), .rcx)
    a.jcc(.ne, slow)
    a.alu(
      .add, .qword, .rax,
      Memory(base: X86ABI.state, index: .rdx, scale: .x8, displacement: tables.hostBias))
  }

  /// The direct-table walk (`PageTables.directTables`):
  ///
  ///     edx = a >> 12
  ///     ecx = a ^ (a + size - 1) ; cmp ecx, 0xFFF ; ja slow     straddles a page
  ///     rdx = table[edx] ; test rdx, rdx ; jz slow               unmapped or code page
  ///     rax += rdx
  mutating func directWalk(size: AccessSize, table: Int32, slow: Label) {
    a.mov(.dword, .rdx, .rax)
    a.shift(.shr, .dword, .rdx, imm: 12)
    if size != .byte {
      a.lea(.dword, .rcx, Memory(base: .rax, displacement: Int32(size.rawValue - 1)))
      a.alu(.xor, .dword, .rcx, .rax)
      a.alu(.cmp, .dword, .rcx, imm: 0xFFF)
      a.jcc(.a, slow)
    }
    a.mov(.qword, .rdx, Memory(base: X86ABI.state, index: .rdx, scale: .x8, displacement: table))
    a.test(.qword, .rdx, .rdx)
    a.jcc(.e, slow)
    a.alu(.add, .qword, .rax, .rdx)
  }

  /// The faulting walk (`PageTables.missBase`): no test of the entry, whose
  /// 0 sends the access into the miss region (the access is a fault site):
  ///
  ///     edx = a >> 12
  ///     test eax, size - 1 ; jnz slow                            could straddle a page
  ///     rax += table[edx]                                        then [r15 + rax + missBase]
  ///
  /// The test is left out (`aligned`) for loads from a guarded
  /// pool (`PageTables.guardedPool`): a load that straddles out of its page
  /// reads the next guest page, held by the next pool page, or faults in
  /// the gap after its page's run into its slow path.
  mutating func faultingWalk(size: AccessSize, table: Int32, aligned: Bool, slow: Label) {
    a.mov(.dword, .rdx, .rax)
    a.shift(.shr, .dword, .rdx, imm: 12)
    if size != .byte && !aligned {
      a.testAL(imm: UInt8(size.rawValue - 1))
      a.jcc(.ne, slow)
    }
    a.alu(
      .add, .qword, .rax, Memory(base: X86ABI.state, index: .rdx, scale: .x8, displacement: table))
  }

  /// The displacement of a walk-reusing load (`PageReuse`) from the walk
  /// kept in rdx: the miss region's offset; nil where loads never reuse a
  /// walk (no guarded pool).
  var reusedWalkBase: Int32? {
    guard case .paged(let tables) = abi.layout.memory, tables.guardedPool else { return nil }
    return tables.missBase
  }

  /// At a block's start: no walk to reuse yet.
  mutating func startPageReuse() {
    pageReuse = PageReuse()
    operationIndex = 0
    walkInRDX = false
  }

  /// Before each operation: its role (`PageReuse`), looking ahead in the
  /// current block (`.walk` for an operation lowered out of that order).
  mutating func notePageRole(_ operation: Operation) {
    pageRole = .walk
    guard reusedWalkBase != nil else { return }
    let operations = region.blocks[current].operations
    if operationIndex < operations.count, operations[operationIndex] == operation {
      pageRole = pageReuse.role(of: operationIndex, in: operations)
    }
  }

  /// After each operation: only a walk-reusing load leaves the walk in rdx.
  mutating func noteLowered(_ operation: Operation) {
    if case .follower = pageRole {} else { walkInRDX = false }
    if reusedWalkBase != nil { pageReuse.lowered(operation, role: pageRole) }
    operationIndex += 1
  }

  /// rdx = the reused walk again (at the end of a reusing load's slow path,
  /// whose host call clobbered it).
  mutating func reloadReusedWalk() {
    a.mov(.qword, .rdx, Memory(base: .rsp))
  }

  /// Flat stores: jumps to `slow` if the first page the store touches (eax =
  /// guest address) or the next one holds compiled code. Checking the next
  /// page as well covers stores that straddle into a code page, at the price
  /// of sending stores into the page just below a code page to the slow path.
  mutating func codePageCheck(size: AccessSize, codePages: Int32, slow: Label) {
    a.mov(.dword, .rdx, .rax)
    a.shift(.shr, .dword, .rdx, imm: 12)
    let map = Memory(base: X86ABI.state, index: .rdx, displacement: codePages)
    if size == .byte { a.movzx8(.rdx, map) } else { a.movzx16(.rdx, map) }
    a.test(.dword, .rdx, .rdx)
    a.jcc(.ne, slow)
  }

  /// Where the access instruction finds the guest bytes once eax holds the
  /// guest address and the walk (if any) is done.
  var accessOperand: Memory {
    switch abi.layout.memory {
    case .paged(let tables):
      if let miss = tables.missBase {
        Memory(base: X86ABI.state, index: .rax, displacement: miss)
      } else {
        Memory(base: .rax)
      }
    case .flat: Memory(base: X86ABI.state, index: .rax)
    }
  }

  /// Flat memory, a base in a host register and an offset the guard past
  /// 4 GiB covers (`GuestMemoryLayout.flatGuardBytes`): the access operand
  /// `[r15 + base + offset]`, with no `lea` to wrap the address to 32 bits.
  /// Host registers hold guest values zero-extended (every write to one is
  /// a 32-bit operation), so the sum is at most 4 GiB + offset: past the top
  /// it faults in the guard, and the slow path recomputes the wrapped
  /// address from the base, which the faulting access left intact.
  func flatOperand(_ base: Value, _ offset: Int32) -> Memory? {
    guard case .flat = abi.layout.memory, offset >= 0,
      Int(offset) + 8 <= GuestMemoryLayout.flatGuardBytes,
      case .register(let r) = location(base)
    else { return nil }
    return Memory(base: X86ABI.state, index: r, displacement: offset)
  }

  /// Whether a guest access instruction may fault into its slow path
  /// (flat memory, and the faulting page walk).
  var accessesFault: Bool {
    switch abi.layout.memory {
    case .paged(let tables): tables.missBase != nil
    case .flat: true
    }
  }

  mutating func lowerLoad(
    _ dst: GuestRegister, base: Value, offset: Int32, size: AccessSize, signed: Bool, pc: UInt32
  ) throws(CodeGenError) {
    let slow = a.newLabel()
    let resume = a.newLabel()
    // A load from a guarded pool that faults after straddling out of its
    // page, or that reuses a walk, has rax = guest address + a page's entry
    // (or nothing useful): its slow path recomputes the address (the base
    // is unchanged at the fault).
    var address: (base: Value, offset: Int32, reuse: Bool)? = nil
    var source = accessOperand
    if case .follower(let delta) = pageRole, let miss = reusedWalkBase {
      // rdx = leader's guest address + its page's entry ([rsp], `PageReuse`).
      if !walkInRDX { a.mov(.qword, .rdx, Memory(base: .rsp)) }
      source = Memory(base: X86ABI.state, index: .rdx, displacement: miss &+ delta)
      address = (base, offset, true)
    } else if let direct = flatOperand(base, offset) {
      source = direct
      address = (base, offset, false)
    } else {
      effectiveAddress(base, offset)
      if case .paged(let tables) = abi.layout.memory {
        pageWalk(size: size, tables: tables, store: false, slow: slow)
        if tables.guardedPool && tables.missBase != nil {
          address = (base, offset, false)
          // Keep the walk for the followers: rax = address + entry.
          if pageRole == .leader { a.mov(.qword, Memory(base: .rsp), .rax) }
        }
      }
    }
    let faultSite: Int? = accessesFault ? a.offset : nil
    var target = GPR.rax
    if case .register(let r) = location(dst) { target = r }
    switch (size, signed) {
    case (.byte, false): a.movzx8(target, source)
    case (.byte, true): a.movsx8(target, source)
    case (.half, false): a.movzx16(target, source)
    case (.half, true): a.movsx16(target, source)
    case (.word, _): a.mov(.dword, target, source)
    }
    if target == .rax { store(dst, from: .rax) }
    try a.bind(resume)
    if address?.reuse == true { walkInRDX = true }
    cold.append(
      .access(
        label: slow, resume: resume, call: .load, register: dst, value: nil, size: size,
        signed: signed, pc: pc, writeBack: dirty, faultSite: faultSite, address: address))
  }

  mutating func lowerStore(
    _ value: Value, base: Value, offset: Int32, size: AccessSize, pc: UInt32
  ) throws(CodeGenError) {
    let slow = a.newLabel()
    let resume = a.newLabel()
    // Write-protected code pages: a store is addressed as a load is.
    var address: (base: Value, offset: Int32, reuse: Bool)? = nil
    var target = accessOperand
    if abi.layout.codePagesWriteProtected, let direct = flatOperand(base, offset) {
      target = direct
      address = (base, offset, false)
    } else {
      effectiveAddress(base, offset)
      switch abi.layout.memory {
      case .paged(let tables): pageWalk(size: size, tables: tables, store: true, slow: slow)
      case .flat(let codePages):
        if !abi.layout.codePagesWriteProtected {
          codePageCheck(size: size, codePages: codePages, slow: slow)
        }
      }
    }
    var source = GPR.rcx
    switch location(value) {
    case .register(let r): source = r
    case .memory(let m): a.mov(.dword, .rcx, m)
    case .immediate(let i): a.mov(.rcx, imm32: i)
    }
    let faultSite: Int? = accessesFault ? a.offset : nil
    switch size {
    case .byte: a.store8(target, source)
    case .half: a.store16(target, source)
    case .word: a.mov(.dword, target, source)
    }
    try a.bind(resume)
    cold.append(
      .access(
        label: slow, resume: resume, call: .store, register: nil, value: value, size: size,
        signed: false, pc: pc, writeBack: dirty, faultSite: faultSite, address: address))
  }

  /// The slow path of a guest access (eax = guest address): a host call,
  /// then leave the block on error or when a store modified guest code.
  mutating func slowAccess(
    _ call: HostCall, size: AccessSize, signed: Bool, pc: UInt32, value: Value?,
    writeBack: [GuestRegister]
  )
    throws(CodeGenError)
  {
    abi.spillPinned(&a)
    if let value { load(.rcx, value) }  // pinned registers are still intact after the spill
    let access = AccessDescriptor(size, signed: signed, isWrite: call == .store, pc: pc)
    a.mov(.rdx, imm64: access.encoded)
    a.mov(.dword, .rsi, .rax)
    abi.emitCall(call, &a)
    a.mov(.qword, .rdx, .rax)
    a.shift(.shr, .qword, .rdx, imm: 32)
    let ok = a.newLabel()
    a.jccShort(.e, ok)
    try exitOnStatus(next: pc &+ 4, writeBack: writeBack)
    try a.bind(ok)
  }

  /// The slow path through the shared access stub at `stub` (eax = guest
  /// address): the cache registers written so far go home first (the stub
  /// may leave the block; they stay valid in their registers), then
  /// `call stub` with edx = pc and ecx = the value of a store. The loaded
  /// value is in eax when it returns.
  mutating func sharedSlowAccess(
    _ stub: UInt, pc: UInt32, value: Value?, writeBack: [GuestRegister]
  ) throws(CodeGenError) {
    if let value { load(.rcx, value) }
    for g in writeBack { self.writeBack(g) }
    a.mov(.rdx, imm32: pc)
    try a.call(absolute: stub)
  }

  /// edx = non-zero `HostCallStatus`: `.error` exits with `ExitReason.error`,
  /// `.codeModified` exits with `.synchronize` at `next`.
  mutating func exitOnStatus(next: UInt32, writeBack: [GuestRegister]) throws(CodeGenError) {
    let modified = a.newLabel()
    a.alu(.cmp, .dword, .rdx, imm: Int32(HostCallStatus.codeModified.rawValue))
    for g in writeBack { self.writeBack(g) }
    a.jccShort(.e, modified)
    try exit(.error)
    try a.bind(modified)
    refundBudget(resumingAt: next)
    a.mov(.dword, abi.field(abi.layout.exitPC), imm32: Int32(bitPattern: next))
    try exit(.synchronize)
  }

  /// mov eax, reason ; jmp exit
  mutating func exit(_ reason: ExitReason) throws(CodeGenError) {
    a.mov(.rax, imm32: reason.rawValue)
    try a.jmp(absolute: stubs.exit)
  }
}
