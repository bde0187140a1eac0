import KilnHosts
import LinuxUser
import Runtime
import Testing

/// Hand-built programs loaded and run in-process through the LinuxUser API.
@Suite("Linux process (in-process)")
struct LinuxProcessTests {
  func config(_ setup: RunSetup, pages: Int = 1024) -> Config {
    var c = Config()
    setup.configure(&c)
    c.maxMemoryPages = pages
    return c
  }

  @Test(arguments: RunSetup.all)
  func exitStatusIsReturned(setup: RunSetup) throws {
    let elf = ELFBuilder.program(RV.exit(42)).bytes()
    let p = try LinuxProcess(
      executable: elf, config: config(setup), host: setup.host,
      options: LinuxOptions(arguments: ["p"]))
    #expect(try p.run() == 42)
    #expect(p.syscalls.exitStatus == 42)
  }

  @Test(arguments: RunSetup.all)
  func startupRegistersAndStack(setup: RunSetup) throws {
    // a0 = *sp (argc); then exit(a0 + 100*(sp % 16 == 0 ? 1 : 0))
    let words: [UInt32] = [
      0x0001_2503,  // lw a0, 0(sp)
      0x00F1_7293,  // andi t0, sp, 15
      0x0002_9463,  // bnez t0, +8
      RV.addi(RV.a0, RV.a0, 100),
      RV.addi(RV.a7, 0, 93),
      RV.ecall,
    ]
    let elf = ELFBuilder.program(words).bytes()
    let p = try LinuxProcess(
      executable: elf, config: config(setup), host: setup.host,
      options: LinuxOptions(arguments: ["prog", "a", "b"], environment: ["K=V"]))
    #expect(p.initialStack.stackPointer % 16 == 0)
    #expect(p.initialStack.stackPointer < AddressSpace.stackTop)
    #expect(p.syscalls.brk == 0x11000)  // page after the segment end (0x1010c + …)
    #expect(try p.run() == 103)
  }

  @Test(arguments: RunSetup.all)
  func illegalInstructionIsATypedError(setup: RunSetup) throws {
    let elf = ELFBuilder.program([RV.addi(RV.a0, 0, 1), 0x0000_0000]).bytes()
    let p = try LinuxProcess(
      executable: elf, config: config(setup), host: setup.host,
      options: LinuxOptions(arguments: ["p"]))
    #expect(throws: LinuxError.runtime(.illegalInstruction(pc: 0x10104, word: 0))) { try p.run() }
  }

  @Test(arguments: RunSetup.all)
  func jumpOutsideMemoryIsATypedError(setup: RunSetup) throws {
    // jalr zero, 0(zero) with a0 = 0x7000_0000: lui a0, 0x70000; jalr zero, 0(a0)
    let elf = ELFBuilder.program([0x7000_0537, 0x0005_0067]).bytes()
    let p = try LinuxProcess(
      executable: elf, config: config(setup), host: setup.host,
      options: LinuxOptions(arguments: ["p"]))
    #expect(throws: LinuxError.runtime(.executionOutsideMemory(pc: 0x7000_0000))) { try p.run() }
  }

  @Test func segmentsLargerThanGuestMemoryAreRefused() {
    let elf = ELFBuilder.program(RV.exit(0), extraMemory: 8 << 20).bytes()
    #expect(throws: LinuxError.elf(.tooLarge(bytes: 0x801000, limit: 4 << 20))) {
      try LinuxProcess(
        executable: elf,
        config: config(RunSetup(engine: .interpreter, memory: .paged), pages: 1024), host: nil,
        options: LinuxOptions(arguments: []))
    }
  }

  @Test func badConfigIsAVMError() {
    let elf = ELFBuilder.program(RV.exit(0)).bytes()
    var c = Config()
    c.maxCodeSize = 1
    #expect(throws: LinuxError.vm(.invalidMaxCodeSize(1, limit: 1 << 30))) {
      try LinuxProcess(
        executable: elf, config: c, host: Hosts.native, options: LinuxOptions(arguments: []))
    }
  }

  @Test func oversizedArgumentsAreATypedError() {
    let elf = ELFBuilder.program(RV.exit(0)).bytes()
    let huge = [String](repeating: String(repeating: "z", count: 1 << 20), count: 3)
    #expect {
      try LinuxProcess(
        executable: elf, config: config(RunSetup(engine: .interpreter, memory: .paged)), host: nil,
        options: LinuxOptions(arguments: huge))
    } throws: { error in
      guard case .argumentsTooLong = error as? LinuxError else { return false }
      return true
    }
  }

  @Test(arguments: RunSetup.all)
  func unsupportedSyscallReturnsENOSYS(setup: RunSetup) throws {
    // a7 = 500; ecall; exit(-a0)  → 38
    let words: [UInt32] = [
      RV.addi(RV.a7, 0, 500), RV.ecall,
      0x40A0_0533,  // sub a0, zero, a0
      RV.addi(RV.a7, 0, 93), RV.ecall,
    ]
    let lines = LineSink()
    let p = try LinuxProcess(
      executable: ELFBuilder.program(words).bytes(), config: config(setup), host: setup.host,
      options: LinuxOptions(arguments: ["p"], syscalls: .init(log: { lines.append($0) })))
    #expect(try p.run() == 38)
    #expect(lines.lines == ["unsupported syscall 500"])
  }
}
