import Emulation
import Testing

/// x86-64 code, assembled by LLVM at test time (see ``Assembler``), run in Unicorn.
@Suite(.enabled(if: Assembler.enabled, Comment(rawValue: Assembler.skipReason)))
struct X86_64Tests {
  typealias R = X86_64Register

  @Test func arithmeticResultInRegister() throws {
    let code = try Assembler.x86(
      """
      mov rax, rdi
      add rax, rsi
      imul rax, rax, 3
      """)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    s.emu.writeRegister(R.rdi, 7)
    s.emu.writeRegister(R.rsi, 5)
    try s.emu.run(from: base, until: base + UInt64(code.count))
    #expect(s.emu.readRegister(R.rax) == 36)
    #expect(s.emu.programCounter == base + UInt64(code.count))
    #expect(s.emu.readRegister(R.rip.id) == base + UInt64(code.count))
  }

  @Test func identityMappedMemoryIsSharedBothWays() throws {
    let code = try Assembler.x86(
      """
      mov rax, qword ptr [rdi]
      add rax, 1
      mov qword ptr [rdi + 8], rax
      """)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let data = try s.pages(4096, .readWrite).bindMemory(to: UInt64.self, capacity: 2)
    data[0] = 0x1234_5678_9ABC_DEF0  // Swift writes, emulated code reads
    s.emu.writeRegister(R.rdi, address(data))
    try s.emu.run(from: base, until: base + UInt64(code.count))
    #expect(s.emu.readRegister(R.rax) == 0x1234_5678_9ABC_DEF1)
    #expect(data[1] == 0x1234_5678_9ABC_DEF1)  // emulated code writes, Swift reads
  }

  /// Host calls: generated code calls into a trap page; the code hook does
  /// the work, sets rax and emulates `ret`.
  @Test func hostCallThroughTrapPage() throws {
    let code = try Assembler.x86(
      """
      mov rsi, 20
      mov rdx, 22
      call rdi
      mov rsi, rax
      mov rdx, 2
      call r8
      add rax, 1
      mov rcx, rsp
      """)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let end = base + UInt64(code.count)
    let trap = try s.pages(4096, .readExecute)
    // ud2 everywhere: falling into the page instead of returning fails the run.
    for i in stride(from: 0, to: 4096, by: 2) {
      trap.storeBytes(of: 0x0B0F as UInt16, toByteOffset: i, as: UInt16.self)
    }
    let stack = try s.pages(4096, .readWrite)
    let top = address(stack) + 4096
    let add = address(trap)
    let multiply = address(trap) + 16
    var calls: [(UInt64, UInt64)] = []
    try s.emu.onCode(in: add...(add + 4095)) { emu, pc in
      let a = emu.readRegister(R.rsi)
      let b = emu.readRegister(R.rdx)
      calls.append((pc, emu.stackPointer))
      emu.writeRegister(R.rax, pc == add ? a + b : a * b)
      try! emu.returnFromCall()
    }
    s.emu.stackPointer = top
    s.emu.writeRegister(R.rdi, add)
    s.emu.writeRegister(R.r8, multiply)
    try s.emu.run(from: base, until: end)
    #expect(calls.map(\.0) == [add, multiply])
    #expect(calls.map(\.1) == [top - 8, top - 8])  // the return address was pushed
    #expect(s.emu.readRegister(R.rax) == 85)  // (20 + 22) * 2 + 1
    #expect(s.emu.readRegister(R.rcx) == top)  // rsp restored by the emulated ret
    #expect(s.emu.stackPointer == top)
    #expect(s.emu.programCounter == end)
  }

