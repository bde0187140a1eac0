import EBPF
import KilnIR
import Testing

/// Local calls that save only the registers of r6–r9 the callee may write
/// (`FunctionIR.LocalCallWrites`; the x86-64 port pushes those and pads
/// to keep the host stack aligned) and check the depth from the frame
/// pointer: on every engine, r6–r9 come back as the caller left them
/// whichever of them the callee writes (directly, on a branch, or in a
/// nested call, with a helper call in between at every stack depth), and
/// the depth limit fails at the interpreter's instruction.
@Suite struct LocalCallSaveTests {
  /// The caller sets r6–r9 = 6…9 and returns them packed as bytes
  /// (0x09080706 when they survive); the callee writes `written`, on a
  /// branch after a helper call, then calls `g`, which writes all four.
  static func program(written: [Int]) -> String {
    let writes = written.map { "mov %r\($0), \(100 + $0)" }.joined(separator: "\n")
    return """
      mov %r6, 6
      mov %r7, 7
      mov %r8, 8
      mov %r9, 9
      call local f
      lsh %r7, 8
      lsh %r8, 16
      lsh %r9, 24
      add %r6, %r7
      add %r6, %r8
      add %r6, %r9
      mov %r0, %r6
      exit
      f:
      mov %r1, 42
      call 5
      jeq %r0, 42, write
      exit
      write:
      \(writes)
      call local g
      ja done
      done:
      exit
      g:
      mov %r1, 7
      call 5
      mov %r6, 1
      mov %r7, 2
      mov %r8, 3
      mov %r9, 4
      exit
      """
  }

  /// Every subset of r6–r9, by bit mask.
  static let subsets: [[Int]] = (0..<16).map { m in (6...9).filter { m & (1 << ($0 - 6)) != 0 } }

  @Test(arguments: Engine.allCases) func calleeSavedRegistersSurvive(_ engine: Engine) throws {
    for written in Self.subsets {
      // By hand: the caller's values, packed (the callee's never show).
      #expect(try run(Self.program(written: written), engine: engine) == 0x0908_0706, "\(written)")
    }
  }

  @Test func writesAreFoundOnEveryPath() throws {
    for written in Self.subsets {
      let function = try Translator.translate(Program(assembly: Self.program(written: written)))
      let writes = FunctionIR.LocalCallWrites(function)
      var targets: [FunctionIR.Label] = []
      for op in function.ops { if case .callLocal(let l, _) = op { targets.append(l) } }
      #expect(targets.count == 2)
      // f: r0 (helper result, r1–r5 clobbered by helpers and calls), r1,
      // and exactly the written ones of r6–r9.
      let f = writes.writes(targets[0]) >> 6 & 0xF
      #expect(f == written.reduce(0) { $0 | UInt16(1 << ($1 - 6)) })
      #expect(writes.writes(targets[0]) & 0x3F == 0x3F)
      // g writes all four.
      #expect(writes.writes(targets[1]) >> 6 & 0xF == 0xF)
    }
  }

  /// A recursion stops at the limit with the interpreter's error, for
  /// several limits (the JIT compares the frame pointer with the limit).
  @Test(arguments: Engine.allCases) func depthLimitFromTheFramePointer(_ engine: Engine) throws {
    let source = """
      mov %r6, 0
      call local f
      exit
      f:
      add %r6, 1
      call local f
      exit
      """
    for depth in [1, 2, 3, 8, 33] {
      var options = ExecutionOptions()
      options.maxCallDepth = depth
      let got = error { () throws(EBPFError) in try run(source, options: options, engine: engine) }
      let expected = error { () throws(EBPFError) in
        try run(source, options: options, engine: .interpreter)
      }
      #expect(got == expected, "depth \(depth)")
      // By hand: the entry's call fails at depth 1, the callee's otherwise.
      #expect(got == .callDepthExceeded(index: depth == 1 ? 1 : 4, limit: depth))
    }
  }
}
