// compile-bench: RV32 compile speed per block port, natively, without
// running anything (Runtime's CompileProbe): the raw .text of a program
// (llvm-objcopy -O binary --only-section=.text) at its guest address, cut
// into blocks, translated and compiled by every block port for paged and
// flat memory. Prints one tab-separated line per port and memory mode:
//   port memory guest_insns blocks host_bytes best_ns
// (best of ROUNDS). Driven by Scripts/bench-hosts.sh.
//
// Usage: compile-bench TEXT.bin GUEST_ADDRESS_HEX [ROUNDS [ARCHITECTURE [MEMORY]]]
// (ARCHITECTURE x86_64 or aarch64, MEMORY paged or flat: only that port or
// mode, e.g. for a profile).
import KilnHosts
import KilnPort
import Runtime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

func fail(_ message: String) -> Never {
  let line = Array("compile-bench: \(message)\n".utf8)
  _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  exit(1)
}

func now() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

let args = CommandLine.arguments
guard args.count >= 3, let start = UInt32(args[2], radix: 16) else {
  fail("usage: compile-bench TEXT.bin GUEST_ADDRESS_HEX [ROUNDS]")
}
let rounds = args.count > 3 ? (Int(args[3]) ?? 20) : 20
let onlyArchitecture = args.count > 4 ? args[4] : nil
let onlyMemory = args.count > 5 ? args[5] : nil
guard let file = fopen(args[1], "rb") else { fail("cannot open \(args[1])") }
var bytes: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 65536)
while true {
  let n = fread(&chunk, 1, chunk.count, file)
  if n <= 0 { break }
  bytes += chunk[0..<n]
}
fclose(file)
let words = stride(from: 0, to: bytes.count & ~3, by: 4).map { i in
  UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
    | UInt32(bytes[i + 3]) << 24
}

for port in Hosts.blockPorts {
  guard let blockPort = port as? any BlockPort.Type,
    onlyArchitecture == nil || onlyArchitecture == port.facts.architecture
  else { continue }
  for mode in [MemoryMode.paged, .flat] where onlyMemory == nil || onlyMemory == mode.rawValue {
    var best = UInt64.max
    var probe: CompileProbe?
    for _ in 0..<rounds {
      let t0 = now()
      do {
        probe = try CompileProbe(port: blockPort, memoryMode: mode, words: words, start: start)
      } catch { fail("\(port.facts.name): \(error)") }
      best = min(best, now() - t0)
    }
    guard let probe else { fail("no rounds") }
    print(
      [
        port.facts.architecture, mode.rawValue, "\(probe.instructions)", "\(probe.blocks)",
        "\(probe.bytes)", "\(best)",
      ].joined(separator: "\t"))
  }
}
