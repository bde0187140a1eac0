import ArgumentParser
import KilnHosts
import KilnPort
import LinuxUser
import RV32
import Runtime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Engine: ExpressibleByArgument {}
extension MemoryMode: ExpressibleByArgument {}
extension PageWalk: ExpressibleByArgument {}

extension Kiln {
  /// `kiln run`: load a static RV32 Linux executable and run it.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a static RV32IM Linux executable.",
      discussion: """
        The guest's stdin, stdout and stderr are kiln's; kiln exits with the \
        guest's exit status. Diagnostics go to stderr as one `kiln: ...` line. \
        --max-instructions stops the guest after exactly N instructions on \
        every engine (status 134, the pc of the next instruction in the \
        message); --timeout stops it at the next block boundary after \
        SECONDS (status 124, as timeout(1)).
        """)

    @Option(
      help:
        "Execution engine: jit or interpreter (default: jit, or the interpreter where Kiln has no port for this machine and no --host is given)."
    )
    var engine: Engine?

    @OptionGroup var hostOptions: HostOptions

    @Option(
      help:
        "Guest memory: flat (reserved address space, one host instruction per access; Linux) or paged (the spec's page table). Default: flat for native code where available, else paged."
    )
    var memory: MemoryMode?

    @Option(
      name: .customLong("page-walk"),
      help:
        "Paged memory's inline page walk: page-table (the spec's), direct (a direct table of host biases), or faulting (direct, and a miss faults into reserved address space; native x86-64 on Linux, else direct). Default: faulting."
    )
    var pageWalk: PageWalk = .faulting

    @Option(
      name: .customLong("compile-threshold"),
      help: ArgumentHelp(
        "Run each block N times in the interpreter before compiling it (tiered compilation; 0 compiles every block before its first run; ignored with --max-instructions or --timeout). Default: 1 natively (code that runs once is never compiled), 0 when the generated code runs in an emulator (--emulate or a --host of another architecture), where running the port's code is the point.",
        valueName: "N"))
    var compileThreshold: Int?

    @Option(
      name: .customLong("max-instructions"),
      help: ArgumentHelp(
        "Stop the guest after exactly N guest instructions (any engine; status 134).",
        valueName: "N"))
    var maxInstructions: UInt64?

    @Option(
      help: ArgumentHelp(
        "Stop the guest after SECONDS of wall-clock time (status 124).", valueName: "SECONDS"))
    var timeout: Double?

    @Flag(help: "Print JIT statistics to stderr when the guest ends.")
    var stats = false

    @Flag(
      name: .short,
      help:
        "Verbose: -v dumps each compiled block (guest and host code) and unsupported syscalls; -vv also traces every syscall."
    )
    var verbose: Int

    @Option(name: .customLong("max-memory"), help: "Guest memory in MiB (1...256).")
    var maxMemory: Int = 64

    @Option(
      name: .customLong("code-size"),
      help:
        "JIT code buffer in MiB (1...1024, at most the port's branch reach: 1024 on x86-64, 128 on AArch64; default 128). A full buffer is flushed and code recompiled."
    )
    var codeSize: Int?

    @Flag(
      name: .customLong("perf-map"), help: "Write /tmp/perf-<pid>.map so perf can name JIT code.")
    var perfMap = false

    @Argument(help: "The program (a static RV32 ELF executable).")
    var program: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments passed to the program.")
    var arguments: [String] = []

    func validate() throws {
      guard (1...256).contains(maxMemory) else {
        throw ValidationError("--max-memory must be between 1 and 256 MiB, got \(maxMemory)")
      }
      try Timeout.validate(timeout)
      if let codeSize, !(1...1024).contains(codeSize) {
        throw ValidationError("--code-size must be between 1 and 1024 MiB, got \(codeSize)")
      }
      if hostOptions.isExplicit && engine == .interpreter {
        throw ValidationError(
          "--host and --emulate choose the JIT's port; not with the interpreter")
      }
    }

    /// The engine: as given, else the JIT where there is a port to use.
    var selectedEngine: Engine {
      engine ?? (hostOptions.isExplicit ? .jit : .hostDefault)
    }

    /// The memory mode: as given, else flat for native code where available
    /// (in Unicorn flat memory needs exact fault pcs, which cost a code hook
    /// on every instruction, so emulated code defaults to paged).
    func selectedMemory(emulated: Bool) -> MemoryMode {
      memory ?? (emulated ? .paged : .hostDefault)
    }

    /// The tiering threshold: as given, else 1 for native code and 0 when the
    /// generated code runs in an emulator.
    func selectedCompileThreshold(emulated: Bool) -> Int {
      compileThreshold ?? (emulated ? 0 : 1)
    }

    func run() throws {
      let bytes = try readProgram(program, limit: InputLimit.executable)

      let host: HostTarget? =
        selectedEngine == .jit ? try hostOptions.target(countInstructions: stats) : nil
      var config = Config()
      config.engine = selectedEngine
      config.memoryMode = selectedMemory(emulated: host?.emulated ?? false)
      config.pageWalk = pageWalk
      config.compileThreshold = selectedCompileThreshold(emulated: host?.emulated ?? false)
      config.maxMemoryPages = maxMemory * 256
      config.instructionBudget = maxInstructions
      config.interruptible = timeout != nil
      if let codeSize { config.maxCodeSize = codeSize << 20 }

      var syscallOptions = LinuxSyscalls.Options()
      if verbose >= 1 { syscallOptions.log = { report($0) } }
      if verbose >= 2 { syscallOptions.trace = { writeStderr("kiln: trace: \($0)\n") } }
      let options = LinuxOptions(
        arguments: [program] + arguments, environment: hostEnvironment(), syscalls: syscallOptions)

      let process: LinuxProcess
      do {
        process = try LinuxProcess(executable: bytes, config: config, host: host, options: options)
      } catch {
        report("\(program): \(error)")
        throw ExitCode(KilnExit.loadFailure)
      }

      let observer = BlockObserver(
        verbose: verbose >= 1, perfMap: perfMap,
        capstone: host?.port.facts.capstone)
      if observer.isActive { process.vm.onBlockCompiled = { observer.blockCompiled($0) } }

      if let timeout, let interrupter = process.vm.interrupter {
        Timeout.arm(timeout) { interrupter.interrupt() }
      }
      let status: Int32
      do {
        status = try process.run()
      } catch {
        printStatistics(process.vm, config: config)
        if case .runtime(let e) = error {
          report(e.description)
          throw ExitCode(KilnExit.status(for: e))
        }
        report(error.description)
        throw ExitCode(KilnExit.status(for: .internalError(error.description)))
      }
      printStatistics(process.vm, config: config)
      throw ExitCode(status)
    }

    /// `ns` as milliseconds with three decimals.
    private func milliseconds(_ ns: UInt64) -> String {
      let ms = Double(ns) / 1e6
      return String(Int(ms)) + "." + String(Int(ms * 1000) % 1000 + 1000).dropFirst()
    }

    private func printStatistics(_ vm: VirtualMachine, config: Config) {
      guard stats else { return }
      let s = vm.statistics
      let ms = Double(s.compileNanoseconds) / 1e6
      let msText = String(Int(ms)) + "." + String(Int(ms * 1000) % 1000 + 1000).dropFirst()
      let port = vm.host.map { " on \($0.description)" } ?? ""
      let walk = vm.pageWalk.map { ", \($0.rawValue) page walk" } ?? ""
      var text = """
        kiln: engine \(config.engine.rawValue)\(port), \(config.memoryMode.rawValue) memory\(walk)
        kiln: blocks compiled: \(s.blocksCompiled)
        kiln: guest instructions translated: \(s.guestInstructionsTranslated)
        kiln: host code bytes: \(s.hostBytesEmitted)
        kiln: compile time: \(msText) ms
        kiln: code generation time: \(milliseconds(s.codeGenerationNanoseconds)) ms
        kiln: cache flushes: \(s.cacheFlushes)
        kiln: dispatcher exits: \(s.dispatcherExits) (jumps chained: \(s.chainedJumps))
        kiln: blocks interpreted before compiling: \(s.blocksInterpreted) (\(s.guestInstructionsInterpreted) guest instructions)

        """
      if let executed = s.hostInstructionsExecuted {
        text += "kiln: host instructions executed: \(executed)\n"
      }
      if let executed = s.guestInstructionsExecuted {
        text += "kiln: guest instructions executed: \(executed)\n"
      }
      writeStderr(text)
    }
  }
}

