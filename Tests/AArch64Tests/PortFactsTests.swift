import AArch64Port
import CCapstone
import CUnicorn
import KilnPort
import KilnTestSupport
import Testing

/// The AArch64 port's facts, checked against the C headers that define them
/// (Capstone's and Unicorn's enums, glibc's ucontext_t through the cross
/// compiler's offsetof) rather than against the port's own numbers.
@Suite struct PortFactsTests {
  let facts = AArch64Port.facts

  @Test func capstoneTargetIsARM64LittleEndian() {
    #expect(UInt32(facts.capstone.architecture) == CS_ARCH_ARM64.rawValue)
    #expect(UInt32(facts.capstone.mode) == CS_MODE_LITTLE_ENDIAN.rawValue)
  }

  @Test func unicornTargetIsARM64MaxWithAAPCS64Registers() {
    let u = facts.unicorn
    #expect(UInt32(u.architecture) == UC_ARCH_ARM64.rawValue)
    #expect(UInt32(u.mode) == UC_MODE_ARM.rawValue)
    #expect(u.cpuModel.map(UInt32.init) == UC_CPU_ARM64_MAX.rawValue)
    #expect(UInt32(u.pc) == UC_ARM64_REG_PC.rawValue)
    #expect(UInt32(u.stackPointer) == UC_ARM64_REG_SP.rawValue)
    let arguments = [
      UC_ARM64_REG_X0, UC_ARM64_REG_X1, UC_ARM64_REG_X2, UC_ARM64_REG_X3, UC_ARM64_REG_X4,
      UC_ARM64_REG_X5,
    ].map(\.rawValue)
    #expect(u.arguments.map(UInt32.init) == arguments)
    #expect(UInt32(u.result) == UC_ARM64_REG_X0.rawValue)
    #expect(u.returnAddress == .register(Int32(UC_ARM64_REG_X30.rawValue)))
  }

  @Test(
    .requires(
      CrossTools.available, "aarch64-linux-gnu-gcc and qemu-aarch64 build and run the probe"))
  func signalContextPCIsWhereGlibcKeepsPC() throws {
    let printed = try CrossTools.withProgram(["Tests/Fixtures/aarch64/ucontext_pc.c"]) {
      try CrossTools.emulate($0)
    }
    #expect(printed.status == 0)
    let offset = Int(printed.output.trimmingCharacters(in: .whitespacesAndNewlines))
    #expect(offset != nil)
    #expect(facts.signalContextPC == offset)
  }

  @Test func codeBufferStaysInBranchReach() {
    // Two points in a buffer of maxCodeSize bytes are at most that far
    // apart: inside the ±128 MiB of `b`.
    #expect(facts.maxCodeSize <= 128 << 20)
    #expect(facts.pointerBits == 64)
    #expect(facts.instructionCache == .flushAfterWrite)
  }

  @Test func registerMapHasOneRowPerRegisterAndFollowsTheHint() {
    #expect(facts.registerMap.count == 31)
    #expect(Set(facts.registerMap.map(\.host)).count == 31)
    let row = { (name: String) in facts.registerMap.first { $0.host == name }?.blocks }
    #expect(row("x19") == "pinned: register hint 0")
    #expect(row("x15") == "pinned: register hint 23, or the instruction budget left")
    #expect(row("x28") == "state pointer")
    #expect(row("x18") == "unused (platform register)")
    #expect(row("x16") == "scratch 0 (guest address)")
  }
}

/// The flat-memory SIGSEGV handler (`Sources/CKilnFault`) on AArch64: the
/// probe of `RuntimeTests/FaultHandlerTests`, cross-compiled and run under
/// qemu-aarch64 (which delivers guest signals with an AArch64 ucontext).
@Suite(
  .requires(
    CrossTools.available, "aarch64-linux-gnu-gcc and qemu-aarch64 build and run the fault probe"))
struct AArch64FaultHandlerTests {
  static func run(_ mode: String) throws -> (status: Int32?, signal: Int32?) {
    try CrossTools.withProgram(
      ["Sources/CKilnFault/fault.c", "Tests/Fixtures/fault/probe.c"],
      flags: [
        "-I", CrossTools.repositoryRoot.appendingPathComponent("Sources/CKilnFault/include").path,
      ]
    ) { program in
      let r = try CrossTools.emulate(program, [mode])
      return (r.status, r.signal)
    }
  }

  @Test func faultOutsideEveryRegionStillCrashes() throws {
    let r = try Self.run("outside")
    // qemu-user reports a guest killed by a signal by killing itself with it.
    #expect(r.signal == 11 || r.status == 128 + 11)
  }

  @Test func faultInARegionOutsideGeneratedCodeStillCrashes() throws {
    let r = try Self.run("inside")
    #expect(r.signal == 11 || r.status == 128 + 11)
  }

  @Test func previousHandlerRunsForFaultsThatAreNotOurs() throws {
    #expect(try Self.run("chain") == (42, nil))
  }

  @Test func firstTouchIsMappedAndOverQuotaGoesToRecovery() throws {
    #expect(try Self.run("map") == (7, nil))
  }
}
