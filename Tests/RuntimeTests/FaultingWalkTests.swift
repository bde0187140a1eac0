import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// Paged memory's faulting page walk (`PageWalk.faulting`): the matrix row
/// `jit[…]/paged+faulting` runs every memory, protection, budget and
/// self-modifying-code suite on it; these tests check that the row really
/// uses it, and that other rows fall back to the direct walk.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct FaultingWalkTests {
  static let faultingRows = Harness.jitSetups.filter { $0.pageWalk == .faulting }

  /// Where the SIGSEGV handler exists and the native port implements the
  /// walk, the matrix has the row, and its VMs use the walk.
  @Test func theMatrixHasAFaultingRowWhereItCanRun() throws {
    guard let native = Hosts.native, native.port.facts.faultingPageWalk,
      MemoryMode.flatAvailable
    else {
      #expect(Self.faultingRows.isEmpty)
      return
    }
    #expect(Self.faultingRows.count == 1)
    for setup in Self.faultingRows {
      let vm = try Harness.vm(setup, "lw a0, 0(a0)\nret")
      #expect(vm.pageWalk == .faulting, "\(setup)")
      // A first touch (a miss: fault, slow path, page mapped), then a hit.
      #expect(try vm.callFunction(at: Harness.base, arguments: [0x5000_0000]) == 0)
      try vm.writeMemory(at: 0x5000_0000, [1, 2, 3, 4])
      #expect(try vm.callFunction(at: Harness.base, arguments: [0x5000_0000]) == 0x0403_0201)
    }
  }

  /// Code in Unicorn, the interpreter, and flat memory do not use it.
  @Test(arguments: Harness.setups.filter { $0.pageWalk != .faulting })
  func otherRowsFallBack(_ setup: Setup) throws {
    var config = Config()
    config.pageWalk = .faulting
    var s = setup
    s.pageWalk = .faulting
    let vm = try s.makeVM(config: config)
    switch (setup.engine, setup.memory, setup.isEmulated) {
    case (.jit, .paged, true): #expect(vm.pageWalk == .direct, "\(setup)")
    case (.jit, .paged, false):
      #expect(
        vm.pageWalk == (setup.host?.port.facts.faultingPageWalk == true ? .faulting : .direct))
    default: #expect(vm.pageWalk == nil, "\(setup)")
    }
    // Only a VM whose generated code walks the tables reserves the 4 GiB
    // miss region; the interpreter never does.
    if setup.engine == .interpreter { #expect(vm.state.pagedReservation == nil, "\(setup)") }
  }

  /// Out of pages: a miss whose slow path cannot map the page reports the
  /// guest pc and address, as the interpreter does.
  @Test(arguments: faultingRows)
  func exhaustedQuotaIsAnError(_ setup: Setup) throws {
    var config = Config()
    config.maxMemoryPages = 4
    let source = """
      1: sw a1, 0(a0)
      add a0, a0, a2
      j 1b
      """
    let reference = try Harness.vm(
      Setup(engine: .interpreter, memory: .paged), source, config: config)
    let vm = try Harness.vm(setup, source, config: config)
    var expected: RuntimeError?
    do { _ = try reference.callFunction(at: Harness.base, arguments: [0x10_0000, 7, 4096]) } catch {
      expected = error
    }
    let error = try #require(expected)
    #expect(throws: error) {
      _ = try vm.callFunction(at: Harness.base, arguments: [0x10_0000, 7, 4096])
    }
  }
}
