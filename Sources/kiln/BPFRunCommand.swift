import ArgumentParser
import EBPF
import Foundation
import KilnPort

/// `kiln bpf run`: run an eBPF program and print r0.
struct BPFRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run an eBPF program and print r0.",
    discussion: """
      Prints r0 as an unsigned decimal number on stdout. The program gets the \
      memory of --mem or --mem-hex as its context (r1 = its address, r2 = its \
      length), or r1 = r2 = 0 without them. The data sections of an ELF object \
      (.rodata* read-only, .data and .bss writable) are accessible to it.

      \(BPFHelpers.help)
      """)

  @Option(
    help: """
      Execution engine: jit (the default) or interpreter.
      """)
  var engine: BPFEngine?

  @Option(name: .customLong("mem"), help: "A file whose bytes are the program's memory.")
  var memoryFile: String?

  @Option(name: .customLong("mem-hex"), help: "The program's memory as hex bytes (spaces allowed).")
  var memoryHex: String?

  @Flag(help: "Run without bounds checks (trusted programs only: a bad pointer crashes kiln).")
  var unchecked = false

  @Option(
    name: .customLong("max-instructions"),
    help: ArgumentHelp(
      "Instruction budget: stop with an error (status 134) after exactly N instructions (the same instruction on every engine).",
      valueName: "N"))
  var maxInstructions: UInt64?

  @Option(
    help: ArgumentHelp(
      "Stop the program after SECONDS of wall-clock time (status 124, as timeout(1)), at its next loop iteration or call.",
      valueName: "SECONDS"))
  var timeout: Double?

  @Option(
    name: .customLong("repeat"),
    help: """
      Run the program N times (1...1000000000; it is checked and compiled \
      once) and print, after r0, the mean time per run as \
      "duration (average): T ns, N runs". Each run sees the memory as the \
      run before left it, as in bpftool's `prog run … repeat N`.
      """)
  var repeatCount: Int?

  @OptionGroup var choice: BPFProgramChoice

  @OptionGroup var hostOptions: HostOptions

  @Flag(
    name: .short,
    help: "Print the eBPF listing to stderr before running (and the host code with --engine jit).")
  var verbose = false

  @Argument(help: "The program (.o, .s or raw .bin).")
  var program: String

  func validate() throws {
    if memoryFile != nil && memoryHex != nil {
      throw ValidationError("give either --mem or --mem-hex, not both")
    }
    if let memoryHex, bytesFromHex(memoryHex) == nil {
      throw ValidationError("--mem-hex needs pairs of hex digits, e.g. \"01 02 ff\"")
    }
    try Timeout.validate(timeout)
    if let repeatCount, !(1...1_000_000_000).contains(repeatCount) {
      throw ValidationError("--repeat must be between 1 and 1000000000, got \(repeatCount)")
    }
    if hostOptions.isExplicit && selectedEngine == .interpreter {
      throw ValidationError("--host and --emulate choose the JIT's port; not with the interpreter")
    }
  }

  var selectedEngine: BPFEngine { engine ?? .jit }

  func run() throws {
    let host: HostTarget? = selectedEngine == .jit ? try hostOptions.target() : nil
    let input = try BPFInput.load(
      program, function: choice.function, section: choice.section, memory: .for(host))
    var memory: [UInt8]? = nil
    if let memoryFile { memory = try readProgram(memoryFile, limit: InputLimit.bpf) }
    if let memoryHex { memory = bytesFromHex(memoryHex) }
    if verbose { writeStderr(input.listing) }
    let result: UInt64
    var elapsed: UInt64 = 0
    let interrupter = timeout.map { _ in Interrupter() }
    if let timeout, let interrupter {
      Timeout.arm(timeout) { interrupter.interrupt() }
    }
    do {
      result = try runBPF(
        engine: selectedEngine, host: host, program: input.program,
        helpers: BPFHelpers.table,
        options: ExecutionOptions(
          boundsChecks: !unchecked, instructionBudget: maxInstructions, interrupter: interrupter),
        memoryMap: input.memoryMap,
        memory: &memory, dumpHostCode: verbose, runs: repeatCount ?? 1,
        elapsedNanoseconds: { elapsed = $0 })
    } catch {
      report(error.exitStatus == KilnExit.loadFailure ? "\(program): \(error)" : error.description)
      throw ExitCode(error.exitStatus)
    }
    withExtendedLifetime(input.object) {}
    guard let repeatCount else { return try writeStdout("\(result)\n") }
    let mean = elapsed / UInt64(repeatCount)
    try writeStdout("\(result)\nduration (average): \(mean) ns, \(repeatCount) runs\n")
  }
}

/// `kiln bpf asm`: assemble bpf_conformance syntax.
struct BPFAsm: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "asm",
    abstract: "Assemble an eBPF program (bpf_conformance syntax).",
    discussion: """
      With -o, writes the raw little-endian instruction bytes to the file. \
      Without, prints one 64-bit instruction word per line as 0x%016x, the \
      `-- raw` form of the bpf_conformance suite.
      """)

  @Option(name: .short, help: "Write the raw instruction bytes to this file.")
  var output: String?

  @Argument(help: "The assembly source.")
  var source: String

  func run() throws {
    let text = String(decoding: try readProgram(source, limit: InputLimit.bpf), as: UTF8.self)
    let program: Program
    do {
      program = try Program(assembly: text)
    } catch {
      report("\(source): \(error)")
      throw ExitCode(KilnExit.loadFailure)
    }
    guard let output else {
      var text = ""
      for slot in program.slots {
        let hex = String(slot.word, radix: 16)
        text += "0x" + String(repeating: "0", count: 16 - hex.count) + hex + "\n"
      }
      try writeStdout(text)
      return
    }
    if let failure = writeFile(output, program.bytes) {
      report(failure.description)
      throw ExitCode(KilnExit.loadFailure)
    }
  }
}

/// `kiln bpf disasm`: list a program.
struct BPFDisasm: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "disasm",
    abstract: "Disassemble an eBPF program.",
    discussion: """
      Prints one line per instruction, `index: instruction` in the \
      bpf_conformance syntax. For an ELF object: the linked program, with a \
      line `name:` where each function starts and the data an `lddw` of a \
      global points to (its immediate is the host address of the loaded copy).
      """)

  @OptionGroup var choice: BPFProgramChoice

  @OptionGroup var hostOptions: HostOptions

  @Argument(help: "The program (.o, .bin or .s).")
  var program: String

  func run() throws {
    let input = try BPFInput.load(program, function: choice.function, section: choice.section)
    try writeStdout(input.listing)
  }
}
