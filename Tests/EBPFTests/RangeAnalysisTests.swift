import EBPF
import KilnIR
import Testing

/// The range analysis behind bounds-check removal (`FunctionIR.RangeAnalysis`):
/// which accesses it proves, by site (the instruction index), for small
/// programs whose answers are derived by hand in the comments. `L` is the
/// context length (r2 at entry); the frame is `[r10 - 512, r10)`.
@Suite struct RangeAnalysisTests {
  typealias Fact = FunctionIR.AccessFact

  /// The facts of every access of `source`, by site.
  func facts(_ source: String) throws -> [Int: Fact] {
    var function = try Translator.translate(Program(assembly: source))
    function.analyzeRanges(frameSize: 512)
    var out: [Int: Fact] = [:]
    for op in function.ops {
      switch op {
      case .load(_, _, _, _, _, let site), .store(_, _, _, _, let site),
        .atomic(_, _, _, _, _, _, let site):
        out[site] = function.accessFact(site: site)
      default: break
      }
    }
    return out
  }

  @Test func frameCopies() throws {
    let f = try facts(
      """
      mov %r3, %r10
      add %r3, -8
      stxdw [%r3+0], %r1
      ldxdw %r0, [%r3+8]
      mov %r4, %r10
      add %r4, -520
      ldxb %r0, [%r4+0]
      exit
      """)
    // r10-8 .. r10: inside; r10 .. r10+8: above the frame; r10-520: below it.
    #expect(f == [2: .proven, 3: .checked, 6: .checked])
  }

  @Test func countedLoop() throws {
    let f = try facts(
      """
      mov %r3, 0
      loop:
      jge %r3, %r2, done
      mov %r4, %r1
      add %r4, %r3
      ldxb %r0, [%r4+0]
      ldxh %r5, [%r4+0]
      add %r3, 1
      ja loop
      done:
      exit
      """)
    // r3 in [0, L-1]: one byte ends at most at L, two bytes at L+1.
    #expect(f == [4: .proven, 5: .context])
  }

  @Test func offByOneLoopIsNotProven() throws {
    let f = try facts(
      """
      mov %r3, 0
      loop:
      jgt %r3, %r2, done
      mov %r4, %r1
      add %r4, %r3
      ldxb %r0, [%r4+0]
      add %r3, 1
      ja loop
      done:
      exit
      """)
    // r3 <= L: the byte at r1 + L is outside.
    #expect(f == [4: .context])
  }

  @Test func pointerAdvancingWithACounter() throws {
    let f = try facts(
      """
      jlt %r2, 8, done
      rsh %r2, 3
      mov %r3, %r1
      mov %r4, 0
      loop:
      ldxdw %r0, [%r3+0]
      ldxdw %r0, [%r3+1]
      add %r3, 8
      add %r4, 1
      jlt %r4, %r2, loop
      done:
      exit
      """)
    // L >= 8, r2 = floor(L/8), r3 = r1 + 8*r4, r4 in [0, floor(L/8) - 1]:
    // 8 bytes at r3 end at 8*floor(L/8) <= L; at r3+1, one byte later.
    #expect(f == [4: .proven, 5: .context])
  }

  @Test func pointerFasterThanItsBound() throws {
    let f = try facts(
      """
      jlt %r2, 8, done
      rsh %r2, 3
      mov %r3, %r1
      mov %r4, 0
      loop:
      ldxdw %r0, [%r3+0]
      add %r3, 16
      add %r4, 1
      jlt %r4, %r2, loop
      done:
      exit
      """)
    // r3 = r1 + 16*r4 with r4 < floor(L/8): up to about 2L.
    #expect(f == [4: .context])
  }

  @Test func masksAndLengthGuards() throws {
    let f = try facts(
      """
      jlt %r2, 64, done
      ldxb %r3, [%r1+0]
      and %r3, 63
      mov %r4, %r1
      add %r4, %r3
      ldxb %r0, [%r4+0]
      ldxh %r0, [%r4+0]
      ldxdw %r0, [%r1+56]
      ldxdw %r0, [%r1+57]
      done:
      exit
      """)
    // L >= 64; r3 in [0, 63]: a byte ends at 64, a half-word at 65;
    // 8 bytes at 56 end at 64, at 57 at 65.
    #expect(f == [1: .proven, 5: .proven, 6: .context, 7: .proven, 8: .context])
  }

