import Foundation
import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// The edges of guest memory that flat memory handles differently from paged
/// memory (faults instead of a page walk), checked on every engine and memory
/// mode with the same expected values: the page quota, accesses that wrap
/// past 0xFFFF_FFFF, stores that straddle into compiled code, clearing.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct FlatMemoryTests {
  /// A load over the quota stops with the load's pc and address; registers
  /// written before it are kept, its destination is not written.
  @Test(arguments: Harness.setups)
  func quotaExhaustedByALoad(_ setup: Setup) throws {
    var config = Config()
    config.maxMemoryPages = 2  // the code page and the first data page
    let source = """
      lw t0, 0(a0)
      lui t1, 0x100
      add a0, a0, t1
      lw a1, 4(a0)
      ret
      """
    let vm = try Harness.vm(setup, source, config: config)
    try vm.writeMemory(at: 0x20000, [1, 2, 3, 4])
    #expect(throws: RuntimeError.outOfMemory(pc: 0x100C, address: 0x0012_0004)) {
      _ = try vm.callFunction(at: Harness.base, arguments: [0x20000, 99])
    }
    #expect(vm.readRegister(5) == 0x0403_0201)  // t0, loaded before
    #expect(vm.readRegister(10) == 0x0012_0000)  // a0, computed before
    #expect(vm.readRegister(11) == 99)  // a1, the failed load's destination
    #expect(vm.mappedPages == 2)
  }

  /// A store straddling into a page the quota does not allow: the error names
  /// that page's first byte (the first unreachable byte, as qemu-riscv32's
  /// SIGSEGV `si_addr`); the bytes in the mapped page are written first
  /// (byte by byte, as the slow path and the interpreter do).
  @Test(arguments: Harness.setups)
  func quotaExhaustedByAStraddlingStore(_ setup: Setup) throws {
    var config = Config()
    config.maxMemoryPages = 2
    let vm = try Harness.vm(setup, "sw a1, 0(a0)\nret", config: config)
    try vm.writeMemory(at: 0x20000, [0])
    #expect(throws: RuntimeError.outOfMemory(pc: 0x1000, address: 0x21000)) {
      _ = try vm.callFunction(at: Harness.base, arguments: [0x20FFE, 0x1122_3344])
    }
    #expect(try vm.readMemory(at: 0x20FFE, count: 2) == [0x44, 0x33])
    #expect(vm.mappedPages == 2)
  }

  /// Accesses past 0xFFFF_FFFF wrap to address 0, upwards and downwards
  /// (negative offsets), byte for byte as in the paged memory.
  @Test(arguments: Harness.setups)
  func accessesWrapAroundTheTop(_ setup: Setup) throws {
    let source = """
      sw a1, 0(a0)
      lw a2, 0(a0)
      lhu a3, 1(a0)
      li t0, 2
      lw a4, -4(t0)
      lbu a5, 2(a0)
      li t1, -16
      lw a6, 32(t1)
      ret
      """
    let vm = try Harness.vm(setup, source)
    try vm.writeMemory(at: 0x10, [0xA0, 0xA1, 0xA2, 0xA3])
    _ = try vm.callFunction(at: Harness.base, arguments: [0xFFFF_FFFE, 0x1122_3344])
    #expect(try vm.readMemory(at: 0xFFFF_FFFE, count: 2) == [0x44, 0x33])
    #expect(try vm.readMemory(at: 0, count: 2) == [0x22, 0x11])
    #expect(vm.readRegister(12) == 0x1122_3344)  // a2: lw at 0xFFFF_FFFE
    #expect(vm.readRegister(13) == 0x2233)  // a3: lhu at 0xFFFF_FFFF
    #expect(vm.readRegister(14) == 0x1122_3344)  // a4: 2 - 4 wraps down
    #expect(vm.readRegister(15) == 0x22)  // a5: 0xFFFF_FFFE + 2 = 0
    #expect(vm.readRegister(16) == 0xA3A2_A1A0)  // a6: -16 + 32 wraps up to 0x10
    #expect(vm.mappedPages == 3)  // code, the top page, page 0
  }

  /// Positive offsets that carry base + offset past 0xFFFF_FFFF wrap too (the
  /// x86-64 JIT accesses `[state + base + offset]` unwrapped, which faults
  /// in the guard after the guest space, and redoes the access wrapped).
  @Test(arguments: Harness.setups)
  func positiveOffsetsWrapPastTheTop(_ setup: Setup) throws {
    let source = """
      sw a1, 2047(a0)
      lw a2, 2047(a0)
      lbu a3, 1024(a0)
      lhu a4, 2046(a0)
      sb a1, 1025(a0)
      lw a5, 1024(a0)
      ret
      """
    let vm = try Harness.vm(setup, source)
    try vm.writeMemory(at: 0, [0xA0, 0xA1, 0xA2, 0xA3])
    // a0 + 2047 = 0x3FF, a0 + 1024 = 0 (mod 2^32).
    _ = try vm.callFunction(at: Harness.base, arguments: [0xFFFF_FC00, 0x1122_3344])
    #expect(try vm.readMemory(at: 0x3FF, count: 4) == [0x44, 0x33, 0x22, 0x11])
    #expect(vm.readRegister(12) == 0x1122_3344)  // a2
    #expect(vm.readRegister(13) == 0xA0)  // a3: byte at 0
    #expect(vm.readRegister(14) == 0x4400)  // a4: half at 0x3FE
    #expect(vm.readRegister(15) == 0xA3A2_44A0)  // a5: after the sb at 1
  }

  /// A load and a store whose base + offset wraps past 0xFFFF_FFFF into a page
  /// the quota does not allow fail with the access's pc and the wrapped address.
  @Test(arguments: Harness.setups)
  func wrappingAccessesOverTheQuota(_ setup: Setup) throws {
    var config = Config()
    config.maxMemoryPages = 1  // the code page
    let load = try Harness.vm(setup, "li a1, 7\nlw a1, 16(a0)\nret", config: config)
    #expect(throws: RuntimeError.outOfMemory(pc: 0x1004, address: 0x8)) {
      _ = try load.callFunction(at: Harness.base, arguments: [0xFFFF_FFF8])
    }
    #expect(load.readRegister(11) == 7)
    let store = try Harness.vm(setup, "sh a1, 2040(a0)\nret", config: config)
    #expect(throws: RuntimeError.outOfMemory(pc: 0x1000, address: 0x7F7)) {
      _ = try store.callFunction(at: Harness.base, arguments: [0xFFFF_FFFF, 0x1234])
    }
    #expect(store.mappedPages == 1)
  }

  /// A store whose base + offset wraps into compiled code invalidates it.
  @Test(arguments: Harness.setups)
  func wrappingStoreIntoCodeInvalidates(_ setup: Setup) throws {
    // f at 0: li a0, 1 (0x00100513); ret. The byte store at -1024 + 1024 = 0
    // writes 0x37 into the first byte of f: lui a0, 0x100 (0x00100537).
    let vm = try Harness.vm(
      setup,
      """
      mv s2, ra
      jalr ra, 0(zero)
      mv s3, a0
      li t2, -1024
      li t3, 0x37
      sb t3, 1024(t2)
      fence.i
      jalr ra, 0(zero)
      add a0, a0, s3
      mv ra, s2
      ret
      """)
    try vm.loadProgram(try Toolchain.assemble("li a0, 1\nret", at: 0), at: 0)
    #expect(try vm.callFunction(at: Harness.base) == 0x10_0001)
    if setup.engine == .jit { #expect(vm.statistics.cacheFlushes >= 1) }
  }

  /// A store that starts in a data page and ends in a page of compiled code
  /// invalidates that code.
  @Test(arguments: Harness.setups)
  func storeStraddlingIntoCodeInvalidates(_ setup: Setup) throws {
    // f at 0x3000: li a0, 1 (0x00100513); ret. The half-word store at 0x2FFF
    // writes 0x37 into the first byte of f: lui a0, 0x100 (0x00100537).
    let vm = try Harness.vm(
      setup,
      """
      mv s2, ra
      li t1, 0x3000
      jalr ra, 0(t1)
      mv s3, a0
      li t2, 0x2fff
      li t3, 0x3700
      sh t3, 0(t2)
      fence.i
      jalr ra, 0(t1)
      add a0, a0, s3
      mv ra, s2
      ret
      """)
    try vm.loadProgram(try Toolchain.assemble("li a0, 1\nret", at: 0x3000), at: 0x3000)
    #expect(try vm.callFunction(at: Harness.base) == 0x10_0001)
    if setup.engine == .jit { #expect(vm.statistics.cacheFlushes >= 1) }
  }

  /// Pages the JIT touches count against the quota like the API's.
  @Test(arguments: Harness.setups)
  func guestTouchesCountAgainstTheQuota(_ setup: Setup) throws {
    let source = """
      li t0, 10
      1:
      sw t0, 0(a0)
      lui t1, 1
      add a0, a0, t1
      addi t0, t0, -1
      bnez t0, 1b
      ret
      """
    let vm = try Harness.vm(setup, source)
    _ = try vm.callFunction(at: Harness.base, arguments: [0x10_0800])
    #expect(vm.mappedPages == 11)
    #expect(try vm.readMemory(at: 0x10_9800, count: 4) == [1, 0, 0, 0])
  }

  /// clearMemory unmaps and zeroes everything; the VM runs again afterwards.
  @Test(arguments: Harness.setups)
  func clearMemoryUnmapsAndZeroes(_ setup: Setup) throws {
    let source = "lw t0, 0(a0)\nsw a1, 0(a0)\nmv a0, t0\nret"
    let vm = try Harness.vm(setup, source)
    #expect(try vm.callFunction(at: Harness.base, arguments: [0x30000, 7]) == 0)
    #expect(try vm.callFunction(at: Harness.base, arguments: [0x30000, 8]) == 7)
    #expect(vm.mappedPages == 2)
    vm.clearMemory()
    #expect(vm.mappedPages == 0)
    #expect(try vm.readMemory(at: 0x30000, count: 4) == [0, 0, 0, 0])
    try vm.loadProgram(try Toolchain.assemble(source, at: Harness.base), at: Harness.base)
    #expect(try vm.callFunction(at: Harness.base, arguments: [0x30000, 9]) == 0)
    #expect(vm.mappedPages == 2)
  }

  /// Many flat VMs at once, each with its own reservation and handler record.
  @Test(.enabled(if: MemoryMode.flatAvailable, "flat guest memory is Linux x86-64 only"))
  func manyFlatVMs() throws {
    var config = Config()
    config.memoryMode = .flat
    config.engine = .jit
    let code = try Toolchain.assemble("sw a0, 0(a1)\nlw a0, 0(a1)\naddi a0, a0, 1\nret")
    var vms: [VirtualMachine] = []
    for i in 0..<40 {
      let vm = try VirtualMachine(config: config, syscallHandler: { _, _ in })
      try vm.loadProgram(code, at: Harness.base)
      vms.append(vm)
      #expect(try vm.callFunction(at: Harness.base, arguments: [UInt32(i), 0x5000_0000]) == i + 1)
    }
    for (i, vm) in vms.enumerated() {
      #expect(try vm.readMemory(at: 0x5000_0000, count: 1) == [UInt8(i)])
    }
  }
}
