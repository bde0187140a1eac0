import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// ECALL, EBREAK, FENCE, FENCE.I, nested calls through syscall handlers.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct SystemTests {
  /// The interpreter counts the guest instructions it executes: `li` (1),
  /// ten iterations of `addi` + `bnez` (20) and `ret` (1) are 22, counted
  /// by hand; the JIT leaves the count nil.
  @Test(arguments: Harness.setups)
  func interpreterCountsGuestInstructions(_ setup: Setup) throws {
    let source = "li t0, 10\nloop:\naddi t0, t0, -1\nbnez t0, loop\nret"
    let (_, vm) = try Harness.call(setup, source)
    let expected: UInt64? = setup.engine == .interpreter ? 22 : nil
    #expect(vm.statistics.guestInstructionsExecuted == expected)
  }

  /// The handler sees a7 and the registers, and its writes are seen after.
  @Test(arguments: Harness.setups)
  func ecallCallsTheHandler(_ setup: Setup) throws {
    var config = Config()
    setup.configure(&config)
    let seen = Box<[UInt32]>([])
    let vm = try VirtualMachine(config: config, host: setup.host) {
      (vm, number) throws(RuntimeError) in
      seen.value.append(number)
      vm.writeRegister(10, vm.readRegister(10) + vm.readRegister(11) + vm.readRegister(5))
    }
    let source = """
      li a7, 64
      li t0, 100
      ecall
      li a7, 93
      ecall
      addi a0, a0, 1
      ret
      """
    try vm.loadProgram(try Toolchain.assemble(source), at: Harness.base)
    let r = try vm.callFunction(at: Harness.base, arguments: [1, 2])
    #expect(seen.value == [64, 93])
    #expect(r == 1 + 2 + 100 + 2 + 100 + 1)
  }

  @Test(arguments: Harness.setups)
  func handlerErrorStopsTheGuest(_ setup: Setup) throws {
    var config = Config()
    setup.configure(&config)
    let vm = try VirtualMachine(config: config, host: setup.host) { (vm, _) throws(RuntimeError) in
      throw .exited(status: Int32(vm.readRegister(10)))
    }
    try vm.loadProgram(try Toolchain.assemble("li a0, 3\necall\nli a0, 4\nret"), at: Harness.base)
    #expect(throws: RuntimeError.exited(status: 3)) {
      _ = try vm.callFunction(at: Harness.base)
    }
    #expect(vm.readRegister(10) == 3)
  }

  @Test(arguments: Harness.setups)
  func ebreakIsANoOpByDefault(_ setup: Setup) throws {
    let (r, _) = try Harness.call(setup, "ebreak\naddi a0, a0, 1\nret", [1])
    #expect(r == 2)
  }

  @Test(arguments: Harness.setups)
  func ebreakHaltsWhenConfigured(_ setup: Setup) throws {
    var config = Config()
    config.haltOnBreakpoint = true
    #expect(throws: RuntimeError.breakpoint(pc: 0x1004)) {
      _ = try Harness.call(setup, "nop\nebreak\nret", config: config)
    }
  }

  @Test(arguments: Harness.setups)
  func fencesDoNotChangeState(_ setup: Setup) throws {
    let (r, _) = try Harness.call(
      setup, "addi a0, a0, 1\nfence\nfence.i\naddi a0, a0, 1\nret", [5])
    #expect(r == 7)
  }

  /// A syscall handler calls back into the guest (nested callFunction); the
  /// outer registers are restored afterwards.
  @Test(arguments: Harness.setups)
  func nestedCalls(_ setup: Setup) throws {
    var config = Config()
    setup.configure(&config)
    let vm = try VirtualMachine(config: config, host: setup.host) { (vm, _) throws(RuntimeError) in
      let inner = try vm.callFunction(at: 0x1100, arguments: [vm.readRegister(10)])
      vm.writeRegister(10, inner)
    }
    try vm.loadProgram(try Toolchain.assemble("li t0, 7\necall\nadd a0, a0, t0\nret"), at: 0x1000)
    try vm.loadProgram(
      try Toolchain.assemble("li t0, 1000\nmul a0, a0, t0\nret", at: 0x1100), at: 0x1100)
    #expect(try vm.callFunction(at: 0x1000, arguments: [3]) == 3007)
  }

  /// Unbounded recursion through the handler ends in stackOverflow, not a crash.
  @Test(arguments: Harness.setups)
  func recursionThroughHandlerOverflows(_ setup: Setup) throws {
    var config = Config()
    setup.configure(&config)
    config.maxStackDepth = 50 * SpillStack.frameBytes
    let vm = try VirtualMachine(config: config, host: setup.host) { (vm, _) throws(RuntimeError) in
      _ = try vm.callFunction(at: 0x1000)
    }
    try vm.loadProgram(try Toolchain.assemble("ecall\nret"), at: 0x1000)
    #expect(throws: RuntimeError.stackOverflow(depth: 50)) {
      _ = try vm.callFunction(at: 0x1000)
    }
    // The VM is still usable afterwards.
    try vm.loadProgram(try Toolchain.assemble("li a0, 5\nret"), at: 0x1000)
    #expect(try vm.callFunction(at: 0x1000) == 5)
  }
}

/// A mutable box for handler closures in tests.
final class Box<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}