  @Test func outOfRangeOnOnePath() throws {
    let f = try facts(
      """
      jlt %r2, 64, done
      ldxb %r3, [%r1+0]
      mov %r5, 10
      jeq %r3, 0, skip
      mov %r5, 100
      skip:
      mov %r4, %r1
      add %r4, %r5
      ldxb %r0, [%r4+0]
      done:
      exit
      """)
    // r5 is 10 or 100, L only known >= 64.
    #expect(f == [1: .proven, 7: .context])
  }

  @Test func notEqualZeroGivesALength() throws {
    let f = try facts(
      """
      jeq %r2, 0, done
      ldxb %r0, [%r1+0]
      ldxh %r0, [%r1+0]
      done:
      exit
      """)
    // L != 0 means L >= 1: one byte, not two.
    #expect(f == [1: .proven, 2: .context])
  }

  @Test func signedBoundKeepsTheCheck() throws {
    let signed = try facts(
      """
      jsge %r0, %r2, done
      mov %r4, %r1
      add %r4, %r0
      ldxb %r0, [%r4+0]
      done:
      exit
      """)
    // r0 < L signed: r0 may be negative.
    #expect(signed == [3: .context])
    let unsigned = try facts(
      """
      jge %r0, %r2, done
      mov %r4, %r1
      add %r4, %r0
      ldxb %r0, [%r4+0]
      done:
      exit
      """)
    // r0 < L unsigned: 0 <= r0 <= L - 1.
    #expect(unsigned == [3: .proven])
  }

  @Test func thirtyTwoBitWrap() throws {
    let f = try facts(
      """
      jlt %r2, 16, done
      mov32 %r3, -1
      add32 %r3, 1
      mov %r4, %r1
      add %r4, %r3
      ldxb %r0, [%r4+0]
      mov32 %r3, 5
      add32 %r3, 10
      mov %r4, %r1
      add %r4, %r3
      ldxb %r0, [%r4+0]
      done:
      exit
      """)
    // 0xFFFFFFFF + 1 wraps (the analysis only knows [0, 2^32)); 5 + 10 = 15 < 16.
    #expect(f == [5: .context, 10: .proven])
  }

  @Test func callsForgetArgumentsAndSlots() throws {
    let f = try facts(
      """
      jlt %r2, 8, done
      mov %r6, %r1
      stxdw [%r10-8], %r1
      call 0
      ldxb %r0, [%r1+0]
      ldxb %r0, [%r6+0]
      ldxdw %r7, [%r10-8]
      ldxb %r0, [%r7+0]
      call local f
      done:
      exit
      f:
      ldxb %r0, [%r1+0]
      exit
      """)
    // r1 is clobbered by the call, r6 kept (and L >= 8), the slot dropped;
    // in the callee r1 is whatever the caller passed.
    #expect(
      f == [2: .proven, 4: .checked, 5: .proven, 6: .proven, 7: .checked, 10: .checked])
  }

  @Test func frameSlotsAndUnknownStores() throws {
    let f = try facts(
      """
      jlt %r2, 8, done
      stxdw [%r10-8], %r1
      ldxdw %r5, [%r10-8]
      ldxb %r0, [%r5+0]
      stxdw [%r0+0], %r5
      ldxdw %r5, [%r10-8]
      ldxb %r0, [%r5+0]
      done:
      exit
      """)
    // The slot holds r1 until a store through an unknown pointer (it may
    // hit the stack): then only "the context plus something" is left.
    #expect(
      f == [1: .proven, 2: .proven, 3: .proven, 4: .checked, 5: .proven, 6: .context])
  }

  @Test func localCallsKeepTheFrameWhenNothingWritesOutsideItsOwn() throws {
    let own = try facts(
      """
      jlt %r2, 8, done
      stxdw [%r10-8], %r1
      call local f
      ldxdw %r7, [%r10-8]
      ldxb %r0, [%r7+0]
      done:
      exit
      f:
      stdw [%r10-8], 0
      exit
      """)
    // The callee only writes its own frame, below the caller's.
    #expect(own == [1: .proven, 3: .proven, 4: .proven, 6: .proven])
    let caller = try facts(
      """
      jlt %r2, 8, done
      stxdw [%r10-8], %r1
      call local f
      ldxdw %r7, [%r10-8]
      ldxb %r0, [%r7+0]
      done:
      exit
      f:
      stdw [%r10+504], 0
      exit
      """)
    // r10 + 504 in the callee is the caller's r10 - 8.
    #expect(caller == [1: .proven, 3: .proven, 4: .checked, 6: .checked])
  }

  @Test func infiniteLoopConverges() throws {
    let f = try facts(
      """
      mov %r3, %r1
      loop:
      ldxb %r0, [%r3+0]
      add %r3, 1
      ja loop
      """)
    #expect(f == [1: .context])
  }
}
