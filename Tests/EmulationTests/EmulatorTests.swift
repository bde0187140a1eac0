import CUnicorn
import Emulation
import Testing

/// Architecture-neutral behaviour: errors, memory helpers, hook lifetimes.
@Suite struct EmulatorTests {
  @Test func mappingMustBeWholePages() throws {
    let s = try Sandbox(.x86_64)
    let p = try s.pages(8192, nil)
    #expect(throws: EmulatorError.unaligned(address: address(p) + 1, size: 4096)) {
      try s.emu.mapIdentity(p + 1, size: 4096, permissions: .all)
    }
    #expect(throws: EmulatorError.unaligned(address: address(p), size: 100)) {
      try s.emu.mapIdentity(p, size: 100, permissions: .all)
    }
    #expect(throws: EmulatorError.unaligned(address: address(p), size: 0)) {
      try s.emu.unmap(address: address(p), size: 0)
    }
  }

  @Test func overlappingMappingIsAUnicornError() throws {
    let s = try Sandbox(.x86_64)
    let p = try s.pages()
    let error = #expect(throws: EmulatorError.self) {
      try s.emu.mapIdentity(p, size: 4096, permissions: .all)
    }
    #expect(error?.code == UnicornErrorCode(rawValue: UC_ERR_MAP.rawValue))
    #expect(error?.description.contains("uc_mem_map_ptr") == true)
  }

  @Test func unmapAndProtect() throws {
    let s = try Sandbox(.x86_64)
    // jmp rdi (FF E7), from `llvm-mc -triple=x86_64 -x86-asm-syntax=intel -show-encoding`.
    let base = try s.code([0xFF, 0xE7])
    let target = try s.pages()
    target.storeBytes(of: 0x90, as: UInt8.self)  // nop
    s.emu.writeRegister(X86_64Register.rdi, address(target))

    try s.emu.protect(address: address(target), size: 4096, permissions: .readWrite)
    let noExec = #expect(throws: EmulatorError.self) {
      try s.emu.run(from: base, until: address(target) + 1)
    }
    #expect(noExec?.code == .fetchProtected)

    try s.emu.protect(address: address(target), size: 4096, permissions: .all)
    try s.emu.run(from: base, until: address(target) + 1)
    #expect(s.emu.programCounter == address(target) + 1)

    try s.emu.unmap(address: address(target), size: 4096)
    let gone = #expect(throws: EmulatorError.self) {
      try s.emu.run(from: base, until: address(target) + 1)
    }
    #expect(gone?.code == .fetchUnmapped)
    #expect(gone?.pc == address(target))
  }

  @Test func allocatedPagesAreAlignedZeroedAndLow() throws {
    let p = try Emulator.allocatePages(10_000)
    defer { Emulator.freePages(p, size: 10_000) }
    #expect(address(p) % 4096 == 0)
    let bytes = UnsafeRawBufferPointer(start: p, count: 12288)
    #expect(bytes.allSatisfy { $0 == 0 })

    // Below 4 GiB, in an executable region of the Cortex-M memory map.
    let low = try Emulator.allocatePages(4096, below4GiB: true)
    defer { Emulator.freePages(low, size: 4096) }
    #expect((0x1000_0000..<0x4000_0000).contains(address(low)))
    let more = try (0..<20).map { _ in try Emulator.allocatePages(8192, below4GiB: true) }
    defer { for p in more { Emulator.freePages(p, size: 8192) } }
    #expect(Set(more).count == 20)
    #expect(more.allSatisfy { (0x1000_0000..<0x4000_0000).contains(address($0)) })
  }

  @Test func unknownCPUModelIsRejected() {
    let error = #expect(throws: EmulatorError.self) {
      _ = try Emulator(architecture: .thumb, cpuModel: Int32(UC_CPU_ARM_ENDING.rawValue))
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.description.contains("uc_ctl_set_cpu_model") == true)
  }

  @Test func registerIDsAreUnicorns() {
    #expect(X86_64Register.rax.id == Int32(UC_X86_REG_RAX.rawValue))
    #expect(X86_64Register.r15.id == Int32(UC_X86_REG_R15.rawValue))
    #expect(X86_64Register.generalPurpose.count == 16)
    #expect(AArch64Register.x28.id == Int32(UC_ARM64_REG_X28.rawValue))
    #expect(AArch64Register.x29.id == Int32(UC_ARM64_REG_X29.rawValue))
    #expect(AArch64Register.lr.id == Int32(UC_ARM64_REG_LR.rawValue))
    #expect(ARMRegister.r12.id == Int32(UC_ARM_REG_R12.rawValue))
    #expect(ARMRegister.r[13].id == Int32(UC_ARM_REG_R13.rawValue))
    #expect(ARMRegister.pc.id == Int32(UC_ARM_REG_R15.rawValue))
  }

  @Test func wideRegistersReadTheirLow64Bits() throws {
    let s = try Sandbox(.x86_64)
    let xmm0 = Int32(UC_X86_REG_XMM0.rawValue)
    s.emu.writeRegister(xmm0, 0x0102_0304_0506_0708)
    #expect(s.emu.readRegister(xmm0) == 0x0102_0304_0506_0708)
    let eax = Int32(UC_X86_REG_EAX.rawValue)
    s.emu.writeRegister(X86_64Register.rax, 0xFFFF_FFFF_0000_0001)
    #expect(s.emu.readRegister(eax) == 1)
  }

  /// Hook closures are released with the emulator.
  @Test func hookClosuresAreReleased() throws {
    final class Token {}
    weak var weakToken: Token?
    do {
      let token = Token()
      weakToken = token
      let emu = try Emulator(architecture: .x86_64)
      try emu.onCode(in: 0...0) { _, _ in _ = token }
      try emu.onUnmappedMemory { _, _, _, _ in
        _ = token
        return false
      }
    }
    #expect(weakToken == nil)

    let emu = try Emulator(architecture: .x86_64)
    do {
      let token = Token()
      weakToken = token
      let hook = try emu.onCode(in: 0...0) { _, _ in _ = token }
      try emu.removeHook(hook)
    }
    #expect(weakToken == nil)
  }
}
