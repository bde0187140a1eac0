import EBPF
import Foundation
import KilnFuzz
import Testing

/// JIT against the interpreter on random well-formed programs (KilnFuzz's
/// `BPFGenerator`: every ALU operation at both widths with edge values,
/// byte swaps, sign extensions, stack and context loads, stores and
/// atomics, forward branches, bounded loops, helper calls by id and by
/// register, local calls, legacy packet loads; some programs end in an
/// error). The whole outcome is compared on every engine row: r0 or the
/// error (kind, instruction index, address), every register r0–r9 and the
/// main frame (the program's epilogue copies them into the context), and
/// the context memory, also after a failed run. `KILN_FUZZ_SEEDS=N` runs
/// more seeds; `Scripts/fuzz.sh` runs millions.
@Suite struct DifferentialTests {
  static let seeds: [UInt64] = {
    let n = ProcessInfo.processInfo.environment["KILN_FUZZ_SEEDS"].flatMap { Int($0) } ?? 64
    return (0..<n).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
  }()

  @Test(arguments: seeds)
  func jitMatchesInterpreter(seed: UInt64) throws {
    let input = (0..<32).map { UInt8(truncatingIfNeeded: seed >> (8 * ($0 % 8)) &+ UInt64($0)) }
    var generator = BPFGenerator(bytes: input)
    let program = generator.program()
    // One oracle per test: its context buffer is not shared between parallel tests.
    let oracle = try BPFDifferential(engines: Engine.jits.map { BPFEngine(host: $0.host) })
    if let divergence = oracle.check(program) {
      Issue.record("seed \(seed): \(divergence)")
    }
  }

  /// The comparison sees what the old r0-only test missed: a register the
  /// program never folds into r0, a frame slot, a context byte, the error's
  /// instruction index. (Outcomes differing in one of these must differ.)
  @Test func outcomesDifferInEveryPart() throws {
    let base = BPFOutcome(result: .success(1), context: [UInt8](repeating: 0, count: 512))
    var register = base
    register.context[BPFProgram.dumpOffset + 8 * 3] = 1  // r3
    var frame = base
    frame.context[BPFProgram.dumpOffset + 8 * BPFProgram.dumpedRegisters.count + 8 * 15] = 1
    var error = base
    error.result = .failure(.callDepthExceeded(index: 7, limit: 8))
    var site = error
    site.result = .failure(.callDepthExceeded(index: 9, limit: 8))
    for other in [register, frame, error] { #expect(other != base) }
    #expect(site != error)
    #expect(BPFDifferential.diff(base, register).contains("r3:"))
    #expect(BPFDifferential.diff(base, frame).contains("[r10-128]"))
  }
}
