import Foundation
import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// Every runtime error, provoked and checked by type, on both engines and memory modes.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct ErrorTests {
  /// Raised when executed, not when a block is merely compiled past it.
  @Test(arguments: Harness.setups)
  func illegalInstructionOnlyWhenExecuted(_ setup: Setup) throws {
    // 0x0000_0000 is illegal; it sits after a taken branch in the same block.
    let source = "beqz a0, 1f\n.word 0xffffffff\n1:\nli a0, 9\nret"
    let (r, _) = try Harness.call(setup, source, [0])
    #expect(r == 9)
    let vm = try Harness.vm(setup, source)
    #expect(throws: RuntimeError.illegalInstruction(pc: 0x1004, word: 0xFFFF_FFFF)) {
      _ = try vm.callFunction(at: Harness.base, arguments: [1])
    }
  }

  @Test(arguments: Harness.setups)
  func unsupportedExtensionIsIllegal(_ setup: Setup) throws {
    // csrrs a0, cycle, zero (Zicsr is not part of RV32IM)
    #expect(throws: RuntimeError.illegalInstruction(pc: 0x1000, word: 0xC000_2573)) {
      _ = try Harness.call(setup, ".word 0xc0002573\nret")
    }
  }

  @Test(arguments: Harness.setups)
  func misalignedJalr(_ setup: Setup) throws {
    #expect(throws: RuntimeError.misalignedJump(pc: 0x1000, target: 0x2002)) {
      _ = try Harness.call(setup, "jalr ra, 0(a0)\nret", [0x2002])
    }
  }

  @Test(arguments: Harness.setups)
  func misalignedBranchOnlyWhenTaken(_ setup: Setup) throws {
    // beq to pc+6 (assembled by hand: imm = 6 → misaligned target 0x1006)
    let beqPlus6: UInt32 = 0x00B5_0363  // beq a0, a1, +6
    let code = try Toolchain.assemble(".word \(beqPlus6)\nli a0, 1\nret")
    let vm = try setup.makeVM()
    try vm.loadProgram(code, at: 0x1000)
    #expect(try vm.callFunction(at: 0x1000, arguments: [1, 2]) == 1)
    #expect(throws: RuntimeError.misalignedJump(pc: 0x1000, target: 0x1006)) {
      _ = try vm.callFunction(at: 0x1000, arguments: [2, 2])
    }
  }

  @Test(arguments: Harness.setups)
  func misalignedEntryPoint(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "ret")
    #expect(throws: RuntimeError.misalignedJump(pc: 0x1002, target: 0x1002)) {
      _ = try vm.callFunction(at: 0x1002)
    }
  }

  @Test(arguments: Harness.setups)
  func executionOutsideLoadedMemory(_ setup: Setup) throws {
    #expect(throws: RuntimeError.executionOutsideMemory(pc: 0x0800_0000)) {
      _ = try Harness.call(setup, "li t0, 0x8000000\njr t0")
    }
    // falling off the end of the last mapped page
    let vm = try Harness.vm(setup, "ret")
    try vm.writeMemory(at: 0x5FF8, [0x13, 0, 0, 0, 0x13, 0, 0, 0])  // two nops at the page end
    #expect(throws: RuntimeError.executionOutsideMemory(pc: 0x6000)) {
      _ = try vm.callFunction(at: 0x5FF8)
    }
  }

  @Test(arguments: Harness.setups)
  func tooManyArguments(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "ret")
    #expect(throws: RuntimeError.tooManyArguments(9)) {
      _ = try vm.callFunction(at: 0x1000, arguments: Array(repeating: 1, count: 9))
    }
  }

  @Test func configValidation() throws {
    func make(_ change: (inout Config) -> Void) throws(VMError) {
      var c = Config()
      change(&c)
      _ = try VirtualMachine(config: c, syscallHandler: { _, _ in })
    }
    #expect(throws: VMError.invalidMaxMemoryPages(0)) { try make { $0.maxMemoryPages = 0 } }
    #expect(throws: VMError.invalidMaxMemoryPages(65537)) { try make { $0.maxMemoryPages = 65537 } }
    #expect(throws: VMError.invalidMaxCodeSize(100, limit: 1 << 30)) {
      try make { $0.maxCodeSize = 100 }
    }
    // x86-64's rel32 branches reach ±2 GiB: the port allows 1 GiB of code.
    #expect(throws: VMError.invalidMaxCodeSize((1 << 30) + 1, limit: 1 << 30)) {
      try make { $0.maxCodeSize = (1 << 30) + 1 }
    }
    #expect(throws: VMError.invalidMaxStackDepth(8)) { try make { $0.maxStackDepth = 8 } }
    #expect(throws: VMError.invalidMaxBlockInstructions(0)) {
      try make { $0.maxBlockInstructions = 0 }
    }
    try make { $0.maxMemoryPages = 65536 }
  }

  /// A full code buffer is flushed and refilled; execution goes on correctly.
  @Test(arguments: Harness.jitSetups)
  func codeBufferFullFlushesAndRecompiles(_ setup: Setup) throws {
    var config = Config()
    config.engine = .jit
    config.maxCodeSize = Config.minCodeSize
    config.maxBlockInstructions = 4
    // 3000 distinct blocks of straight-line code, each with a store (and its
    // slow path): far more than 64 KiB of host code, even when regions join
    // the blocks and their jumps vanish.
    var source = "li a0, 0\n"
    for i in 0..<3000 { source += "addi a0, a0, \(i % 7)\nsw a0, -4(sp)\nj 1f\n1:\n" }
    source += "ret"
    let vm = try Harness.vm(setup, source, config: config)
    let expected = (0..<3000).reduce(0) { $0 + $1 % 7 }
    // (A tiered row interprets the first runs: the last one compiles.)
    for _ in 0...setup.compileThreshold {
      #expect(try vm.callFunction(at: Harness.base) == UInt32(expected))
    }
    #expect(vm.statistics.cacheFlushes > 0)
    // and again, from a warm (partly flushed) cache
    #expect(try vm.callFunction(at: Harness.base) == UInt32(expected))
  }

  /// Only a single block larger than the whole buffer is an error (on the
  /// rows that compile code before its first run).
  @Test(arguments: Harness.jitSetups.filter { $0.compileThreshold == 0 })
  func blockLargerThanBufferIsAnError(_ setup: Setup) throws {
    var config = Config()
    config.engine = .jit
    config.maxCodeSize = Config.minCodeSize
    config.maxBlockInstructions = 4096
    // 4000 divisions of memory-backed registers in one block (t3–t6 are
    // pinned by no port): ~40 bytes of host code each on x86-64, 24 on AArch64.
    let source = String(repeating: "div t3, t4, t5\n", count: 4000) + "ret"
    let vm = try Harness.vm(setup, source, config: config)
    do {
      _ = try vm.callFunction(at: Harness.base)
      Issue.record("expected codeBufferTooSmall")
    } catch {
      guard case .codeBufferTooSmall(let pc, let needed) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(pc == Harness.base)
      #expect(needed > Config.minCodeSize)
    }
  }
}
