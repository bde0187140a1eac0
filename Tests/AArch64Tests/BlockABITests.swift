import AArch64Port
import KilnIR
import Testing

/// The block register map: the front end's hint decides which guest
/// registers are pinned, in order, as far as the map has host registers.
@Suite struct BlockABITests {
  static func layout(hint: [UInt8], registerCount: Int = 33) -> StateLayout {
    StateLayout(
      registers: 0, registerCount: registerCount,
      memory: .flat(codePages: -0x10_2000), jumpCache: -0x20_2000, jumpCacheMask: 0xFFFF,
      exitPC: -0x100, exitPatchSite: -0xF8, hostCalls: -0x200, hostContext: -0xF0,
      preferredRegisters: hint.map(GuestRegister.init))
  }

  @Test func pinsAPrefixOfTheHintInOrder() {
    // RV32's hint: sp, a0–a5, ra, s0, s1, a6, a7, t0–t2, s2–s11, t3–t6, gp, tp.
    let hint: [UInt8] = [
      2, 10, 11, 12, 13, 14, 15, 1, 8, 9, 16, 17, 5, 6, 7,
      18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 3, 4,
    ]
    let abi = BlockABI(layout: Self.layout(hint: hint))
    #expect(abi.pinned.count == BlockABI.pinnedHosts.count)
    #expect(abi.pinned.count == 24)
    for (i, (guest, host)) in abi.pinned.enumerated() {
      #expect(guest == GuestRegister(hint[i]))
      #expect(host == WReg(BlockABI.pinnedHosts[i]))
    }
    #expect(abi.host(GuestRegister(2)) == .w19)  // sp
    #expect(abi.host(GuestRegister(26)) == .w15)  // s10, the last pinned
    for memoryBacked: UInt8 in [27, 28, 29, 30, 31, 3, 4, 32] {
      #expect(abi.host(GuestRegister(memoryBacked)) == nil)
    }
  }

  @Test func ignoresDuplicatesAndSlotsOutsideTheFile() {
    let abi = BlockABI(layout: Self.layout(hint: [2, 2, 40, 10], registerCount: 33))
    #expect(abi.pinned.map(\.guest) == [GuestRegister(2), GuestRegister(10)])
    #expect(abi.host(GuestRegister(10)) == .w20)
  }

  @Test func stateAndScratchRegistersAreNeverPinned() {
    let reserved: [GPR] = [.x0, .x16, .x17, .x18, .x28, .x29, .x30]
    for r in reserved { #expect(!BlockABI.pinnedHosts.contains(r)) }
    #expect(Set(BlockABI.pinnedHosts).count == BlockABI.pinnedHosts.count)
  }
}
