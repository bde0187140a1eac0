import EBPF
import EBPFJIT
import EBPFObject
import Foundation
import KilnHosts
import KilnPort
import KilnTestSupport
import Testing

/// The engines the C programs run on (each has its line in
/// ``NativeOracleTests/run(_:_:memory:checked:)``): the interpreter, the
/// JIT of this machine's port natively, and the JIT of every function port
/// (and port variant) in Unicorn.
enum EngineUnderTest: Sendable, CustomTestStringConvertible {
  case interpreter
  case jit
  case emulated(HostTarget)

  static var allCases: [EngineUnderTest] {
    // Missing emulation is a build problem (Unicorn is built in), not a skip.
    [.interpreter, .jit]
      + (Hosts.functionPorts + Hosts.functionVariants).map { .emulated(try! Hosts.emulated($0)) }
  }

  /// Where the data sections go: below 4 GiB for a 32-bit port (the
  /// program holds their addresses as constants), else the heap.
  var sectionMemory: SectionMemory {
    guard case .emulated(let host) = self else { return .heap }
    return .for(host)
  }

  var testDescription: String {
    switch self {
    case .interpreter: "interpreter"
    case .jit: "jit"
    case .emulated(let host): "jit[\(host.description)]"
    }
  }
}

/// One C program of `Tests/Fixtures/bpf` and how to choose it in its object.
struct CProgram: Sendable, CustomTestStringConvertible {
  var file: String
  var function: String
  var section: String? = nil
  var testDescription: String { "\(file).c:\(function)" }
}

/// C programs compiled with `clang --target=bpf -O2 -c`, loaded by EBPFObject
/// and run by Kiln, against the same C compiled natively for the host
/// (`harness.c`): r0 and the context memory afterwards must agree.
@Suite(.requires(Toolchain.clang != nil, "clang (for --target=bpf and the host) is not on PATH"))
struct NativeOracleTests {
  static let programs: [CProgram] = [
    CProgram(file: "checksum", function: "checksum"),
    CProgram(file: "strings", function: "vowel_score"),
    CProgram(file: "globals", function: "stats"),
    CProgram(file: "sections", function: "classify", section: "xdp"),
    CProgram(file: "sections", function: "tail_sum", section: "tc"),
    CProgram(file: "sort", function: "sort_bytes"),
  ]

  /// Context memories: empty, short, text, and pseudo-random bytes.
  static let memories: [[UInt8]] = {
    var rng = SplitMix64(seed: 0x6b69_6c6e_6270_66)
    var out: [[UInt8]] = [[], [0x41], Array("Hello, eBPF world! AEIOU xyz".utf8)]
    for n in [7, 64, 200] {
      out.append((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    }
    return out
  }()

  /// What one run produced.
  struct Outcome: Equatable, CustomStringConvertible {
    var result: UInt64
    var memory: [UInt8]
    var description: String {
      "r0 = \(result), memory = \(memory.map { String(format: "%02x", $0) }.joined())"
    }
  }

  /// The one place a test picks the engine.
  static func run(
    _ engine: EngineUnderTest, _ loaded: LoadedObject, memory: inout [UInt8], checked: Bool
  )
    throws(EBPFError) -> UInt64
  {
    let options = checked ? ExecutionOptions() : .unchecked
    switch engine {
    case .interpreter:
      let vm = try Interpreter(
        program: loaded.program, helpers: TestHelpers.table, options: options,
        memoryMap: loaded.memoryMap)
      return memory.isEmpty ? try vm.run() : try vm.run(memory: &memory)
    case .jit:
      let vm = try makeNativeJITProgram(
        program: loaded.program, helpers: TestHelpers.table, options: options,
        memoryMap: loaded.memoryMap)
      return memory.isEmpty ? try vm.run() : try vm.run(memory: &memory)
    case .emulated(let host):
      let vm = try makeJITProgram(
        host: host, program: loaded.program, helpers: TestHelpers.table, options: options,
        memoryMap: loaded.memoryMap)
      return memory.isEmpty ? try vm.run() : try vm.run(memory: &memory)
    }
  }

  static func native(_ program: CProgram, _ memory: [UInt8]) throws -> Outcome {
    let exe = try Toolchain.nativeHarness(program.file, entry: program.function)
    let hex = memory.map { String(format: "%02x", $0) }.joined()
    let out = try Toolchain.run(exe, [hex])
    var result: UInt64?
    var after: [UInt8] = []
    for line in out.split(separator: "\n") {
      let f = line.split(separator: " ", maxSplits: 1)
      if f.first == "result", f.count == 2 { result = UInt64(f[1]) }
      if f.first == "memory", f.count == 2 {
        let s = Array(f[1].utf8)
        after = stride(from: 0, to: s.count - 1, by: 2).compactMap {
          UInt8(String(decoding: s[$0..<$0 + 2], as: UTF8.self), radix: 16)
        }
      }
    }
    guard let result else { throw ToolError("native harness printed no result:\n\(out)") }
    return Outcome(result: result, memory: after)
  }

  @Test(arguments: EngineUnderTest.allCases, programs)
  func matchesNativeCode(engine: EngineUnderTest, program: CProgram) throws {
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject(program.file))
    for (k, input) in Self.memories.enumerated() {
      let expected = try Self.native(program, input)
      for checked in [true, false] {
        // A fresh load per run: globals start from their initial values, as in a new process.
        let loaded = try object.load(
          function: program.function, section: program.section, memory: engine.sectionMemory)
        #expect(loaded.entry.name == program.function)
        var memory = input
        let result = try Self.run(engine, loaded, memory: &memory, checked: checked)
        let actual = Outcome(result: result, memory: memory)
        #expect(
          actual == expected,
          "\(program.testDescription), memory #\(k) (\(input.count) bytes), \(checked ? "checked" : "unchecked"): got \(actual), native \(expected)"
        )
      }
    }
  }
}

/// SplitMix64: deterministic test data.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
