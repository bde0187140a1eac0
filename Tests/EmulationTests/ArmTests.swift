import CUnicorn
import Emulation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// AArch64 and Thumb smoke tests. The machine code is hard-coded, from LLVM
/// 21 (the Swift 6.3.1 toolchain's clang):
///
///     clang --target=aarch64-linux-gnu -c a64.s -o a64.o
///     clang --target=thumbv7em-none-eabi -mcpu=cortex-m4 -c t.s -o t.o
///     llvm-objcopy -O binary --only-section=.text t.o t.bin; xxd t.bin
///
/// with the source lines in the comments beside the bytes.
@Suite struct ArmTests {
  @Test func aarch64ArithmeticMemoryAndHostCall() throws {
    let code: [UInt8] = [
      0x20, 0x00, 0x02, 0x8B,  // add x0, x1, x2
      0x83, 0x00, 0x40, 0xF9,  // ldr x3, [x4]
      0x00, 0x00, 0x03, 0x8B,  // add x0, x0, x3
      0xA0, 0x00, 0x3F, 0xD6,  // blr x5
      0x00, 0x04, 0x00, 0x91,  // add x0, x0, #1
      0x80, 0x04, 0x00, 0xF9,  // str x0, [x4, #8]
    ]
    typealias R = AArch64Register
    let s = try Sandbox(.aarch64)
    let base = try s.code(code)
    let end = base + UInt64(code.count)
    let data = try s.pages(4096, .readWrite).bindMemory(to: UInt64.self, capacity: 2)
    data[0] = 1000
    // A zeroed page: every word is `udf #0`, so not returning fails the run.
    let trap = address(try s.pages(4096, .readExecute))
    var returnAddress: UInt64 = 0
    try s.emu.onCode(in: trap...(trap + 4095)) { emu, _ in
      returnAddress = emu.readRegister(R.lr)
      emu.writeRegister(R.x0, emu.readRegister(R.x0) * 2)
      try! emu.returnFromCall()
    }
    s.emu.writeRegister(R.x1, 20)
    s.emu.writeRegister(R.x2, 22)
    s.emu.writeRegister(R.x4, address(data))
    s.emu.writeRegister(R.x5, trap)
    try s.emu.run(from: base, until: end)
    #expect(returnAddress == base + 16)
    #expect(s.emu.readRegister(R.x3) == 1000)
    #expect(s.emu.readRegister(R.x0) == 2085)  // (20 + 22 + 1000) * 2 + 1
    #expect(data[1] == 2085)
    #expect(s.emu.programCounter == end)
  }

  static let thumbCode: [UInt8] = [
    0x88, 0x18,  // adds r0, r1, r2
    0x11, 0xFB, 0x02, 0xF3,  // smulbb r3, r1, r2   (DSP extension: M4, not M3)
    0x35, 0x68,  // ldr r5, [r6]
    0x00, 0xEB, 0x05, 0x00,  // add.w r0, r0, r5
    0xA0, 0x47,  // blx r4
    0x01, 0x30,  // adds r0, #1
    0x70, 0x60,  // str r0, [r6, #4]
  ]

