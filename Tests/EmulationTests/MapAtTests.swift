import Emulation
import Testing

/// `Emulator.map(_:at:size:permissions:)`: host memory at one address,
/// emulated at another (how Firmware/bench.sh runs an image linked at 0x0
/// and 0x2000_0000). Thumb bytes from LLVM 21, as in ArmTests:
///
///     clang --target=thumbv7em-none-eabi -mcpu=cortex-m4 -c t.s -o t.o
///     llvm-objcopy -O binary --only-section=.text t.o t.bin; xxd t.bin
@Suite struct MapAtTests {
  static let code: [UInt8] = [
    0x88, 0x18,  // adds r0, r1, r2
    0x70, 0x60,  // str r0, [r6, #4]
  ]

  @Test func runsCodeAndStoresAtTheEmulatedAddresses() throws {
    let s = try Sandbox(.thumb)
    let codePage = try s.pages(4096, nil)  // allocated, not identity-mapped
    let dataPage = try s.pages(4096, nil)
    codePage.copyMemory(from: Self.code, byteCount: Self.code.count)
    let codeAt: UInt64 = 0x0000_0000  // never mappable at the same host address
    let dataAt: UInt64 = 0x2000_0000
    try s.emu.map(codePage, at: codeAt, size: 4096, permissions: .readExecute)
    try s.emu.map(dataPage, at: dataAt, size: 4096, permissions: .readWrite)
    typealias R = ARMRegister
    s.emu.writeRegister(R.r1, 6)
    s.emu.writeRegister(R.r2, 7)
    s.emu.writeRegister(R.r6, dataAt)
    try s.emu.run(from: codeAt, until: codeAt + UInt64(Self.code.count))
    #expect(s.emu.readRegister(R.r0) == 13)
    #expect(dataPage.load(fromByteOffset: 4, as: UInt32.self) == 13)  // the host sees the store
  }

  @Test func rejectsUnalignedAndOutOfRangeMappings() throws {
    let s = try Sandbox(.thumb)
    let page = try s.pages(4096, nil)
    #expect(throws: EmulatorError.unaligned(address: 0x2000_0010, size: 4096)) {
      try s.emu.map(page, at: 0x2000_0010, size: 4096, permissions: .readWrite)
    }
    #expect(throws: EmulatorError.unaligned(address: address(page + 16), size: 4096)) {
      try s.emu.map(page + 16, at: 0x2000_0000, size: 4096, permissions: .readWrite)
    }
    #expect(throws: EmulatorError.outsideAddressSpace(address: 0xFFFF_F000, size: 8192)) {
      try s.emu.map(page, at: 0xFFFF_F000, size: 8192, permissions: .readWrite)
    }
  }
}
