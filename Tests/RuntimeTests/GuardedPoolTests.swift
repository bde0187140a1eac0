import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// The guarded page pool of the faulting page walk (`PagedMemory.slots`,
/// `PageTables.guardedPool`): generated loads have no alignment test, so a
/// load that straddles out of its page reads the next pool page (when that
/// holds the next guest page) or faults in the gap after its page's run into
/// its slow path, which recomputes the guest address. The oracle is the
/// interpreter, on the same program and the same order of first touches.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct GuardedPoolTests {
  static let faultingRows = Harness.jitSetups.filter { $0.pageWalk == .faulting }

  /// The guest pages the API touches first, in this order (so their pool
  /// slots: consecutive pages touched in order share a run).
  struct Layout: Sendable, CustomStringConvertible {
    let description: String
    let pages: [UInt32]
  }

  static let layouts: [Layout] = [
    Layout(description: "next page in the next slot", pages: [0x40, 0x41]),
    Layout(description: "next page touched first", pages: [0x41, 0x40]),
    Layout(description: "next page unmapped", pages: [0x40]),
    Layout(description: "another page in between", pages: [0x40, 0x90, 0x41]),
    Layout(description: "a run of three", pages: [0x3F, 0x40, 0x41]),
    Layout(description: "gap slot taken later", pages: [0x40, 0x42, 0x41]),
  ]

  /// Loads around the end of page 0x40 (a0 = 0x41000), through a pinned
  /// base, a register-file or cached base (s2..s4) and the load's own
  /// destination, folded into one checksum; twice, so the second pass finds
  /// the pages the first one mapped.
  static let straddlingLoads = """
      mv s2, a0
      mv s3, a0
      mv s4, a0
      li s5, 2
      li a1, 0
      li s6, 31
    1:
      lw t0, -3(a0)
      mul a1, a1, s6
      add a1, a1, t0
      lw t0, -2(s2)
      mul a1, a1, s6
      add a1, a1, t0
      lw t0, -1(s3)
      mul a1, a1, s6
      add a1, a1, t0
      lh t0, -1(s4)
      mul a1, a1, s6
      add a1, a1, t0
      lhu t0, -1(a0)
      mul a1, a1, s6
      add a1, a1, t0
      lw t0, -4(a0)
      mul a1, a1, s6
      add a1, a1, t0
      lw t0, 1(a0)
      mul a1, a1, s6
      add a1, a1, t0
      addi s5, s5, -1
      bnez s5, 1b
      addi a2, a0, -2
      lw a2, 0(a2)
      mul a1, a1, s6
      add a0, a1, a2
      ret
    """

  /// Loads through one base register in one block, the first walking and
  /// the others reusing its walk (`PageReuse`), up to 2 KiB below and above
  /// it: into the page below or above, a gap or the next pool page.
  static let reusedWalks = """
      li s6, 31
      lw a1, 0(a0)
      lw t0, -4(a0)
      mul a1, a1, s6
      add a1, a1, t0
      lw t0, 256(a0)
      mul a1, a1, s6
      add a1, a1, t0
      lhu t0, -2047(a0)
      mul a1, a1, s6
      add a1, a1, t0
      lw t0, 2044(a0)
      mul a1, a1, s6
      add a1, a1, t0
      lb t0, 2047(a0)
      lh t1, 17(a0)
      lw t2, 3(a0)
      mul a1, a1, s6
      add a1, a1, t0
      mul a1, a1, s6
      add a1, a1, t1
      mul a1, a1, s6
      add a0, a1, t2
      ret
    """

  /// Base addresses for `reusedWalks`: near the top and the bottom of page
  /// 0x40 or 0x41, and straddling.
  static let reuseBases: [UInt32] = [0x40F00, 0x41010, 0x40FFE, 0x407FF, 0x41800]

  @Test(arguments: faultingRows, layouts)
  func reusedWalksAgreeWithTheInterpreter(_ setup: Setup, _ layout: Layout) throws {
    for address in Self.reuseBases {
      let reference = try Harness.vm(Setup(engine: .interpreter, memory: .paged), Self.reusedWalks)
      try Self.fill(reference, layout)
      let vm = try Harness.vm(setup, Self.reusedWalks)
      try Self.fill(vm, layout)
      for _ in 0..<2 {  // first touches, then the pages mapped on the way
        let expected = try reference.callFunction(at: Harness.base, arguments: [address])
        let r = try vm.callFunction(at: Harness.base, arguments: [address])
        #expect(r == expected, "\(layout), a0 = \(address) on \(setup)")
      }
      #expect(vm.mappedPages == reference.mappedPages, "\(layout) on \(setup)")
    }
  }

  /// The reusing loads are really emitted: the region has fewer walks than
  /// loads (one `shr edx, 12`, bytes c1 ea 0c, per walk).
  @Test(arguments: faultingRows)
  func loadsReuseTheWalk(_ setup: Setup) throws {
    let code = Box<[[UInt8]]>([])
    let vm = try Harness.vm(setup, Self.reusedWalks)
    vm.onBlockCompiled = { code.value.append($0.hostCode) }
    _ = try vm.callFunction(at: Harness.base, arguments: [0x40F00])
    let bytes = try #require(code.value.first)
    var walks = 0
    for i in 0..<(bytes.count - 2) where bytes[i] == 0xC1 && bytes[i + 1] == 0xEA {
      if bytes[i + 2] == 0x0C { walks += 1 }
    }
    #expect(walks == 1, "\(walks) walks for 8 loads")
  }

  /// Writes distinct bytes to the layout's pages (first touches in order).
  static func fill(_ vm: VirtualMachine, _ layout: Layout) throws {
    for page in layout.pages {
      let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: Int(page) &* 7 &+ $0 &* 13 &+ 1) }
      try vm.writeMemory(at: page << 12, bytes)
    }
  }

  /// The faulting row uses the guarded pool and drops the loads' test.
  @Test(arguments: faultingRows)
  func theFaultingRowHasAGuardedPool(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "lw a0, 1(a0)\nret")
    let paged = try #require(vm.memory as? PagedMemory)
    #expect(paged.hasGuardedPool)
    #expect(vm.pageWalk == .faulting)
  }

  @Test(arguments: faultingRows, layouts)
  func straddlingLoadsAgreeWithTheInterpreter(_ setup: Setup, _ layout: Layout) throws {
    let reference = try Harness.vm(
      Setup(engine: .interpreter, memory: .paged), Self.straddlingLoads)
    try Self.fill(reference, layout)
    let expected = try reference.callFunction(at: Harness.base, arguments: [0x41000])
    let vm = try Harness.vm(setup, Self.straddlingLoads)
    try Self.fill(vm, layout)
    let r = try vm.callFunction(at: Harness.base, arguments: [0x41000])
    #expect(r == expected, "\(layout) on \(setup)")
    #expect(vm.mappedPages == reference.mappedPages, "\(layout) on \(setup)")
  }

  /// After `clearMemory` every slot is a gap again: a new order of first
  /// touches (the next page first) still reads the right bytes.
  @Test(arguments: faultingRows)
  func clearedPoolIsGuardedAgain(_ setup: Setup) throws {
    let source = Self.straddlingLoads
    let program = try Toolchain.assemble(source, at: Harness.base)
    let reference = try Harness.vm(Setup(engine: .interpreter, memory: .paged), source)
    let vm = try Harness.vm(setup, source)
    for layout in [Self.layouts[0], Self.layouts[1]] {
      for machine in [reference, vm] {
        machine.clearMemory()
        try machine.loadProgram(program, at: Harness.base)
        try Self.fill(machine, layout)
      }
      let expected = try reference.callFunction(at: Harness.base, arguments: [0x41000])
      #expect(try vm.callFunction(at: Harness.base, arguments: [0x41000]) == expected, "\(layout)")
    }
  }

  /// A load straddling out of the top page wraps to address 0 (as in the
  /// interpreter), and one into a guard page (never mapped) is the same
  /// error as on the direct walk's row, which tests the alignment instead
  /// (`guardPage` at the guard page's first byte on every engine:
  /// `GuardPageTests.faultsReportTheFirstUnreachableByte`).
  @Test(arguments: faultingRows)
  func wrapAndGuardPage(_ setup: Setup) throws {
    let source = "lw a0, 0(a0)\nret"
    let reference = try Harness.vm(Setup(engine: .interpreter, memory: .paged), source)
    var direct = setup
    direct.pageWalk = .direct
    let tested = try Harness.vm(direct, source)
    let vm = try Harness.vm(setup, source)
    for machine in [reference, tested, vm] {
      try machine.writeMemory(at: 0xFFFF_F000, [UInt8](repeating: 0xA5, count: 4096))
      try machine.writeMemory(at: 0, [1, 2, 3, 4])
      machine.guardPages = 0x51..<0x52
      try machine.writeMemory(at: 0x50000, [UInt8](repeating: 0x5A, count: 4096))
    }
    #expect(tested.pageWalk == .direct)
    for address: UInt32 in [0xFFFF_FFFE, 0xFFFF_FFFD] {
      let expected = try reference.callFunction(at: Harness.base, arguments: [address])
      #expect(try vm.callFunction(at: Harness.base, arguments: [address]) == expected)
    }
    var expected: RuntimeError?
    do { _ = try tested.callFunction(at: Harness.base, arguments: [0x50FFE]) } catch {
      expected = error
    }
    let error = try #require(expected)
    #expect(throws: error) { _ = try vm.callFunction(at: Harness.base, arguments: [0x50FFE]) }
  }
}
