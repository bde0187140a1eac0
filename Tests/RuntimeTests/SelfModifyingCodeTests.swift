import Foundation
import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// Stores into pages holding compiled code invalidate that code.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct SelfModifyingCodeTests {
  /// addi a0, zero, v (I-type: imm[31:20] rs1=0 funct3=0 rd=10 opcode=0x13)
  static func liA0(_ v: Int32) -> UInt32 { UInt32(bitPattern: v << 20) | 0x0000_0513 }

  /// The guest patches an instruction of a function it has already run.
  @Test(arguments: Harness.setups)
  func guestStorePatchesCompiledCode(_ setup: Setup) throws {
    // f at 0x1100: li a0, 1 ; ret. The caller runs f, patches its first
    // instruction to li a0, 2 (word in a1), fence.i, runs f again.
    let vm = try Harness.vm(
      setup,
      """
      mv s2, ra
      li t1, 0x1100
      jalr ra, 0(t1)
      mv s3, a0
      sw a1, 0(t1)
      fence.i
      jalr ra, 0(t1)
      slli s3, s3, 4
      add a0, a0, s3
      mv ra, s2
      ret
      """)
    try vm.loadProgram(try Toolchain.assemble("li a0, 1\nret", at: 0x1100), at: 0x1100)
    let r = try vm.callFunction(at: 0x1000, arguments: [0, Self.liA0(2)])
    #expect(r == 0x12)
  }

  /// A store into the block that is running: the next instruction is the new one.
  @Test(arguments: Harness.setups)
  func storeIntoTheRunningBlock(_ setup: Setup) throws {
    // sw a1, 8(t0) overwrites the instruction at 1f (two after the store).
    let source = """
      auipc t0, 0
      sw a1, 12(t0)
      nop
      li a0, 1
      ret
      """
    let (r, vm) = try Harness.call(setup, source, [0, Self.liA0(5)])
    #expect(r == 5)
    if setup.engine == .jit { #expect(vm.statistics.cacheFlushes >= 1) }
  }

  /// writeMemory over compiled code (a loader, a debugger) invalidates it too.
  @Test(arguments: Harness.setups)
  func apiWriteInvalidates(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "li a0, 1\nret")
    #expect(try vm.callFunction(at: 0x1000) == 1)
    try vm.loadProgram(try Toolchain.assemble("li a0, 2\nret"), at: 0x1000)
    #expect(try vm.callFunction(at: 0x1000) == 2)
  }

  /// Loops that store to data pages do not flush anything.
  @Test(arguments: Harness.jitSetups)
  func dataStoresDoNotFlush(_ setup: Setup) throws {
    let source = """
      lui t0, 0x40
      li t1, 1000
      1:
      sw t1, 0(t0)
      addi t0, t0, 4
      addi t1, t1, -1
      bnez t1, 1b
      ret
      """
    let (_, vm) = try Harness.call(setup, source)
    #expect(vm.statistics.cacheFlushes == 0)
  }
}

/// W^X: Kiln's code memory is never writable and executable at once, even
/// while generated code runs (the check runs inside a syscall handler). The
/// test looks at the mappings that hold compiled blocks, not at every `rwx`
/// mapping of the process: the test process also links Unicorn for the
/// emulated rows, and Unicorn's own translation buffer is `rwx` by design.
@Suite struct WriteXorExecuteTests {
  /// The permissions of the mapping containing each of `addresses`.
  static func permissions(of addresses: [UInt]) throws -> [String] {
    // Not String(contentsOfFile:): it stops after the first page of a /proc file.
    guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else {
      throw CocoaError(.fileReadNoPermission)
    }
    let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
    #expect(
      maps.contains("[stack]"),
      "the whole of /proc/self/maps was read (it ends with [stack], [vvar], [vdso])")
    return addresses.map { address in
      for line in maps.split(separator: "\n") {
        let fields = line.split(separator: " ")
        let range = fields.first?.split(separator: "-").compactMap { UInt($0, radix: 16) } ?? []
        if fields.count >= 2, range.count == 2, range[0] <= address, address < range[1] {
          return String(fields[1])
        }
      }
      return "unmapped"
    }
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: "/proc/self/maps"), "needs Linux /proc/self/maps"),
    .requires(Toolchain.available, Toolchain.unavailableReason),
    // (Tiered rows would interpret this code that runs once: nothing compiled.)
    arguments: Harness.jitSetups.filter { !$0.isEmulated && $0.compileThreshold == 0 })
  func codeIsNeverWritableAndExecutable(_ setup: Setup) throws {
    let blocks = Box<[UInt]>([])
    let found = Box<[String]?>(nil)
    var config = Config()
    setup.configure(&config)
    let vm = try VirtualMachine(config: config, host: setup.host) { _, _ in
      found.value = try? Self.permissions(of: blocks.value)
    }
    vm.onBlockCompiled = { blocks.value.append($0.hostAddress) }
    try vm.loadProgram(try Toolchain.assemble("ecall\nli a0, 3\nret"), at: 0x1000)
    #expect(try vm.callFunction(at: 0x1000) == 3)
    #expect(!blocks.value.isEmpty)
    #expect(found.value?.allSatisfy { $0.hasPrefix("r-x") } == true, "\(found.value ?? [])")
    #expect(try Self.permissions(of: blocks.value).allSatisfy { $0.hasPrefix("r-x") })
  }
}

/// Exits in the middle of a block (a slow path's error or code-modified
/// exit) leave exactly the registers written before that point, on both
/// engines, whatever the JIT keeps in host registers inside the block.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct MidBlockExitTests {
  @Test(arguments: Harness.setups)
  func errorMidBlockKeepsEarlierWrites(_ setup: Setup) throws {
    var config = Config()
    config.maxMemoryPages = 1  // the code page only: the store cannot map its page
    let source = """
      li t3, 5
      addi t3, t3, 1
      sw t3, 0(a0)
      addi t4, t3, 1
      addi t4, t4, 1
      ret
      """
    let vm = try Harness.vm(setup, source, config: config)
    vm.writeRegister(29, 77)  // t4
    #expect(throws: RuntimeError.outOfMemory(pc: 0x1008, address: 0x50000)) {
      _ = try vm.callFunction(at: Harness.base, arguments: [0x50000])
    }
    #expect(vm.readRegister(28) == 6)  // t3 written before the store
    #expect(vm.readRegister(29) == 77)  // t4 written after it: untouched
  }

  @Test(arguments: Harness.setups)
  func codeModifiedMidBlockContinuesWithCachedRegisters(_ setup: Setup) throws {
    // The store rewrites `li a0, 1` (at t0 + 24) into `mv a0, t3`.
    let mvA0T3: UInt32 = 28 << 15 | 10 << 7 | 0x13
    let source = """
      auipc t0, 0
      li t3, 1
      addi t3, t3, 1
      sw a1, 24(t0)
      addi t3, t3, 1
      addi t3, t3, 1
      li a0, 1
      ret
      """
    let (r, vm) = try Harness.call(setup, source, [0, mvA0T3])
    #expect(r == 4)
    #expect(vm.readRegister(28) == 4)
  }
}