  /// Writing the PC from a hook on an instruction in the middle of a
  /// translated block: the instruction does not run, execution continues at
  /// the new PC. Run twice, so the second run uses the cached translation.
  @Test func programCounterWriteInsideBlockRedirects() throws {
    let code = try Assembler.x86(
      """
      inc rax
      inc rax
      inc rbx
      inc rbx
      inc rbx
      inc rcx
      inc rcx
      """)
    // Each `inc r64` is 3 bytes (REX.W FF /0): the third starts at 6, the sixth at 15.
    #expect(code.count == 21)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    try s.emu.onCode(in: (base + 6)...(base + 6)) { emu, _ in emu.programCounter = base + 15 }
    for _ in 0..<2 {
      for r in [R.rax, R.rbx, R.rcx] { s.emu.writeRegister(r, 0) }
      try s.emu.run(from: base, until: base + 21)
      #expect(s.emu.readRegister(R.rax) == 2)
      #expect(s.emu.readRegister(R.rbx) == 0)
      #expect(s.emu.readRegister(R.rcx) == 2)
    }
  }

  /// Unicorn caches translations and does not see host writes to code.
  @Test func invalidateCodeAfterPatch() throws {
    let code = try Assembler.x86(
      """
      mov eax, 1
      jmp 1f
      1: nop
      """)
    // mov eax, imm32 is B8 id: the immediate is bytes 1...4.
    try #require(code.prefix(5) == [0xB8, 1, 0, 0, 0])
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let end = base + UInt64(code.count)
    let patch = UnsafeMutablePointer<UInt8>(bitPattern: UInt(base + 1))!
    try s.emu.run(from: base, until: end)
    #expect(s.emu.readRegister(R.rax) == 1)

    patch.pointee = 2
    try s.emu.run(from: base, until: end)
    // Unicorn 2.0.1 runs the stale translation. Should this start failing
    // after an upgrade, Unicorn has begun to notice host writes.
    #expect(s.emu.readRegister(R.rax) == 1)

    try s.emu.invalidateCode(from: base, to: end)
    try s.emu.run(from: base, until: end)
    #expect(s.emu.readRegister(R.rax) == 2)
  }

  /// After `flushThreshold` invalidated bytes, the next run flushes the whole
  /// translation buffer first (the workaround for Unicorn 2.0.1's crash when
  /// the buffer fills during emulation): even a block patched and not
  /// invalidated is translated afresh.
  @Test func invalidatingMuchCodeFlushesEverything() throws {
    let code = try Assembler.x86("mov eax, 1\nnop")
    let s = try Sandbox(.x86_64)
    s.emu.flushThreshold = 8192
    let base = try s.code(code)
    let end = base + UInt64(code.count)
    let patch = UnsafeMutablePointer<UInt8>(bitPattern: UInt(base + 1))!
    try s.emu.run(from: base, until: end)
    #expect(s.emu.readRegister(R.rax) == 1)
    #expect(s.emu.translationFlushes == 0)
    patch.pointee = 2
    // Unmapped, elsewhere: counts towards the threshold.
    let elsewhere: UInt64 = 0x7000_0000
    try s.emu.invalidateCode(from: elsewhere, to: elsewhere + 8192)
    try s.emu.run(from: base, until: end)
    #expect(s.emu.translationFlushes == 1)
    #expect(s.emu.readRegister(R.rax) == 2)
  }

  /// A range that starts in one mapping and ends in another: Unicorn 2.0.1's
  /// `uc_ctl_remove_cache` alone misses the second mapping.
  @Test func invalidateCodeAcrossMappings() throws {
    let code = try Assembler.x86(
      """
      mov eax, 1
      jmp 1f
      1: nop
      """)
    let s = try Sandbox(.x86_64)
    let two = try s.pages(8192, nil)
    // Map the second page first, so Unicorn's internal RAM offsets of the
    // two pages are not in address order.
    try s.emu.mapIdentity(two + 4096, size: 4096, permissions: .all)
    try s.emu.mapIdentity(two, size: 4096, permissions: .all)
    let entry = two + 4096 + 0x10
    entry.copyMemory(from: code, byteCount: code.count)
    let base = address(entry)
    let end = base + UInt64(code.count)
    try s.emu.run(from: base, until: end)
    #expect(s.emu.readRegister(R.rax) == 1)
    entry.storeBytes(of: 2, toByteOffset: 1, as: UInt8.self)
    try s.emu.invalidateCode(from: address(two) + 0x800, to: end)
    try s.emu.run(from: base, until: end)
    #expect(s.emu.readRegister(R.rax) == 2)
  }