/// Receives compiled blocks: dumps them under -v, records them in the perf map.
final class BlockObserver {
  let verbose: Bool
  let disassembler: HostDisassembler?
  private var perfFile: UnsafeMutablePointer<FILE>?

  var isActive: Bool { verbose || perfFile != nil }

  init(verbose: Bool, perfMap: Bool, capstone: CapstoneTarget?) {
    self.verbose = verbose
    disassembler = verbose ? capstone.map { HostDisassembler($0) } : nil
    if perfMap {
      let path = "/tmp/perf-\(getpid()).map"
      perfFile = fopen(path, "w")
      if perfFile == nil { report("cannot write \(path): \(errnoText())") }
    }
  }

  deinit {
    if let perfFile { fclose(perfFile) }
  }

  func blockCompiled(_ block: CompiledBlockInfo) {
    if let perfFile {
      let line =
        "\(hexAddress(block.hostAddress)) \(hexAddress(UInt(block.hostCode.count))) kiln:0x\(hex8(block.startPC))\n"
      fputs(line, perfFile)
      fflush(perfFile)
    }
    guard verbose, let disassembler else { return }
    var text =
      "kiln: block 0x\(hex8(block.startPC)): \(block.guestWords.count) guest instructions -> \(block.hostCode.count) host bytes at 0x\(hexAddress(block.hostAddress))\n"
    for (i, word) in block.guestWords.enumerated() {
      let pc = i < block.guestPCs.count ? block.guestPCs[i] : block.startPC &+ UInt32(i * 4)
      text += "  \(hex8(pc)): \(hex8(word))  \(disassemble(word, pc: pc))\n"
    }
    text += "  --\n"
    for line in disassembler.lines(block.hostCode, address: block.hostAddress) {
      text += line + "\n"
    }
    writeStderr(text)
  }
}
