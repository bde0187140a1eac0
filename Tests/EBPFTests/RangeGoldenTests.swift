import EBPF
import Foundation
import KilnFuzz
import KilnIR
import KilnTestSupport
import Testing

/// The range analysis' results over a fixed corpus compared with a golden
/// file recorded by the analysis of main 948317d (before the compact
/// representation of round 5), built and run separately: the conformance
/// suite, the `Benchmarks/bpf` workloads (clang) and 3,000 fuzz-generated
/// programs. One line per program: its name and an FNV-1a digest of the
/// access facts, the word facts (both `lengthFits`) and the frame reach.
///
/// `KILN_RANGE_GOLDEN_OUT=FILE` writes the lines (to record a new golden
/// file from a trusted build, or to diff the two by hand).
@Suite struct RangeGoldenTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let golden = root.appendingPathComponent("Tests/EBPFTests/Golden/range-facts.txt")
  static let generated = 3000
  static let hasClang =
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
      FileManager.default.isExecutableFile(atPath: "\($0)/clang")
    }

  static func digest(_ f: FunctionIR.Function) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    func eat(_ x: UInt64) {
      for k in 0..<8 {
        h = (h ^ ((x >> (8 * UInt64(k))) & 0xFF)) &* 0x100_0000_01b3
      }
    }
    let frame = ExecutionOptions.stackFrameSize
    let facts = FunctionIR.RangeAnalysis.facts(for: f, frameSize: frame)
    for x in facts { eat(UInt64(x.rawValue)) }
    var proven = 0
    for x in facts where x == .proven { proven += 1 }
    for fits in [true, false] {
      let both = FunctionIR.RangeAnalysis.factsAndWordFacts(
        for: f, frameSize: frame, lengthFits: fits)
      eat(0xFFFF)
      for x in both.facts { eat(UInt64(x.rawValue)) }
      for w in both.words { eat(UInt64(w)) }
      eat(UInt64(both.frameReach))
    }
    return "\(facts.count) \(proven) \(String(h, radix: 16))"
  }

  /// Raw eBPF of a benchmark workload, entered through a leading `ja` (as
  /// bpf-bench does), or nil without clang.
  static func benchmark(_ name: String) -> Program? {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-range-golden-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let c = root.appendingPathComponent("Benchmarks/bpf/\(name).c").path
    let o = dir.appendingPathComponent("\(name).o").path
    let bin = dir.appendingPathComponent("\(name).bin").path
    func run(_ args: [String]) -> String? {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = args
      let pipe = Pipe()
      p.standardOutput = pipe
      guard (try? p.run()) != nil else { return nil }
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      guard p.terminationStatus == 0 else { return nil }
      return String(decoding: data, as: UTF8.self)
    }
    guard run(["clang", "--target=bpf", "-O2", "-c", c, "-o", o]) != nil,
      run(["llvm-objcopy", "-O", "binary", "--only-section=.text", o, bin]) != nil,
      let nm = run(["llvm-nm", o]),
      let line = nm.split(separator: "\n").first(where: { $0.hasSuffix(" T entry") }),
      let entry = Int(line.split(separator: " ")[0], radix: 16),
      let bytes = FileManager.default.contents(atPath: bin)
    else { return nil }
    guard var slots = try? RawInstruction.slots(from: [UInt8](bytes)) else { return nil }
    if entry != 0 {
      slots.insert(RawInstruction(opcode: 0x05, offset: Int16(entry / 8)), at: 0)
    }
    return try? Program(slots: slots)
  }

  static func lines() throws -> [String] {
    var out: [String] = []
    for name in ConformanceFile.names {
      let file = try ConformanceFile.load(name)
      let program: Program
      do {
        program = try file.raw.map { try Program(words: $0) } ?? Program(assembly: file.asm)
      } catch { continue }
      guard let f = try? Translator.translate(program) else { continue }
      out.append("conformance/\(name) \(digest(f))")
    }
    for name in ["calls", "filter", "fletcher", "hash", "sort"] {
      guard let p = benchmark(name), let f = try? Translator.translate(p) else {
        out.append("bench/\(name) missing")
        continue
      }
      out.append("bench/\(name) \(digest(f))")
    }
    for seed in 0..<generated {
      var bytes: [UInt8] = []
      var x = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
      for _ in 0..<256 {
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        bytes.append(UInt8(truncatingIfNeeded: x))
      }
      var g = BPFGenerator(bytes: bytes)
      guard let f = try? Translator.translate(g.program().program) else { continue }
      out.append("generated/\(seed) \(digest(f))")
    }
    return out
  }

  @Test(
    .requires(!ConformanceFile.names.isEmpty, ConformanceSuite.missingReason),
    .requires(
      hasClang, "clang (on PATH) builds Benchmarks/bpf"))
  func analysisMatchesTheRecordedResults() throws {
    let now = try Self.lines()
    if let path = ProcessInfo.processInfo.environment["KILN_RANGE_GOLDEN_OUT"] {
      try (now.joined(separator: "\n") + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
    }
    let text = try String(contentsOf: Self.golden, encoding: .utf8)
    let recorded = text.split(separator: "\n").map(String.init)
    #expect(recorded.count == now.count)
    var differing = 0
    for (a, b) in zip(recorded, now) where a != b {
      differing += 1
      if differing <= 10 { Issue.record("recorded \(a), now \(b)") }
    }
    #expect(differing == 0)
  }
}
