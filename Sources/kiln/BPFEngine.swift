import ArgumentParser
import EBPF
import EBPFJIT
import KilnPort

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The eBPF execution engines `kiln bpf` can use.
enum BPFEngine: String, CaseIterable, ExpressibleByArgument {
  case interpreter
  case jit
}

/// Why an eBPF run did not produce r0.
enum BPFRunFailure: Error, CustomStringConvertible {
  /// The engine refused the program before running it (the checker's verdict).
  case rejected(EBPFError)
  /// The program failed while running (out of bounds, call depth, limits).
  case runtime(EBPFError)
  /// The engine cannot be used in this build.
  case engineUnavailable(String)

  var description: String {
    switch self {
    case .rejected(let e), .runtime(let e): e.description
    case .engineUnavailable(let message): message
    }
  }

  /// kiln's exit status for this failure (documented in `kiln bpf --help`).
  var exitStatus: Int32 {
    switch self {
    case .rejected, .engineUnavailable: KilnExit.loadFailure
    case .runtime(.outOfBounds), .runtime(.packetOutOfBounds): 128 + 11  // SIGSEGV
    case .runtime(.interrupted): KilnExit.timedOut  // only --timeout interrupts a kiln run
    case .runtime: 128 + 6  // SIGABRT
    }
  }
}

/// Checks and runs `program` on `engine`: THE one place where `kiln bpf`
/// chooses an engine. `memory` is the context (`r1` = its address, `r2` = its
/// length; the program may change it), or nil for none (`r1 = r2 = 0`).
/// With `dumpHostCode`, the JIT's generated code is disassembled to stderr.
/// Returns r0.
func runBPF(
  engine: BPFEngine, host: HostTarget?, program: Program, helpers: HelperTable,
  options: ExecutionOptions, memoryMap: MemoryMap, memory: inout [UInt8]?,
  dumpHostCode: Bool = false, onFinish: ((any CompiledProgram) -> Void)? = nil,
  runs: Int = 1, elapsedNanoseconds: ((UInt64) -> Void)? = nil
) throws(BPFRunFailure) -> UInt64 {
  var compiled: (any CompiledProgram)? = nil
  defer { if let compiled { onFinish?(compiled) } }
  let vm: any ExecutionEngine
  do throws(EBPFError) {
    switch engine {
    case .interpreter:
      vm = try Interpreter(
        program: program, helpers: helpers, options: options, memoryMap: memoryMap)
    case .jit:
      guard let host else {
        throw .engineUnavailable(reason: "no eBPF JIT port for this host")
      }
      let jit = try makeJITProgram(
        host: host, program: program, helpers: helpers, options: options, memoryMap: memoryMap)
      if dumpHostCode {
        writeStderr(
          "\(host.description) code, \(jit.hostCode.count) bytes:\n"
            + HostDisassembler(jit.portFacts.capstone).lines(
              jit.hostCode, address: jit.codeAddress
            )
            .joined(separator: "\n") + "\n")
      }
      compiled = jit
      vm = jit
    }
  } catch .engineUnavailable(let reason) {
    throw .engineUnavailable("the \(engine) engine cannot run this program: \(reason)")
  } catch {
    throw .rejected(error)
  }
  // `runs` runs of the checked (and compiled) program; each sees the memory
  // as the run before left it, as the kernel's BPF_PROG_TEST_RUN repeats.
  do {
    var r0: UInt64 = 0
    let start = monotonicNanoseconds()
    if var context = memory {
      defer { memory = context }
      for _ in 0..<max(1, runs) { r0 = try vm.run(memory: &context) }
    } else {
      for _ in 0..<max(1, runs) { r0 = try vm.run() }
    }
    elapsedNanoseconds?(monotonicNanoseconds() &- start)
    return r0
  } catch {
    throw .runtime(error)
  }
}

/// CLOCK_MONOTONIC in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// The helpers of programs run by `kiln bpf run` (listed in `kiln bpf --help`).
enum BPFHelpers {
  static let table: HelperTable = {
    var t = HelperTable.conformance  // 5: returns its first argument
    t.register(6) { value, _, _, _, _ in
      writeStderr("trace: \(value)\n")
      return 0
    }
    t.register(7) { _, _, _, _, _ in monotonicNanoseconds() }
    return t
  }()

  static let help = """
    Helpers (call N): 5 returns its first argument (the bpf_conformance helper); \
    6 writes its first argument in decimal to stderr as "trace: N" and returns 0; \
    7 returns a monotonic clock in nanoseconds.
    """
}
