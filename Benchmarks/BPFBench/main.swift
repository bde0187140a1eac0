// bpf-bench: one eBPF workload, same process, same buffer, four ways:
// native x86-64 (the same C, dlopen'ed), Kiln interpreter, Kiln JIT with
// bounds checks, Kiln JIT unchecked. Prints one tab-separated line:
//   name insns native_ns interp_ns jit_ns unchecked_ns compile_ns_per_insn
// (times per call, best of rounds). Driven by Scripts/bench-bpf.sh.
//
// Usage: bpf-bench NAME PROGRAM.bin ENTRY_SLOT NATIVE.so BUFFER_BYTES [SECONDS]
//        bpf-bench --count NAME PROGRAM.bin ENTRY_SLOT BUFFER_BYTES   (Count.swift)
import EBPF
import EBPFJIT
import KilnHosts

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

func fail(_ message: String) -> Never {
  let line = Array("bpf-bench: \(message)\n".utf8)
  _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  exit(1)
}

func now() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// The program in `path` (raw eBPF bytes), entered at `entrySlot`.
func loadProgram(_ path: String, entrySlot: Int) -> Program {
  guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&chunk, 1, chunk.count, file)
    if n <= 0 { break }
    bytes += chunk[0..<n]
  }
  fclose(file)
  // The entry function may not be first in .text: start with `ja` to it
  // (relative jumps and calls are unaffected by the extra slot).
  var slots = (try? RawInstruction.slots(from: bytes)) ?? []
  if entrySlot != 0 {
    slots.insert(RawInstruction(opcode: 0x05, offset: Int16(entrySlot)), at: 0)
  }
  do { return try Program(slots: slots) } catch { fail("\(path): \(error)") }
}

if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--count" {
  countMain(Array(CommandLine.arguments.dropFirst()))
  exit(0)
}

let args = CommandLine.arguments
guard args.count >= 6, let entrySlot = Int(args[3]), let bufferSize = Int(args[5]) else {
  fail("usage: bpf-bench NAME PROGRAM.bin ENTRY_SLOT NATIVE.so BUFFER_BYTES [SECONDS]")
}
let name = args[1]
let budget = args.count > 6 ? (Double(args[6]) ?? 0.5) : 0.5

let program = loadProgram(args[2], entrySlot: entrySlot)

guard let handle = dlopen(args[4], RTLD_NOW) else { fail("dlopen \(args[4]) failed") }
guard let symbol = dlsym(handle, "entry") else { fail("no `entry` in \(args[4])") }
typealias NativeEntry = @convention(c) (UnsafeMutableRawPointer, UInt64) -> UInt64
let native = unsafeBitCast(symbol, to: NativeEntry.self)

let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
@MainActor func resetBuffer() {
  for i in 0..<bufferSize { buffer[i] = UInt8(truncatingIfNeeded: i &* 131 &+ (i >> 9)) }
}

/// Best nanoseconds per call of `body` over a few rounds of about `budget / 3` seconds.
@MainActor func measure(_ body: () -> UInt64) -> (ns: Double, result: UInt64) {
  resetBuffer()
  let result = body()
  var best = Double.infinity
  for _ in 0..<3 {
    var calls = 0
    let start = now()
    var elapsed: UInt64 = 0
    repeat {
      _ = body()
      calls += 1
      elapsed = now() - start
    } while Double(elapsed) < budget / 3 * 1e9
    best = min(best, Double(elapsed) / Double(calls))
  }
  return (best, result)
}

let interpreter: Interpreter
let checked: any CompiledProgram
let unchecked: any CompiledProgram
var compileNs = Double.infinity
/// KILN_BPF_BUDGET=N gives every engine an instruction budget of N (to
/// measure the cost of the budget checks; N must cover the workload).
let instructionBudget = getenv("KILN_BPF_BUDGET").flatMap { UInt64(String(cString: $0)) }
do {
  interpreter = try Interpreter(
    program: program, options: ExecutionOptions(instructionBudget: instructionBudget))
  checked = try makeNativeJITProgram(
    program: program, options: ExecutionOptions(instructionBudget: instructionBudget))
  unchecked = try makeNativeJITProgram(
    program: program,
    options: ExecutionOptions(boundsChecks: false, instructionBudget: instructionBudget))
  for _ in 0..<20 {
    let t0 = now()
    _ = try makeNativeJITProgram(program: program)
    compileNs = min(compileNs, Double(now() - t0))
  }
} catch { fail("\(name): \(error)") }

@MainActor func kiln(
  _ run: @escaping (UnsafeMutableRawBufferPointer) throws(EBPFError) -> UInt64
) -> () -> UInt64 {
  {
    do { return try run(buffer) } catch { fail("\(name): \(error)") }
  }
}

let n = measure { native(buffer.baseAddress!, UInt64(bufferSize)) }
let i = measure(kiln { (b) throws(EBPFError) in try interpreter.run(context: b) })
let j = measure(kiln { (b) throws(EBPFError) in try checked.run(context: b) })
let u = measure(kiln { (b) throws(EBPFError) in try unchecked.run(context: b) })
for (engine, r) in [("interpreter", i.result), ("jit", j.result), ("jit-unchecked", u.result)]
where r != n.result {
  fail("\(name): \(engine) returned \(r), native \(n.result)")
}
let insns = program.instructions.count
print(
  [name, "\(insns)", "\(n.ns)", "\(i.ns)", "\(j.ns)", "\(u.ns)", "\(compileNs / Double(insns))"]
    .joined(separator: "\t"))