  @Test func unmappedMemoryIsMappedOnDemand() throws {
    let code = try Assembler.x86(
      """
      mov rax, qword ptr [rdi]
      mov qword ptr [rsi + 8], rax
      """)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let source = try s.pages(4096, nil)
    let target = try s.pages(4096, nil)
    source.storeBytes(of: 0x1122_3344_5566_7788 as UInt64, as: UInt64.self)
    var faults: [(MemoryAccess, UInt64, Int)] = []
    try s.emu.onUnmappedMemory { emu, access, address, size in
      faults.append((access, address, size))
      let page = UnsafeMutableRawPointer(bitPattern: UInt(address & ~4095))!
      do { try emu.mapIdentity(page, size: 4096, permissions: .readWrite) } catch { return false }
      return true
    }
    s.emu.writeRegister(R.rdi, address(source))
    s.emu.writeRegister(R.rsi, address(target))
    try s.emu.run(from: base, until: base + UInt64(code.count))
    #expect(faults.map(\.0) == [.read, .write])
    #expect(faults.map(\.1) == [address(source), address(target) + 8])
    #expect(faults.map(\.2) == [8, 8])
    #expect(s.emu.readRegister(R.rax) == 0x1122_3344_5566_7788)
    #expect(target.load(fromByteOffset: 8, as: UInt64.self) == 0x1122_3344_5566_7788)
  }

  /// A refused data access fails the run. Unicorn 2.0.1 reports the start of
  /// the translated block as the PC, unless a code hook (here: counting)
  /// covers the faulting instruction; the registers are up to date either way.
  @Test(arguments: [false, true])
  func refusedUnmappedAccessFails(counting: Bool) throws {
    let code = try Assembler.x86(
      """
      nop
      inc rbx
      mov rax, qword ptr [rdi]
      inc rbx
      """)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let unmapped = try s.pages(4096, nil)
    var faults = 0
    try s.emu.onUnmappedMemory { _, _, _, _ in
      faults += 1
      return false
    }
    s.emu.countInstructions = counting
    s.emu.writeRegister(R.rdi, address(unmapped))
    let error = #expect(throws: EmulatorError.self) {
      try s.emu.run(from: base, until: base + UInt64(code.count))
    }
    #expect(faults == 1)
    #expect(error?.code == .readUnmapped)
    // nop is 1 byte, inc rbx 3: the load is at 4.
    #expect(error?.pc == (counting ? base + 4 : base))
    #expect(s.emu.readRegister(R.rbx) == 1)
    if counting { #expect(s.emu.executedInstructions == 3) }  // the faulting load counts
  }

