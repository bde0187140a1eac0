import KilnHosts
import KilnPort
import KilnTestSupport
import Testing

@testable import Runtime

/// Tiered compilation (`Config.compileThreshold`): blocks run in the
/// interpreter first. The matrix row `jit[…]/…+tiered2` runs every matrix
/// suite with it; these tests check what only tiering does. Expected values
/// are worked out by hand from the RISC-V semantics.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct TieringTests {
  static let tieredRows = Harness.jitSetups.filter { $0.compileThreshold > 0 }

  static func config(threshold: Int) -> Config {
    var config = Config()
    config.compileThreshold = threshold
    return config
  }

  static func compilesRegions<P: BlockPort>(_ port: P.Type) -> Bool { P.Blocks.compilesRegions }

  /// `setup` with tiering at `threshold`.
  static func tiered(_ setup: Setup, _ threshold: Int) -> Setup {
    var s = setup
    s.compileThreshold = threshold
    return s
  }

  /// The native port has a tiered row.
  @Test func theMatrixHasATieredRow() {
    #expect(Hosts.native == nil || Self.tieredRows.count == 1)
  }

  /// Code that runs once is never compiled at threshold 1.
  @Test(arguments: Harness.jitSetups.filter { $0.compileThreshold == 0 })
  func codeThatRunsOnceIsNotCompiled(_ setup: Setup) throws {
    let vm = try Harness.vm(Self.tiered(setup, 1), "li a0, 5\naddi a0, a0, 7\nslli a0, a0, 2\nret")
    #expect(try vm.callFunction(at: Harness.base) == 48)
    #expect(vm.statistics.blocksCompiled == 0)
    #expect(vm.statistics.blocksInterpreted == 1)
    #expect(vm.statistics.guestInstructionsInterpreted == 4)
  }

  /// A loop is interpreted `threshold` times, then compiled and run there.
  @Test(arguments: Harness.jitSetups.filter { $0.compileThreshold == 0 })
  func loopsAreCompiledOnceHot(_ setup: Setup) throws {
    let source = """
      li a0, 0
      li t0, 0
      li t1, 100
      1: add a0, a0, t0
      addi t0, t0, 1
      bne t0, t1, 1b
      ret
      """
    let vm = try Harness.vm(Self.tiered(setup, 3), source)
    #expect(try vm.callFunction(at: Harness.base) == 4950)  // 0 + 1 + … + 99
    let s = vm.statistics
    #expect(s.blocksCompiled >= 1)
    // The entry block (three `li` and the first pass: 6 instructions), then
    // the loop three times (3 each); then the loop's region is compiled,
    // with the `ret` after it on a port that compiles regions, else `ret`
    // is a block of its own, interpreted once.
    let regions = (setup.host?.port as? any BlockPort.Type).map { Self.compilesRegions($0) }
    let ret = regions == true ? 0 : 1
    #expect(s.blocksInterpreted == 4 + ret, "\(s)")
    #expect(s.guestInstructionsInterpreted == 6 + 3 * 3 + ret, "\(s)")
  }

  /// Generated code stores into a block that so far ran only in the
  /// interpreter: its next (interpreted) run sees the new instruction.
  @Test(arguments: Harness.jitSetups.filter { $0.compileThreshold == 0 })
  func compiledStoreIntoInterpretedCode(_ setup: Setup) throws {
    // T at 0x3000 (own page, reached only through jalr, so no region holds
    // it): li a0, 1; ret. The loop runs 8 times and is compiled from its
    // third pass (threshold 2); at pass 3 it calls T, at pass 5 (compiled)
    // it stores `li a0, 2` over T's first instruction, at pass 6 it calls T
    // again, still interpreted (its second run). Sum: 1 + 2.
    let source = """
      mv s2, ra
      li s0, 0x3000
      li t0, 0
      li t4, 0
      loop:
      addi t0, t0, 1
      li t3, 3
      bne t0, t3, 1f
      jalr ra, 0(s0)
      add t4, t4, a0
      1: li t3, 5
      bne t0, t3, 2f
      sw a1, 0(s0)
      2: li t3, 6
      bne t0, t3, 3f
      jalr ra, 0(s0)
      add t4, t4, a0
      3: li t3, 8
      blt t0, t3, loop
      mv a0, t4
      mv ra, s2
      ret
      """
    let vm = try Harness.vm(Self.tiered(setup, 2), source)
    try vm.loadProgram(try Toolchain.assemble("li a0, 1\nret", at: 0x3000), at: 0x3000)
    let r = try vm.callFunction(at: Harness.base, arguments: [0, SelfModifyingCodeTests.liA0(2)])
    #expect(r == 3)
    let s = vm.statistics
    #expect(s.blocksCompiled >= 1, "\(s)")
    #expect(s.cacheFlushes >= 1, "\(s)")
  }

  /// A budget or an interrupter keeps every block compiled (the JIT's exact
  /// accounting), whatever the threshold.
  @Test(arguments: Harness.jitSetups.filter { $0.compileThreshold == 0 })
  func countingVMsCompileAtOnce(_ setup: Setup) throws {
    var config = Config()
    config.instructionBudget = 1000
    let vm = try Harness.vm(Self.tiered(setup, 5), "li a0, 3\nret", config: config)
    #expect(try vm.callFunction(at: Harness.base) == 3)
    #expect(vm.statistics.blocksInterpreted == 0)
    #expect(vm.statistics.blocksCompiled == 1)
  }

  @Test func thresholdIsValidated() throws {
    for bad in [-1, Config.maxCompileThreshold + 1] {
      #expect(throws: VMError.invalidCompileThreshold(bad)) {
        _ = try VirtualMachine(config: Self.config(threshold: bad), host: Hosts.native) { _, _ in }
      }
    }
  }
}