  @Test func thumbOnCortexM4() throws {
    typealias R = ARMRegister
    let s = try Sandbox(.thumb)
    #expect(s.emu.cpuModel == Int32(UC_CPU_ARM_CORTEX_M4.rawValue))
    let base = try s.code(Self.thumbCode)
    let end = base + UInt64(Self.thumbCode.count)
    #expect(base < 1 << 32)
    let data = try s.pages(4096, .readWrite).bindMemory(to: UInt32.self, capacity: 2)
    data[0] = 100
    // A zeroed page: 0x0000 is `movs r0, r0`, so fill it with `udf #0xfe` (FE DE).
    let trapPage = try s.pages(4096, .readExecute)
    for i in stride(from: 0, to: 4096, by: 2) {
      trapPage.storeBytes(of: 0xDEFE as UInt16, toByteOffset: i, as: UInt16.self)
    }
    let trap = address(trapPage)
    var hookedAt: UInt64 = 0
    var returnAddress: UInt64 = 0
    try s.emu.onCode(in: trap...(trap + 4095)) { emu, pc in
      hookedAt = pc
      returnAddress = emu.readRegister(R.lr)
      emu.writeRegister(R.r0, emu.readRegister(R.r0) * 2)
      try! emu.returnFromCall()
    }
    s.emu.writeRegister(R.r1, 6)
    s.emu.writeRegister(R.r2, 7)
    s.emu.writeRegister(R.r4, trap | 1)  // Thumb bit: blx to a Thumb function
    s.emu.writeRegister(R.r6, address(data))
    s.emu.stackPointer = address(data) + 4096
    try s.emu.run(from: base, until: end)
    #expect(hookedAt == trap)
    #expect(returnAddress == (base + 14) | 1)  // after the blx, Thumb bit set
    #expect(s.emu.readRegister(R.r3) == 42)
    #expect(s.emu.readRegister(R.r5) == 100)
    #expect(s.emu.readRegister(R.r0) == 227)  // (6 + 7 + 100) * 2 + 1
    #expect(data[1] == 227)
    #expect(s.emu.programCounter == end)
  }

  /// The CPU model takes effect: Cortex-M3 has no DSP extension, so its
  /// `smulbb` is undefined.
  @Test func cpuModelIsApplied() throws {
    let s = try Sandbox(.thumb, cpuModel: Int32(UC_CPU_ARM_CORTEX_M3.rawValue))
    #expect(s.emu.cpuModel == Int32(UC_CPU_ARM_CORTEX_M3.rawValue))
    let base = try s.code(Self.thumbCode)
    let error = #expect(throws: EmulatorError.self) {
      try s.emu.run(from: base, until: base + 6)
    }
    #expect(error?.code == .invalidInstruction)
    #expect(error?.pc == base + 2)
  }

  /// Unicorn applies the M-profile default memory map: the peripheral
  /// region 0x4000_0000–0x5FFF_FFFF is execute-never. (This is why
  /// `allocatePages(_:below4GiB:)` avoids it.)
  @Test func thumbCannotRunInThePeripheralRegion() throws {
    let s = try Sandbox(.thumb)
    let size = 4096
    var found: UnsafeMutableRawPointer?
    for hint in stride(from: 0x4800_0000, to: 0x5000_0000, by: 0x10_0000) {
      let p = mmap(
        UnsafeMutableRawPointer(bitPattern: hint), size, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
      if p == UnsafeMutableRawPointer(bitPattern: hint) {
        found = p
        break
      }
      if let p, p != MAP_FAILED { munmap(p, size) }
    }
    let peripheral = try #require(found, "no free page in 0x4800_0000..<0x5000_0000")
    defer { munmap(peripheral, size) }
    peripheral.copyMemory(from: Self.thumbCode, byteCount: 2)  // adds r0, r1, r2
    try s.emu.mapIdentity(peripheral, size: size, permissions: .all)
    let base = address(peripheral)
    let error = #expect(throws: EmulatorError.self) {
      try s.emu.run(from: base, until: base + 2)
    }
    #expect(error?.code == .exception)
    try s.emu.unmap(address: base, size: size)  // before the memory goes
  }

  @Test func thumbRejectsMemoryAbove4GiB() throws {
    let s = try Sandbox(.thumb)
    let high = try Emulator.allocatePages(4096)
    defer { Emulator.freePages(high, size: 4096) }
    try #require(address(high) >= 1 << 32, "this host placed ordinary memory below 4 GiB")
    #expect(throws: EmulatorError.outsideAddressSpace(address: address(high), size: 4096)) {
      try s.emu.mapIdentity(high, size: 4096, permissions: .all)
    }
  }
}