  @Test func fetchFromUnmappedMemoryCarriesThePC() throws {
    let code = try Assembler.x86("jmp rdi")
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let nowhere = try s.pages(4096, nil)
    s.emu.writeRegister(R.rdi, address(nowhere) + 0x40)
    let error = #expect(throws: EmulatorError.self) {
      try s.emu.run(from: base, until: base + 0x100)
    }
    #expect(error?.code == .fetchUnmapped)
    #expect(error?.pc == address(nowhere) + 0x40)
  }

  /// `xor; mov` once, then `add; dec; jnz` n times: 2 + 3n instructions.
  static let loop = """
    xor eax, eax
    mov ecx, edi
    1:
    add rax, rcx
    dec ecx
    jnz 1b
    """

  @Test func instructionCountOfALoop() throws {
    let code = try Assembler.x86(Self.loop)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let end = base + UInt64(code.count)
    s.emu.writeRegister(R.rdi, 1000)
    // A first run without counting leaves translations in the cache; the
    // counting hook must still see every instruction afterwards.
    try s.emu.run(from: base, until: end)
    #expect(s.emu.executedInstructions == 0)
    s.emu.countInstructions = true
    try s.emu.run(from: base, until: end)
    #expect(s.emu.readRegister(R.rax) == 500_500)
    #expect(s.emu.executedInstructions == 3002)
    try s.emu.run(from: base, until: end)
    #expect(s.emu.executedInstructions == 6004)  // cumulative
    s.emu.executedInstructions = 0
    s.emu.countInstructions = false
    try s.emu.run(from: base, until: end)
    #expect(s.emu.executedInstructions == 0)
  }

  @Test func instructionLimitStopsExactly() throws {
    let code = try Assembler.x86(Self.loop)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    s.emu.countInstructions = true
    s.emu.writeRegister(R.rdi, 1000)
    try s.emu.run(from: base, until: base + UInt64(code.count), instructionLimit: 10)
    // xor, mov, (add, dec, jnz) × 2, add, dec: rax = 1000 + 999 + 998.
    #expect(s.emu.executedInstructions == 10)
    #expect(s.emu.readRegister(R.rax) == 2997)
    #expect(s.emu.readRegister(R.rcx) == 997)
    #expect(s.emu.programCounter == base + UInt64(code.count) - 2)  // at the jnz (75 xx)
  }

  /// The trap "instruction" a host-call hook redirects away from never runs
  /// and is not counted, whichever of the two hooks came first.
  @Test(arguments: [false, true])
  func hostCallIsNotCounted(countingFirst: Bool) throws {
    let code = try Assembler.x86(
      """
      call rdi
      add rax, 1
      """)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let trap = try s.pages(4096, .readExecute)
    let stack = try s.pages(4096, .readWrite)
    if countingFirst { s.emu.countInstructions = true }
    try s.emu.onCode(in: address(trap)...(address(trap) + 4095)) { emu, _ in
      emu.writeRegister(R.rax, 41)
      try! emu.returnFromCall()
    }
    if !countingFirst { s.emu.countInstructions = true }
    s.emu.stackPointer = address(stack) + 4096
    s.emu.writeRegister(R.rdi, address(trap))
    try s.emu.run(from: base, until: base + UInt64(code.count))
    #expect(s.emu.readRegister(R.rax) == 42)
    #expect(s.emu.executedInstructions == 2)
  }

  /// `stop()` from a code hook: the run returns normally, before the hooked
  /// instruction runs.
  @Test func stopFromHook() throws {
    let code = try Assembler.x86(Self.loop)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let body = base + 4  // the add: after xor (2 bytes) and mov (2 bytes)
    var visits = 0
    try s.emu.onCode(in: body...body) { emu, _ in
      visits += 1
      if visits == 3 { emu.stop() }
    }
    s.emu.writeRegister(R.rdi, 1000)
    try s.emu.run(from: base, until: base + UInt64(code.count))
    #expect(visits == 3)
    #expect(s.emu.programCounter == body)
    #expect(s.emu.readRegister(R.rax) == 1000 + 999)  // the third add did not run
  }

  @Test func hookCanRemoveItself() throws {
    let code = try Assembler.x86(Self.loop)
    let s = try Sandbox(.x86_64)
    let base = try s.code(code)
    let body = base + 4
    var visits = 0
    var hook: Hook?
    hook = try s.emu.onCode(in: body...body) { emu, _ in
      visits += 1
      try! emu.removeHook(hook!)
    }
    s.emu.writeRegister(R.rdi, 10)
    try s.emu.run(from: base, until: base + UInt64(code.count))
    #expect(visits == 1)
    #expect(s.emu.readRegister(R.rax) == 55)
  }
}
