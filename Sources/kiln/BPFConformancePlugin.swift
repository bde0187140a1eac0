import ArgumentParser
import EBPF
import EBPFObject
import KilnHosts
import KilnPort

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `kiln bpf conformance-plugin`: the plugin protocol of bpf_conformance's
/// runner (`../shared/bpf_conformance/README.md`):
///
///     kiln bpf conformance-plugin [MEMORY] [--engine E] [--host ARCH] [--emulate]
///                                 [--unchecked] [--elf] [--max-instructions N]  < program-hex
///
/// * MEMORY (optional, first): the context as hex bytes ("00  01  ");
/// * stdin: the program as hex bytes, or with `--elf` the hex of an ELF
///   object whose `main` is the program;
/// * success: r0 in hex on stdout, exit 0; failure: the message on stdout
///   (the runner compares it with the test's `-- error`) and stderr, exit 1.
///
/// The runner passes its `--plugin_options` after the memory, sometimes as one
/// argument ("--engine jit"), so the arguments are split on whitespace and
/// parsed here rather than by ArgumentParser.
struct BPFConformancePlugin: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conformance-plugin",
    abstract: "Run one program for the bpf_conformance runner (its plugin protocol).",
    discussion: """
      Arguments: [MEMORY] [--engine jit|interpreter] [--host ARCH] [--emulate] \
      [--unchecked] [--elf] [--max-instructions N] (jit is the default; --host \
      picks the JIT's port, --emulate runs it in Unicorn; --max-instructions \
      gives the program an instruction budget on any engine, so that an \
      endless loop such as `ja -1` ends with an error instead of hanging). \
      MEMORY is the context as hex bytes, left out when the test has none; the \
      program arrives on stdin as hex bytes (with --elf: the hex of an ELF \
      object with a function main). Prints r0 in hex and exits 0, or prints \
      the error and exits 1. Helper 5 returns its first argument. Point the \
      runner at Scripts/kiln-bpf-plugin, which runs this command.
      """)

  @Argument(
    parsing: .captureForPassthrough,
    help:
      "[MEMORY] [--engine E] [--host ARCH] [--emulate] [--unchecked] [--elf] [--max-instructions N]"
  )
  var arguments: [String] = []

  struct Settings {
    var memory: [UInt8]? = nil
    var engine = BPFEngine.jit
    var elf = false
    var unchecked = false
    var host: String? = nil
    var emulate = false
    var maxInstructions: UInt64? = nil

    /// The JIT's host, or nil for the interpreter.
    func target() throws(ValidationError) -> HostTarget? {
      guard engine == .jit else { return nil }
      do { return try Hosts.target(architecture: host, emulate: emulate) } catch {
        throw ValidationError(error.description)
      }
    }
  }

  /// Parses the runner's arguments.
  static func settings(_ arguments: [String]) throws(ValidationError) -> Settings {
    var s = Settings()
    var sawMemory = false
    var words: [Substring] = []
    for (i, argument) in arguments.enumerated() {
      // The memory: the first argument, if it is hex (it may be empty).
      if i == 0, !argument.hasPrefix("-"), let bytes = bytesFromHex(argument) {
        s.memory = bytes.isEmpty ? nil : bytes
        sawMemory = true
        continue
      }
      words += argument.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }
    var k = 0
    while k < words.count {
      let word = words[k]
      k += 1
      switch word {
      case "--elf": s.elf = true
      case "--unchecked": s.unchecked = true
      case "--emulate": s.emulate = true
      case "--host":
        guard k < words.count else { throw ValidationError("--host needs an architecture") }
        s.host = String(words[k])
        k += 1
      case "--max-instructions":
        guard k < words.count, let n = UInt64(words[k]) else {
          throw ValidationError("--max-instructions needs a number of instructions")
        }
        s.maxInstructions = n
        k += 1
      case "--engine":
        guard k < words.count, let e = BPFEngine(rawValue: String(words[k])) else {
          throw ValidationError("--engine needs one of: interpreter, jit")
        }
        s.engine = e
        k += 1
      default:
        if word.hasPrefix("--engine="), let e = BPFEngine(rawValue: String(word.dropFirst(9))) {
          s.engine = e
        } else {
          let what = sawMemory || word.hasPrefix("-") ? "unknown option" : "memory is not hex bytes"
          throw ValidationError("\(what): \(word)")
        }
      }
    }
    return s
  }

  func validate() throws {
    if arguments.contains("--help") || arguments.contains("-h") {
      throw CleanExit.helpRequest(self)
    }
    _ = try Self.settings(arguments).target()
  }

  func run() throws {
    let s = try Self.settings(arguments)
    let r0: UInt64
    do throws(PluginFailure) {
      guard let input = readStandardInput(limit: InputLimit.pluginInput) else {
        throw PluginFailure(
          "stdin is larger than the limit of \(InputLimit.text(InputLimit.pluginInput))")
      }
      r0 = try Self.execute(s, input: input)
    } catch {
      // The runner reads stdout (older versions) or stderr: write both.
      report(error.description)
      try writeStdout(error.description + "\n")
      throw ExitCode(1)
    }
    try writeStdout("0x" + String(r0, radix: 16) + "\n")
  }

  /// Decodes the stdin text and runs it; throws a message.
  static func execute(_ s: Settings, input: [UInt8]) throws(PluginFailure) -> UInt64 {
    guard let bytes = bytesFromHex(String(decoding: input, as: UTF8.self)) else {
      throw PluginFailure("stdin is not hex bytes")
    }
    let host: HostTarget?
    do { host = try s.target() } catch { throw PluginFailure(error.message) }
    let program: Program
    var memoryMap = MemoryMap()
    var object: LoadedObject? = nil
    if s.elf {
      do {
        let loaded = try EBPFObjectFile(bytes: bytes).load(function: "main", memory: .for(host))
        program = loaded.program
        memoryMap = loaded.memoryMap
        object = loaded
      } catch {
        throw PluginFailure(error.description)
      }
    } else {
      do { program = try Program(bytes: bytes) } catch { throw PluginFailure(error.description) }
    }
    defer { withExtendedLifetime(object) {} }
    var memory = s.memory
    do {
      return try runBPF(
        engine: s.engine, host: host, program: program, helpers: .conformance,
        options: ExecutionOptions(
          boundsChecks: !s.unchecked, instructionBudget: s.maxInstructions),
        memoryMap: memoryMap,
        memory: &memory)
    } catch {
      throw PluginFailure(error.description)
    }
  }
}

struct PluginFailure: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}

/// All of stdin, or nil when it holds more than `limit` bytes.
func readStandardInput(limit: Int) -> [UInt8]? {
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { break }
    guard bytes.count + n <= limit else { return nil }
    bytes += chunk[..<n]
  }
  return bytes
}
