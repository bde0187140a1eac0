import EBPF
import KilnIR
import Testing

/// Widening with thresholds in the range analysis (`RangeThresholds.swift`):
/// a loop counter compared with `!=` settles at the bound the comparison
/// implies instead of growing without one. Answers worked out by hand in
/// the comments; the frame is `[r10 - 512, r10)`.
@Suite struct RangeThresholdTests {
  /// The facts of every access of `source`, by site (as `RangeAnalysisTests`).
  func facts(_ source: String) throws -> [Int: FunctionIR.AccessFact] {
    var function = try Translator.translate(Program(assembly: source))
    function.analyzeRanges(frameSize: 512)
    var out: [Int: FunctionIR.AccessFact] = [:]
    for op in function.ops {
      switch op {
      case .load(_, _, _, _, _, let site), .store(_, _, _, _, let site):
        out[site] = function.accessFact(site: site)
      default: break
      }
    }
    return out
  }

  /// The DHT22 decoder's bit loop: `bytes[i / 8]` for i = 0 … 39 (sites
  /// are instruction indices: the load is 6, the store 7).
  static func byteLoop(bound: Int) -> String {
    """
    mov %r6, 0
    loop:
    mov %r1, %r6
    rsh %r1, 3
    mov %r3, %r10
    add %r3, -8
    add %r3, %r1
    ldxb %r0, [%r3+0]
    stxb [%r3+0], %r0
    add %r6, 1
    jne %r6, \(bound), loop
    exit
    """
  }

  /// i stops at 40: at the head i is in [0, 39] (the threshold 39, one
  /// below the constant), i / 8 in [0, 4], the byte at r10 - 8 + [0, 4]
  /// inside the frame.
  @Test func counterComparedWithNotEqualIsBounded() throws {
    #expect(try facts(Self.byteLoop(bound: 40)) == [6: .proven, 7: .proven])
  }

  /// i stops at 80: i / 8 reaches 9, r10 - 8 + 9 = r10 + 1 is above the frame.
  @Test func aBoundPastTheFrameKeepsTheCheck() throws {
    #expect(try facts(Self.byteLoop(bound: 80)) == [6: .checked, 7: .checked])
  }

  /// i = 0, 2, 4 … never equals 41: no threshold holds (40 is passed by
  /// 42), the bound is given up and r10 - 64 + i is checked.
  @Test func aCounterThatSkipsItsBoundIsNotBounded() throws {
    let f = try facts(
      """
      mov %r6, 0
      loop:
      mov %r3, %r10
      add %r3, -64
      add %r3, %r6
      ldxb %r0, [%r3+0]
      add %r6, 2
      jne %r6, 41, loop
      exit
      """)
    #expect(f == [4: .checked])
  }
}
