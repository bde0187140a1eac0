// bpf-bench --count: the same workload counted instead of timed. The
// interpreter counts executed eBPF instructions; every eBPF port's JIT runs
// the program once in Unicorn with exact counting of executed host
// instructions, bounds-checked and unchecked; compile speed is the port's
// compile call (translation to FunctionIR included) timed natively, without
// the emulator. Prints one tab-separated line per port:
//   name port guest_insns host_checked host_unchecked bytes_checked bytes_unchecked
//   program_insns compile_ns_checked compile_ns_unchecked
import EBPF
import EBPFJIT
import KilnHosts
import KilnIR
import KilnPort

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Best nanoseconds of `Translator.translate` + `Port.compile` over `rounds`.
func timeCompile<Port: FunctionPort>(
  _ port: Port.Type, _ program: Program, _ options: ExecutionOptions, rounds: Int
) throws -> (ns: Double, bytes: Int) {
  let environment = FunctionEnvironment(
    writable: [true, true], boundsChecks: options.boundsChecks,
    maxCallDepth: options.maxCallDepth, frameSize: ExecutionOptions.stackFrameSize)
  var best = Double.infinity
  var bytes = 0
  for _ in 0..<rounds {
    let t0 = now()
    var function = try Translator.translate(program)
    if options.boundsChecks { function.analyzeRanges(frameSize: environment.frameSize) }
    if Port.facts.pointerBits == 64 { FunctionIR.RecurrenceUnroll.apply(to: &function) }
    bytes = try Port.compile(function, environment: environment, baseAddress: 0).count
    best = min(best, Double(now() - t0))
  }
  return (best, bytes)
}

func compileNanoseconds(
  _ port: any FunctionPort.Type, _ program: Program, _ options: ExecutionOptions, rounds: Int
) throws -> (ns: Double, bytes: Int) {
  try timeCompile(port, program, options, rounds: rounds)  // opens the existential
}

@MainActor func countMain(_ args: [String]) {
  guard args.count >= 5, let entrySlot = Int(args[3]), let bufferSize = Int(args[4]) else {
    fail("usage: bpf-bench --count NAME PROGRAM.bin ENTRY_SLOT BUFFER_BYTES")
  }
  let name = args[1]
  let program = loadProgram(args[2], entrySlot: entrySlot)
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
  defer { buffer.deallocate() }
  func reset() {
    for i in 0..<bufferSize { buffer[i] = UInt8(truncatingIfNeeded: i &* 131 &+ (i >> 9)) }
  }
  do {
    reset()
    let (expected, guest) = try Interpreter(program: program).countingRun(context: buffer)
    for port in Hosts.functionPorts {
      guard let functionPort = port as? any FunctionPort.Type else { continue }
      var host: [UInt64] = []
      var bytes: [Int] = []
      var compile: [Double] = []
      // KILN_BPF_BUDGET=N: the same counts with an instruction budget of N.
      let budget = getenv("KILN_BPF_BUDGET").flatMap { UInt64(String(cString: $0)) }
      for checks in [true, false] {
        let options = ExecutionOptions(boundsChecks: checks, instructionBudget: budget)
        reset()
        let jit = try makeJITProgram(
          host: try Hosts.emulated(port, countInstructions: true), program: program,
          options: options)
        let before = jit.executedInstructions ?? 0
        let r0 = try jit.run(context: buffer)
        guard r0 == expected else {
          fail("\(name) on \(port.facts.name): r0 \(r0), interpreter \(expected)")
        }
        host.append((jit.executedInstructions ?? 0) - before)
        let c = try compileNanoseconds(functionPort, program, options, rounds: 200)
        bytes.append(c.bytes)
        compile.append(c.ns)
      }
      print(
        [
          name, port.facts.architecture, "\(guest)", "\(host[0])", "\(host[1])", "\(bytes[0])",
          "\(bytes[1])", "\(program.instructions.count)", "\(compile[0])", "\(compile[1])",
        ].joined(separator: "\t"))
    }
  } catch { fail("\(name): \(error)") }
}
