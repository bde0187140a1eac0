import EBPF
import Testing

/// Bounds checks, regions, packet loads, calls and budgets.
@Suite struct MemoryTests {
  @Test(arguments: Engine.allCases) func contextPointerAndLength(_ engine: Engine) throws {
    #expect(try run("mov %r0, %r2\nexit", memory: [1, 2, 3], engine: engine) == 3)
    #expect(try run("mov %r0, %r1\nor %r0, %r2\nexit", engine: engine) == 0)
    #expect(
      try run("ldxh %r0, [%r1+1]\nexit", memory: [0x11, 0x22, 0x33], engine: engine) == 0x3322)
  }

  @Test func staticRun() throws {
    var memory: [UInt8] = [5, 0, 0, 0]
    let program = try Program(assembly: "ldxw %r0, [%r1]\nadd %r0, %r2\nexit")
    #expect(try Interpreter.run(program, memory: &memory) == 9)
  }

  @Test(arguments: Engine.allCases) func storesReachTheCaller(_ engine: Engine) throws {
    let vm = try makeVM(engine, "stw [%r1+0], 0x11223344\nexit")
    var memory: [UInt8] = [0, 0, 0, 0, 9]
    _ = try vm.run(memory: &memory)
    #expect(memory == [0x44, 0x33, 0x22, 0x11, 9])
  }

  @Test(arguments: Engine.allCases) func outOfBoundsLoadNamesIndexAndAddress(_ engine: Engine)
    throws
  {
    let vm = try makeVM(engine, "mov %r0, 0\nldxw %r0, [%r1+2]\nexit")
    let buffer = try lowBuffer(5)
    defer { freeLowBuffer(buffer) }
    let base = UInt64(UInt(bitPattern: buffer.baseAddress!))
    #expect(
      error { () throws(EBPFError) in try vm.run(context: buffer) }
        == .outOfBounds(index: 1, address: base + 2, size: 4, isWrite: false))
    // One byte less is in bounds.
    let ok = try makeVM(engine, "ldxw %r0, [%r1+1]\nexit")
    #expect(try ok.run(context: buffer) == 0)
  }

  @Test(arguments: Engine.allCases) func outOfBoundsStoreWithoutMemory(_ engine: Engine) {
    #expect(
      error { () throws(EBPFError) in
        try run("mov %r1, 0x100\nstb [%r1+0], 1\nexit", engine: engine)
      }
        == .outOfBounds(index: 1, address: 0x100, size: 1, isWrite: true))
    #expect(
      error { () throws(EBPFError) in
        try run("mov %r0, 0\nldxdw %r0, [%r1+0]\nexit", engine: engine)
      }
        == .outOfBounds(index: 1, address: 0, size: 8, isWrite: false))
  }

  @Test(arguments: Engine.allCases) func stackEdges(_ engine: Engine) throws {
    // The top 8 bytes of the frame are fine, one past the top is not.
    #expect(try run("stdw [%r10-8], 7\nldxdw %r0, [%r10-8]\nexit", engine: engine) == 7)
    let past = error { () throws(EBPFError) in try run("stb [%r10+0], 1\nexit", engine: engine) }
    guard case .outOfBounds(0, _, 1, true)? = past else {
      Issue.record("\(String(describing: past))")
      return
    }
    // Below the whole stack (8 frames of 512 bytes).
    let below = error { () throws(EBPFError) in
      try run("ldxb %r0, [%r10-4097]\nexit", engine: engine)
    }
    guard case .outOfBounds(0, _, 1, false)? = below else {
      Issue.record("\(String(describing: below))")
      return
    }
    #expect(try run("ldxb %r0, [%r10-4096]\nexit", engine: engine) == 0)
  }

  @Test(arguments: Engine.allCases) func atomicsAreBoundsChecked(_ engine: Engine) {
    #expect(
      error { () throws(EBPFError) in
        try run("mov %r2, 16\nlock add [%r2+0], %r1\nexit", engine: engine)
      }
        == .outOfBounds(index: 1, address: 16, size: 8, isWrite: true))
    #expect(
      error { () throws(EBPFError) in
        try run("mov %r2, 16\nlock xchg32 [%r2-4], %r1\nexit", engine: engine)
      }
        == .outOfBounds(index: 1, address: 12, size: 4, isWrite: true))
  }

  @Test(arguments: Engine.allCases) func hostRegions(_ engine: Engine) throws {
    let buffer = try lowBuffer(16)
    defer { freeLowBuffer(buffer) }
    buffer.initializeMemory(as: UInt8.self, repeating: 0xAB)
    let base = UInt64(UInt(bitPattern: buffer.baseAddress!))
    var helpers = HelperTable.conformance
    helpers.register(1) { _, _, _, _, _ in base }  // returns a pointer into the region
    let source = "call 1\nldxb %r0, [%r0+15]\nexit"

    var readOnly = MemoryMap()
    readOnly.addRegion(base: base, length: 16, writable: false)
    #expect(try run(source, helpers: helpers, map: readOnly, engine: engine) == 0xAB)
    #expect(
      error { () throws(EBPFError) in
        try run("call 1\nstb [%r0+0], 1\nexit", helpers: helpers, map: readOnly, engine: engine)
      } == .outOfBounds(index: 1, address: base, size: 1, isWrite: true))
    #expect(
      error { () throws(EBPFError) in
        try run("call 1\nldxb %r0, [%r0+16]\nexit", helpers: helpers, map: readOnly, engine: engine)
      } == .outOfBounds(index: 1, address: base + 16, size: 1, isWrite: false))

    var writable = MemoryMap()
    writable.addRegion(UnsafeRawBufferPointer(buffer), writable: true)
    #expect(
      try run(
        "call 1\nstb [%r0+3], 7\nldxb %r0, [%r0+3]\nexit", helpers: helpers, map: writable,
        engine: engine)
        == 7)
    // Without the region the same access is refused.
    #expect(
      error { () throws(EBPFError) in try run(source, helpers: helpers, engine: engine) }
        == .outOfBounds(index: 1, address: base + 15, size: 1, isWrite: false))
  }

  @Test(arguments: Engine.allCases) func uncheckedModeSkipsTheChecks(_ engine: Engine) throws {
    let buffer = try lowBuffer(8)
    defer { freeLowBuffer(buffer) }
    buffer.storeBytes(of: UInt64(0x0102_0304_0506_0708).littleEndian, as: UInt64.self)
    let base = UInt64(UInt(bitPattern: buffer.baseAddress!))
    let source = "lddw %r1, 0x\(String(base, radix: 16))\nldxdw %r0, [%r1]\nexit"
    #expect(try run(source, options: .unchecked, engine: engine) == 0x0102_0304_0506_0708)
    #expect(
      error { () throws(EBPFError) in try run(source, engine: engine) }
        == .outOfBounds(index: 2, address: base, size: 8, isWrite: false))
  }

  @Test(arguments: Engine.allCases) func packetLoads(_ engine: Engine) throws {
    let packet: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99]
    #expect(try run("ldabsb 1\nexit", memory: packet, engine: engine) == 0x22)
    #expect(try run("ldabsh 1\nexit", memory: packet, engine: engine) == 0x2233)
    #expect(try run("ldabsw 0\nexit", memory: packet, engine: engine) == 0x1122_3344)
    #expect(try run("ldabsdw 1\nexit", memory: packet, engine: engine) == 0x2233_4455_6677_8899)
    #expect(try run("mov %r3, 2\nldindh %r3, 3\nexit", memory: packet, engine: engine) == 0x6677)
    #expect(
      error { () throws(EBPFError) in try run("ldabsw 6\nexit", memory: packet, engine: engine) }
        == .packetOutOfBounds(index: 0, offset: 6, size: 4, length: 9))
    #expect(
      error { () throws(EBPFError) in
        try run("mov %r3, -1\nldindb %r3, 0\nexit", memory: packet, engine: engine)
      }
        == .packetOutOfBounds(index: 1, offset: ~0, size: 1, length: 9))
    #expect(
      error { () throws(EBPFError) in try run("ldabsb 0\nexit", engine: engine) }
        == .packetOutOfBounds(index: 0, offset: 0, size: 1, length: 0))
  }

  /// A program whose code is larger than the ±1 MiB reach of AArch64's
  /// conditional branches: every check jumps far to its failure path (the
  /// assembler places branch islands), and the last one fails.
  @Test(arguments: Engine.allCases) func farFailurePaths(_ engine: Engine) throws {
    let count = 15_000
    var lines = ["mov %r7, 0", "mov %r8, %r1"]
    for i in 0..<count {
      lines.append("ldabsb \(i % 9)")
      lines.append("ldxb %r9, [%r8+\(i % 9)]")
      lines.append("add %r7, %r9")
      lines.append("add %r7, %r0")
    }
    let packet: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    let sum = (0..<count).reduce(UInt64(0)) { $0 + 2 * UInt64(packet[$1 % 9]) }
    let ok = (lines + ["mov %r0, %r7", "exit"]).joined(separator: "\n")
    #expect(try run(ok, memory: packet, engine: engine) == sum)
    let failing = (lines + ["ldabsw 6", "exit"]).joined(separator: "\n")
    #expect(
      error { () throws(EBPFError) in try run(failing, memory: packet, engine: engine) }
        == .packetOutOfBounds(index: 2 + 4 * count, offset: 6, size: 4, length: 9))
  }

  @Test(arguments: Engine.allCases) func localCallsGetFreshFramesAndRestoreCalleeSaved(
    _ engine: Engine
  ) throws {
    let source = """
      mov %r6, 6
      stdw [%r10-8], 1
      mov %r1, %r10
      call local func
      ldxdw %r0, [%r10-8]
      add %r0, %r6
      exit
      func:
      stdw [%r10-8], 100
      mov %r6, 0
      ldxdw %r2, [%r1-8]
      add %r2, 10
      stxdw [%r1-8], %r2
      exit
      """
    // Caller's slot 1 + 10 (through the pointer) = 11; r6 restored = 6.
    #expect(try run(source, engine: engine) == 17)
  }

  @Test(arguments: Engine.allCases) func callDepthLimit(_ engine: Engine) throws {
    let e = error { () throws(EBPFError) in try run("call local -1\nexit", engine: engine) }
    #expect(e == .callDepthExceeded(index: 0, limit: 8))
    // Depth 8 = main + 7 nested calls is allowed.
    var nested = ""
    for _ in 0..<7 { nested += "call local +0\n" }
    #expect(try run("mov %r0, 3\n" + nested + "exit", engine: engine) == 3)
    #expect(
      error { () throws(EBPFError) in
        try run("mov %r0, 3\n" + nested + "call local +0\nexit", engine: engine)
      }
        == .callDepthExceeded(index: 8, limit: 8))
    // The limit is an option.
    #expect(
      error { () throws(EBPFError) in
        try run(
          "mov %r0, 3\ncall local +0\nexit", options: ExecutionOptions(maxCallDepth: 1),
          engine: engine)
      } == .callDepthExceeded(index: 1, limit: 1))
  }

  @Test(arguments: Engine.allCases) func helpersGetFiveArguments(_ engine: Engine) throws {
    var helpers = HelperTable()
    helpers.register(9) { a, b, c, d, e in a &* 10_000 &+ b &* 1000 &+ c &* 100 &+ d &* 10 &+ e }
    let source = "mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 9\nexit"
    #expect(try run(source, helpers: helpers, engine: engine) == 12345)
    #expect(HelperTable.conformance.ids == [5])
  }

  @Test(arguments: Engine.allCases) func callxUnknownHelperAtRunTime(_ engine: Engine) {
    #expect(
      error { () throws(EBPFError) in try run("mov %r2, 6\ncall %r2\nexit", engine: engine) }
        == .unknownHelper(index: 1, id: 6))
    #expect(
      error { () throws(EBPFError) in try run("mov %r2, -1\ncall %r2\nexit", engine: engine) }
        == .unknownHelper(index: 1, id: ~0))
  }

  @Test func instructionBudget() {
    #expect(
      error { () throws(EBPFError) in
        try run("ja -1", options: ExecutionOptions(instructionBudget: 1000))
      } == .instructionBudgetExhausted(index: 0, executed: 1000))
  }
}
