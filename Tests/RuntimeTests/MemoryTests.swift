import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// Loads and stores: widths, sign extension, unaligned and page-straddling
/// accesses (allowed, as in qemu-riscv32), lazy mapping, the memory API.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct MemoryTests {
  /// Stores a1 at address a0 with `store`, loads it back with `load`.
  static func roundTrip(_ store: String, _ load: String, offset: Int = 0) -> String {
    "\(store) a1, \(offset)(a0)\n\(load) a0, \(offset)(a0)\nret"
  }

  static let loadStoreCases: [Case] = [
    Case(roundTrip("sw", "lw"), [0x20000, 0xDEAD_BEEF], 0xDEAD_BEEF),
    Case(roundTrip("sb", "lbu"), [0x20000, 0x1234_56F0], 0xF0),
    Case(roundTrip("sb", "lb"), [0x20000, 0x1234_56F0], 0xFFFF_FFF0),
    Case(roundTrip("sb", "lb"), [0x20000, 0x7F], 0x7F),
    Case(roundTrip("sh", "lhu"), [0x20000, 0x1234_8001], 0x8001),
    Case(roundTrip("sh", "lh"), [0x20000, 0x1234_8001], 0xFFFF_8001),
    Case(roundTrip("sh", "lh"), [0x20000, 0x7FFF], 0x7FFF),
    // negative and large offsets
    Case(roundTrip("sw", "lw", offset: -2048), [0x20800, 77], 77),
    Case(roundTrip("sw", "lw", offset: 2047), [0x20000, 78], 78),
    // unaligned within a page
    Case(roundTrip("sw", "lw", offset: 1), [0x20000, 0xCAFE_F00D], 0xCAFE_F00D),
    Case(roundTrip("sh", "lhu", offset: 3), [0x20000, 0xBEEF], 0xBEEF),
    // straddling a page boundary: 0x20FFE..0x21001
    Case(roundTrip("sw", "lw"), [0x20FFE, 0x1122_3344], 0x1122_3344),
    Case(roundTrip("sw", "lw"), [0x20FFD, 0x5566_7788], 0x5566_7788),
    Case(roundTrip("sh", "lh"), [0x20FFF, 0x9ABC], 0xFFFF_9ABC),
    // wrapping around the top of the address space
    Case(roundTrip("sw", "lw"), [0xFFFF_FFFE, 0x0BAD_F00D], 0x0BAD_F00D),
    // fresh memory reads as zero
    Case("lw a0, 0(a0)\nret", [0x7000_0000], 0),
    // memory-backed base and value registers
    Case("mv s2, a0\nmv s3, a1\nsw s3, 8(s2)\nlw s4, 8(s2)\nmv a0, s4\nret", [0x30000, 5], 5),
    // little-endian byte order
    Case("sw a1, 0(a0)\nlbu a0, 3(a0)\nret", [0x20000, 0x1234_5678], 0x12),
    Case("sw a1, 0(a0)\nlhu a0, 1(a0)\nret", [0x20000, 0x1234_5678], 0x3456),
    // store of x0 and of an immediate-like zero
    Case("sw a1, 0(a0)\nsw zero, 0(a0)\nlw a0, 0(a0)\nret", [0x20000, 9], 0),
  ]

  @Test(arguments: loadStoreCases, Harness.setups)
  func loadStore(_ c: Case, _ setup: Setup) throws {
    let (r, _) = try Harness.call(setup, c.source, c.arguments)
    #expect(r == c.expected, "\(c.source) \(c.arguments) on \(setup)")
  }

  /// Bytes written through the API are seen by guest loads and vice versa,
  /// across a page boundary.
  @Test(arguments: Harness.setups)
  func apiAndGuestAgree(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "lw t0, 0(a0)\nsw a1, 4(a0)\nmv a0, t0\nret")
    try vm.writeMemory(at: 0x40FFE, [0x11, 0x22, 0x33, 0x44])
    let r = try vm.callFunction(at: Harness.base, arguments: [0x40FFE, 0xA1B2_C3D4])
    #expect(r == 0x4433_2211)
    #expect(try vm.readMemory(at: 0x41002, count: 4) == [0xD4, 0xC3, 0xB2, 0xA1])
  }

  @Test(arguments: Harness.memoryModes)
  func pagesAreMappedLazilyAndCleared(_ mode: MemoryMode) throws {
    var config = Config()
    config.memoryMode = mode
    let vm = try VirtualMachine(config: config, syscallHandler: { _, _ in })
    #expect(vm.mappedPages == 0)
    try vm.writeMemory(at: 0x1000_0000, [1])
    try vm.writeMemory(at: 0x2000_0FFF, [2, 3])  // straddles: two pages
    #expect(vm.mappedPages == 3)
    vm.clearMemory()
    #expect(vm.mappedPages == 0)
    #expect(try vm.readMemory(at: 0x2000_0FFF, count: 2) == [0, 0])
  }

  @Test(arguments: Harness.memoryModes)
  func memoryAPIErrors(_ mode: MemoryMode) throws {
    var config = Config()
    config.memoryMode = mode
    config.maxMemoryPages = 2
    let vm = try VirtualMachine(config: config, syscallHandler: { _, _ in })
    #expect(throws: MemoryError.addressOverflow(address: 0xFFFF_FFFF, count: 2)) {
      try vm.writeMemory(at: 0xFFFF_FFFF, [1, 2])
    }
    try vm.writeMemory(at: 0x1000, [1])
    try vm.writeMemory(at: 0x2000, [1])
    #expect(throws: MemoryError.outOfMemory(address: 0x3000)) {
      try vm.writeMemory(at: 0x3000, [1])
    }
    #expect(throws: MemoryError.outOfMemory(address: 0x5000)) {
      _ = try vm.readMemory(at: 0x5000, count: 1)
    }
  }

  /// Exhausting the page pool from guest code is a typed error with pc and address.
  @Test(arguments: Harness.setups)
  func guestOutOfMemory(_ setup: Setup) throws {
    var config = Config()
    config.maxMemoryPages = 2  // one for the code, one for the first store
    let vm = try Harness.vm(
      setup, "sw a0, 0(a0)\nlui t0, 0x100\nadd a0, a0, t0\nsw a0, 0(a0)\nret", config: config)
    #expect(throws: RuntimeError.outOfMemory(pc: 0x100C, address: 0x0012_0000)) {
      _ = try vm.callFunction(at: Harness.base, arguments: [0x20000])
    }
  }
}
