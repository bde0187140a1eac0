import Emulation
import Foundation

// An opt-in profile of one call (KILN_BENCH_PROFILE=1 Firmware/bench.sh):
// executed instructions per function of the image, found by a code hook on
// every address and the symbol table (the nearest symbol at or below the
// PC; code the JIT wrote into `kiln_code_buffer` shows as that symbol).
// A diagnostic only: the counts of the table come from `Board.call`.

extension Board {
  /// Runs `symbol(arguments…)` and returns (symbol, instructions) of the
  /// `top` functions that ran most, and the total.
  func profile(_ symbol: String, _ arguments: [UInt32] = [], top: Int = 12) throws -> (
    rows: [(name: String, instructions: UInt64)], total: UInt64
  ) {
    var pcs: [UInt64: UInt64] = [:]
    let hook = try emulator.onCode(in: 0...0xFFFF_FFFF) { _, pc in pcs[pc, default: 0] += 1 }
    defer { try? emulator.removeHook(hook) }
    _ = try call(symbol, arguments)
    // Symbols by address (Thumb bit cleared), ignoring the mapping symbols $t/$d.
    func isMapping(_ name: String) -> Bool {
      ["$t", "$d", "$a"].contains { name == $0 || name.hasPrefix($0 + ".") }
    }
    let sorted = image.symbols.filter { !isMapping($0.key) }
      .map { (address: UInt64($0.value & ~1), name: $0.key) }
      .sorted { $0.address < $1.address }
    func owner(_ pc: UInt64) -> String {
      var lo = 0
      var hi = sorted.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if sorted[mid].address <= pc { lo = mid + 1 } else { hi = mid }
      }
      return lo == 0 ? "?" : sorted[lo - 1].name
    }
    var by: [String: UInt64] = [:]
    var total: UInt64 = 0
    for (pc, n) in pcs {
      by[owner(pc), default: 0] += n
      total += n
    }
    let rows = by.sorted { $0.value > $1.value }.prefix(top).map { ($0.key, $0.value) }
    return (Array(rows), total)
  }
}

/// Prints the profiles of one Fletcher-16 run and one DHT22 frame, if
/// KILN_BENCH_PROFILE is set.
func printProfiles(_ path: String, engine: String) throws {
  guard ProcessInfo.processInfo.environment["KILN_BENCH_PROFILE"] != nil else { return }
  let board = try Board(image: try ELFImage(path: path))
  _ = try board.call("kiln_init")
  _ = try board.call("kiln_bench_prepare")
  _ = try board.call("kiln_bench_load", [0])
  _ = try board.call("kiln_bench_load", [1])
  try dumpCode(board, engine: engine)
  for (symbol, arguments) in [("kiln_bench_fletcher16", [UInt32]()), ("kiln_bench_dht22", [0])] {
    let (rows, total) = try board.profile(symbol, arguments)
    print("\nProfile of \(symbol) on \(engine): \(total) instructions")
    for r in rows {
      let name = r.name.count > 90 ? String(r.name.prefix(90)) + "…" : r.name
      print(
        String(
          format: "%9d %5.1f%%  ", r.instructions, 100 * Double(r.instructions) / Double(total))
          + name)
    }
  }
}

/// With KILN_BENCH_DUMP=DIR, writes the code the JIT compiled for each
/// program (slot 0, 1: loaded in that order, each at the next 8-byte
/// boundary of `kiln_code_buffer`) to DIR/SLOT.bin, for
/// `arm-none-eabi-objdump -D -b binary -marm -Mforce-thumb DIR/SLOT.bin`.
func dumpCode(_ board: Board, engine: String) throws {
  guard engine != "interpreter",
    let dir = ProcessInfo.processInfo.environment["KILN_BENCH_DUMP"]
  else { return }
  var offset: UInt64 = 0
  let buffer = try board.address(of: "kiln_code_buffer")
  for slot: UInt32 in [0, 1] {
    let size = try board.call("kiln_bench_code_bytes", [slot]).r0
    var bytes = [UInt8](repeating: 0, count: Int(size))
    try bytes.withUnsafeMutableBytes {
      try board.emulator.readMemory(at: buffer + offset, into: $0)
    }
    FileManager.default.createFile(atPath: "\(dir)/\(slot).bin", contents: Data(bytes))
    offset = (offset + UInt64(size) + 7) & ~7
  }
}
