// firmware-bench: executed instructions of the firmware's programs on the
// Cortex-M4, counted exactly in Unicorn (Emulation: one code hook per
// instruction), in the image that QEMU boots. Run by Firmware/bench.sh.
//
//   firmware-bench ELF
//
// Columns: native C (BPF/*.c built by clang -O2 for cortex-m4), Kiln's eBPF
// interpreter (Embedded Swift, in the image) and the Thumb-2 JIT (not built
// yet: "-"). Each result is checked against the host's expected value.
import Emulation
import Foundation

func main() throws {
  let args = CommandLine.arguments
  guard args.count == 2 else { throw BenchError("usage: firmware-bench ELF") }
  let board = try Board(image: try ELFImage(path: args[1]))

  _ = try board.call("kiln_init")
  guard try board.call("kiln_bench_prepare").r0 == 0 else {
    throw BenchError("kiln_bench_prepare failed")
  }
  let fletcherSlots = Int(try board.word("kiln_fletcher16_bpf_size")) / 8
  let dhtSlots = Int(try board.word("kiln_dht22_bpf_size")) / 8
  let inputSize = try board.word("kiln_fletcher16_input_size")

  // Load cost: the checker (interpreter) or the compiler (JIT), per slot.
  var loads: [(String, Int, UInt64)] = []
  for (which, name, slots) in [(0, "fletcher16", fletcherSlots), (1, "dht22", dhtSlots)] {
    let r = try board.call("kiln_bench_load", [UInt32(which)])
    guard r.r0 == 0 else { throw BenchError("kiln_bench_load(\(which)) failed") }
    loads.append((name, slots, r.instructions))
  }

  var rows: [(name: String, native: UInt64, interpreter: UInt64)] = []

  let expectedFletcher = try board.word("kiln_fletcher16_expected")
  let nativeF = try board.call("kiln_native_fletcher16")
  let interpF = try board.call("kiln_bench_fletcher16")
  for (who, r) in [("native", nativeF), ("interpreter", interpF)] where r.r0 != expectedFletcher {
    throw BenchError(
      "fletcher16 on \(who): \(hex(UInt64(r.r0))), expected \(hex(UInt64(expectedFletcher)))")
  }
  rows.append(("fletcher16 (\(inputSize) B)", nativeF.instructions, interpF.instructions))

  let frames = try board.word("kiln_dht22_frame_count")
  let expectedBase = try board.address(of: "kiln_dht22_expected")
  var dhtNative: UInt64 = 0
  var dhtInterp: UInt64 = 0
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
    if frame == 0 { rows.append(("dht22 (1 frame, 40 pulses)", n.instructions, i.instructions)) }
    dhtNative += n.instructions
    dhtInterp += i.instructions
  }
  rows.append(("dht22 (all \(frames) frames)", dhtNative, dhtInterp))

  func pad(_ s: String, _ n: Int) -> String {
    s + String(repeating: " ", count: max(0, n - s.count))
  }
  func lpad(_ s: String, _ n: Int) -> String {
    String(repeating: " ", count: max(0, n - s.count)) + s
  }
  func ratio(_ a: UInt64, _ b: UInt64) -> String { String(format: "%.1fx", Double(a) / Double(b)) }

  print("Executed Cortex-M4 instructions (Unicorn, exact count), results checked against the host:")
  print(
    pad("program", 30) + lpad("native C", 10) + lpad("interpreter", 13) + lpad("interp/native", 15)
      + lpad("thumb2-jit", 12) + lpad("jit/native", 12))
  for r in rows {
    print(
      pad(r.name, 30) + lpad("\(r.native)", 10) + lpad("\(r.interpreter)", 13)
        + lpad(ratio(r.interpreter, r.native), 15) + lpad("-", 12) + lpad("-", 12))
  }
  print("")
  print("Load cost on the device (decoded program -> runnable; interpreter: the checker):")
  for (name, slots, count) in loads {
    print(
      "  \(pad(name, 12)) \(slots) eBPF slots: \(count) instructions, "
        + String(format: "%.0f", Double(count) / Double(slots)) + " per slot"
        + "   (thumb2-jit compile: -, code bytes per slot: -)")
  }
}

do {
  try main()
} catch {
  FileHandle.standardError.write(Data("firmware-bench: \(error)\n".utf8))
  exit(1)
}
