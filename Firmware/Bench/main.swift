// firmware-bench: executed instructions of the firmware's programs on the
// Cortex-M4, counted exactly in Unicorn (Emulation: one code hook per
// instruction), in the image that QEMU boots. Run by Firmware/bench.sh.
//
//   firmware-bench INTERPRETER-ELF [THUMB2-ELF]
//
// Columns: native C (BPF/*.c built by clang -O2 for cortex-m4), Kiln's eBPF
// interpreter (Embedded Swift, in the first image) and the Thumb-2 JIT (the
// second image, built with --engine thumb2; "-" without it). Each device
// result is checked against the host's expected value.
import EBPF
import Emulation
import Foundation

struct Row {
  var name: String
  var guest: UInt64  // eBPF instructions executed
  var native: UInt64
  var engine: UInt64  // the image's engine
}

/// What one image measured: the rows (native C and the image's engine on
/// the same board) and the load cost of each program.
struct Measurement {
  var rows: [Row] = []
  var loads: [(name: String, slots: Int, instructions: UInt64, codeBytes: UInt32)] = []
}

/// Runs the programs of the image at `path` in Unicorn's Cortex-M4.
func measure(_ path: String, engine: String) throws -> Measurement {
  let board = try Board(image: try ELFImage(path: path))
  var m = Measurement()

  _ = try board.call("kiln_init")
  guard try board.call("kiln_bench_prepare").r0 == 0 else {
    throw BenchError("kiln_bench_prepare failed")
  }
  let fletcher = try Program(bytes: try board.array("kiln_fletcher16_bpf"))
  let dht = try Program(bytes: try board.array("kiln_dht22_bpf"))
  let input = try board.array("kiln_fletcher16_input")

  // Load cost: the checker (interpreter) or check + translate + compile (JIT), per slot.
  for (which, name, program) in [(0, "fletcher16", fletcher), (1, "dht22", dht)] {
    let r = try board.call("kiln_bench_load", [UInt32(which)])
    guard r.r0 == 0 else { throw BenchError("kiln_bench_load(\(which)) failed on \(engine)") }
    let bytes = try board.call("kiln_bench_code_bytes", [UInt32(which)]).r0
    m.loads.append((name, program.count, r.instructions, bytes))
  }

  let expectedFletcher = try board.word("kiln_fletcher16_expected")
  let nativeF = try board.call("kiln_native_fletcher16")
  let engineF = try board.call("kiln_bench_fletcher16")
  for (who, r) in [("native", nativeF), (engine, engineF)] where r.r0 != expectedFletcher {
    throw BenchError(
      "fletcher16 on \(who): \(hex(UInt64(r.r0))), expected \(hex(UInt64(expectedFletcher)))")
  }
  m.rows.append(
    Row(
      name: "fletcher16 (\(input.count) B)",
      guest: try executedGuestInstructions(fletcher, helpers: HelperTable(), context: input),
      native: nativeF.instructions, engine: engineF.instructions))

  let frames = try board.word("kiln_dht22_frame_count")
  let expectedBase = try board.address(of: "kiln_dht22_expected")
  let pulses = try board.address(of: "kiln_dht22_pulses")
  var all = Row(name: "dht22 (all \(frames) frames)", guest: 0, native: 0, engine: 0)
  for frame in 0..<frames {
    let at = expectedBase + UInt64(frame) * 8
    let expected = UInt64(board.word(at: at)) | UInt64(board.word(at: at + 4)) << 32
    let n = try board.call("kiln_native_dht22", [frame])
    let e = try board.call("kiln_bench_dht22", [frame])
    for (who, r) in [("native", n), (engine, e)] {
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
      m.rows.append(
        Row(
          name: "dht22 (1 frame, 40 pulses)", guest: guest, native: n.instructions,
          engine: e.instructions))
    }
    all.guest += guest
    all.native += n.instructions
    all.engine += e.instructions
  }
  m.rows.append(all)
  return m
}

func main() throws {
  let args = CommandLine.arguments
  guard args.count == 2 || args.count == 3 else {
    throw BenchError("usage: firmware-bench INTERPRETER-ELF [THUMB2-ELF]")
  }
  let interp = try measure(args[1], engine: "interpreter")
  let jit = args.count == 3 ? try measure(args[2], engine: "thumb2-jit") : nil

  func pad(_ s: String, _ n: Int) -> String {
    s + String(repeating: " ", count: max(0, n - s.count))
  }
  func lpad(_ s: String, _ n: Int) -> String {
    String(repeating: " ", count: max(0, n - s.count)) + s
  }
  func ratio(_ a: UInt64, _ b: UInt64) -> String { String(format: "%.2fx", Double(a) / Double(b)) }
  func per(_ a: UInt64, _ b: UInt64) -> String { String(format: "%.1f", Double(a) / Double(b)) }

  print("Executed Cortex-M4 instructions (Unicorn, exact count; results checked against the host).")
  print(
    "eBPF = eBPF instructions the run executes; M4/eBPF = device instructions per eBPF instruction;"
  )
  print("jit/native: both counted in the thumb2 image (its native C is the same code).")
  print(
    pad("program", 28) + lpad("eBPF", 8) + lpad("native C", 10) + lpad("interpreter", 13)
      + lpad("interp/native", 15) + lpad("M4/eBPF", 9) + lpad("thumb2-jit", 12)
      + lpad("jit/native", 12) + lpad("M4/eBPF", 9))
  for (i, r) in interp.rows.enumerated() {
    var line =
      pad(r.name, 28) + lpad("\(r.guest)", 8) + lpad("\(r.native)", 10)
      + lpad("\(r.engine)", 13) + lpad(ratio(r.engine, r.native), 15)
      + lpad(per(r.engine, r.guest), 9)
    if let j = jit?.rows[i] {
      line +=
        lpad("\(j.engine)", 12) + lpad(ratio(j.engine, j.native), 12)
        + lpad(per(j.engine, j.guest), 9)
      if j.native != r.native { line += "  (native in the thumb2 image: \(j.native))" }
    } else {
      line += lpad("-", 12) + lpad("-", 12) + lpad("-", 9)
    }
    print(line)
  }
  print("")
  print("Load cost on the device (decoded program -> runnable):")
  for (i, l) in interp.loads.enumerated() {
    var line =
      "  \(pad(l.name, 11)) \(l.slots) slots: interpreter (checker) \(l.instructions) instructions, "
      + "\(per(l.instructions, UInt64(l.slots))) per slot"
    if let j = jit?.loads[i] {
      line +=
        "; thumb2-jit (check + translate + compile) \(j.instructions) instructions, "
        + "\(per(j.instructions, UInt64(j.slots))) per slot, \(j.codeBytes) code bytes, "
        + "\(per(UInt64(j.codeBytes), UInt64(j.slots))) per slot"
    }
    print(line)
  }
  try printProfiles(args[1], engine: "interpreter")
  if args.count == 3 { try printProfiles(args[2], engine: "thumb2-jit") }
}

do {
  try main()
} catch {
  FileHandle.standardError.write(Data("firmware-bench: \(error)\n".utf8))
  exit(1)
}
