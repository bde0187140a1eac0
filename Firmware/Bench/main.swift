// firmware-bench: executed instructions of the firmware's programs on the
// Cortex-M4, counted exactly in Unicorn (Emulation: one code hook per
// instruction), in the image that QEMU boots. Run by Firmware/bench.sh.
//
//   firmware-bench ELF
//
// Columns: native C (BPF/*.c built by clang -O2 for cortex-m4), Kiln's eBPF
// interpreter (Embedded Swift, in the image) and the Thumb-2 JIT (not built
// yet: "-"). Each device result is checked against the host's expected value.
import EBPF
import Emulation
import Foundation

struct Row {
  var name: String
  var guest: UInt64  // eBPF instructions executed
  var native: UInt64
  var interpreter: UInt64
}

func main() throws {
  let args = CommandLine.arguments
  guard args.count == 2 else { throw BenchError("usage: firmware-bench ELF") }
  let board = try Board(image: try ELFImage(path: args[1]))

  _ = try board.call("kiln_init")
  guard try board.call("kiln_bench_prepare").r0 == 0 else {
    throw BenchError("kiln_bench_prepare failed")
  }
  let fletcher = try Program(bytes: try board.array("kiln_fletcher16_bpf"))
  let dht = try Program(bytes: try board.array("kiln_dht22_bpf"))
  let input = try board.array("kiln_fletcher16_input")

  // Load cost: the checker (interpreter) or the compiler (JIT), per slot.
  var loads: [(String, Int, UInt64)] = []
  for (which, name, program) in [(0, "fletcher16", fletcher), (1, "dht22", dht)] {
    let r = try board.call("kiln_bench_load", [UInt32(which)])
    guard r.r0 == 0 else { throw BenchError("kiln_bench_load(\(which)) failed") }
    loads.append((name, program.count, r.instructions))
  }

  var rows: [Row] = []
  let expectedFletcher = try board.word("kiln_fletcher16_expected")
  let nativeF = try board.call("kiln_native_fletcher16")
  let interpF = try board.call("kiln_bench_fletcher16")
  for (who, r) in [("native", nativeF), ("interpreter", interpF)] where r.r0 != expectedFletcher {
    throw BenchError(
      "fletcher16 on \(who): \(hex(UInt64(r.r0))), expected \(hex(UInt64(expectedFletcher)))")
  }
  rows.append(
    Row(
      name: "fletcher16 (\(input.count) B)",
      guest: try executedGuestInstructions(fletcher, helpers: HelperTable(), context: input),
      native: nativeF.instructions, interpreter: interpF.instructions))

  let frames = try board.word("kiln_dht22_frame_count")
  let expectedBase = try board.address(of: "kiln_dht22_expected")
  let pulses = try board.address(of: "kiln_dht22_pulses")
  var all = Row(name: "dht22 (all \(frames) frames)", guest: 0, native: 0, interpreter: 0)
  for frame in 0..<frames {
    let at = expectedBase + UInt64(frame) * 8
    let expected = UInt64(board.word(at: at)) | UInt64(board.word(at: at + 4)) << 32
    let n = try board.call("kiln_native_dht22", [frame])
    let i = try board.call("kiln_bench_dht22", [frame])
    for (who, r) in [("native", n), ("interpreter", i)] {
      let got = UInt64(r.r0) | UInt64(r.r1) << 32
      guard got == expected else {
        throw BenchError("dht22 frame \(frame) on \(who): \(hex(got)), expected \(hex(expected))")
      }
    }
    let train = board.bytes(at: pulses + UInt64(frame) * 40, count: 40)
    var helpers = HelperTable()
    helpers.register(1) { index, _, _, _, _ in index < 40 ? UInt64(train[Int(index)]) : .max }
    let guest = try executedGuestInstructions(dht, helpers: helpers, context: nil)
    if frame == 0 {
      rows.append(
        Row(
          name: "dht22 (1 frame, 40 pulses)", guest: guest, native: n.instructions,
          interpreter: i.instructions))
    }
    all.guest += guest
    all.native += n.instructions
    all.interpreter += i.instructions
  }
  rows.append(all)

  func pad(_ s: String, _ n: Int) -> String {
    s + String(repeating: " ", count: max(0, n - s.count))
  }
  func lpad(_ s: String, _ n: Int) -> String {
    String(repeating: " ", count: max(0, n - s.count)) + s
  }
  func ratio(_ a: UInt64, _ b: UInt64) -> String { String(format: "%.1fx", Double(a) / Double(b)) }
  func per(_ a: UInt64, _ b: UInt64) -> String { String(format: "%.1f", Double(a) / Double(b)) }

  print("Executed Cortex-M4 instructions (Unicorn, exact count; results checked against the host).")
  print(
    "eBPF = eBPF instructions the run executes; M4/eBPF = device instructions per eBPF instruction."
  )
  print(
    pad("program", 28) + lpad("eBPF", 8) + lpad("native C", 10) + lpad("interpreter", 13)
      + lpad("interp/native", 15) + lpad("M4/eBPF", 9) + lpad("thumb2-jit", 12)
      + lpad("jit/native", 12))
  for r in rows {
    print(
      pad(r.name, 28) + lpad("\(r.guest)", 8) + lpad("\(r.native)", 10)
        + lpad("\(r.interpreter)", 13) + lpad(ratio(r.interpreter, r.native), 15)
        + lpad(per(r.interpreter, r.guest), 9) + lpad("-", 12) + lpad("-", 12))
  }
  print("")
  print("Load cost on the device (decoded program -> runnable; interpreter: the checker):")
  for (name, slots, count) in loads {
    print(
      "  \(pad(name, 11)) \(slots) slots: \(count) instructions, \(per(count, UInt64(slots))) per slot"
        + "   (thumb2-jit: compile -, code bytes per slot -)")
  }
}

do {
  try main()
} catch {
  FileHandle.standardError.write(Data("firmware-bench: \(error)\n".utf8))
  exit(1)
}
