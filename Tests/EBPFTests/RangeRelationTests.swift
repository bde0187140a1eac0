import EBPF
import KilnIR
import Testing

/// Relations between two registers in the range analysis: pairs (`x - y`
/// or `x + y` in a range, from comparisons of two registers and from
/// `x -= y`) and two-term relations (`p = o + s*x + t*y`), which prove the
/// inner loop of a Shell sort (`a[j - gap]`, `a[j]`). Each fact has a
/// near miss where it does not hold: there the check stays, and on every
/// engine the access faults as in the interpreter (`RangeProofTests`).
@Suite struct RangeRelationTests {
  typealias Fact = FunctionIR.AccessFact

  /// The facts of every access of `source`, by site.
  func facts(_ source: String) throws -> [Int: Fact] {
    try RangeAnalysisTests().facts(source)
  }

  /// `r5 = r3 - r4` after a comparison of r3 and r4 (`cond` taken skips).
  static func difference(_ skip: String) -> String {
    """
    jlt %r2, 64, done
    ldxdw %r3, [%r1+0]
    ldxdw %r4, [%r1+8]
    and %r3, 15
    and %r4, 15
    \(skip)
    mov %r5, %r3
    sub %r5, %r4
    lsh %r5, 2
    mov %r6, %r1
    add %r6, %r5
    ldxw %r0, [%r6+0]
    done:
    exit
    """
  }

  @Test func differenceAfterAComparison() throws {
    // r3, r4 in [0, 15]; the intervals alone give r5 in [-15, 15].
    // r3 >= r4 (unsigned, both non-negative): r5 in [0, 15], 4*r5 + 4 <= 64.
    #expect(
      try facts(Self.difference("jlt %r3, %r4, done")) == [1: .proven, 2: .proven, 11: .proven])
    #expect(
      try facts(Self.difference("jslt %r3, %r4, done")) == [1: .proven, 2: .proven, 11: .proven])
    // Near misses: r4 >= r3 (r5 in [-15, 0]) and r3 != r4 are not proven;
    // r3 > r4 is (r5 in [1, 15]).
    #expect(
      try facts(Self.difference("jlt %r4, %r3, done")) == [1: .proven, 2: .proven, 11: .context])
    #expect(
      try facts(Self.difference("jle %r3, %r4, done")) == [1: .proven, 2: .proven, 11: .proven])
    #expect(
      try facts(Self.difference("jeq %r3, %r4, done")) == [1: .proven, 2: .proven, 11: .context])
  }

  /// The Shell sort of `Benchmarks/bpf/sort.c` as clang -O2 --target=bpf
  /// compiles it (`llvm-objdump -d`), with `jhead`'s loop condition `cond`.
  static func sort(_ cond: String = "jge %r8, %r4, jhead") -> String {
    """
    mov %r0, 0
    jlt %r2, 4, out
    mov %r7, %r2
    rsh %r7, 2
    mov %r4, 0
    mov32 %r5, 12345
    mov %r0, %r1
    fill:
    mul32 %r5, 1103515245
    add32 %r5, 12345
    stxw [%r0+0], %r5
    add %r0, 4
    add %r4, 1
    jlt %r4, %r7, fill
    jgt %r2, 7, sortit
    sum0:
    mov %r2, 0
    mov %r0, 0
    sum:
    mul %r0, 31
    ldxw %r3, [%r1+0]
    add %r0, %r3
    add %r1, 4
    add %r2, 1
    jlt %r2, %r7, sum
    out:
    exit
    sortit:
    rsh %r2, 3
    stxdw [%r10-16], %r1
    stxdw [%r10-24], %r7
    ja gapstart
    nextgap:
    mov %r2, %r4
    rsh %r2, 1
    jlt %r4, 2, sum0
    gapstart:
    mov %r4, %r2
    jge %r4, %r7, nextgap
    mov %r2, %r4
    lsh %r2, 2
    mov %r5, %r2
    neg %r5
    stxdw [%r10-8], %r1
    mov %r6, %r4
    ja ihead
    jhead:
    ldxw %r3, [%r0+0]
    jle32 %r3, %r7, jdone
    sub %r8, %r4
    mov %r9, %r0
    add %r9, %r2
    stxw [%r9+0], %r3
    add %r0, %r5
    \(cond)
    jdone:
    lsh %r8, 2
    ldxdw %r1, [%r10-16]
    mov %r3, %r1
    add %r3, %r8
    stxw [%r3+0], %r7
    ldxdw %r3, [%r10-8]
    add %r3, 4
    stxdw [%r10-8], %r3
    add %r6, 1
    ldxdw %r7, [%r10-24]
    jlt %r6, %r7, ihead
    ja nextgap
    ihead:
    mov %r3, %r6
    lsh %r3, 2
    mov %r7, %r1
    add %r7, %r3
    ldxw %r7, [%r7+0]
    mov %r8, %r6
    jlt %r6, %r4, jdone
    ldxdw %r0, [%r10-8]
    mov %r8, %r6
    ja jhead
    """
  }

  @Test func shellSortIsProven() throws {
    let f = try facts(Self.sort())
    // At jhead: r0 = r1 + 4*(r8 - r4) with r8 >= r4 (from `jlt %r6, %r4`
    // and the loop condition), r8 <= floor(L/4) - 1; after `sub %r8, %r4`,
    // r9 = r1 + 4*(r8 + r4) with r8 + r4 the old r8; the slot at r10-8 is
    // r1 + 4*(r6 - r4).
    #expect(f.values.allSatisfy { $0 == .proven }, "\(f.sorted { $0.key < $1.key })")
    #expect(f.count == 14)
  }

  @Test func shellSortNearMiss() throws {
    // The inner loop runs while r8 != 0: a[j - gap] goes below the buffer
    // when j < gap. The loads and stores of the inner loop keep a check.
    let f = try facts(Self.sort("jne %r8, 0, jhead"))
    #expect(f[39] != .proven && f[44] != .proven)
    #expect(f[9] == .proven)
  }
}

/// The programs above on every engine, against the interpreter.
@Suite struct RangeRelationRunTests {
  /// The result and the buffer after running `source` on `length` zeroed bytes.
  func run(_ engine: Engine, _ source: String, length: Int, fill: [UInt8] = []) throws
    -> (result: Result<UInt64, EBPFError>, bytes: [UInt8], base: UInt64)
  {
    var bytes: [UInt8] = []
    let (result, base) = try RangeProofTests().run(
      engine, source, length: length,
      fill: { buffer in
        for (i, b) in fill.enumerated() where i < buffer.count { buffer[i] = b }
      },
      after: { bytes = Array($0) })
    return (result, bytes, base)
  }

  /// An error with its address made relative to the buffer (buffers differ between runs).
  func relative(_ r: Result<UInt64, EBPFError>, _ base: UInt64) -> String {
    switch r {
    case .success(let v): return "ok \(v)"
    case .failure(.outOfBounds(let index, let address, let size, let isWrite)):
      return "oob \(index) \(Int64(bitPattern: address &- base)) \(size) \(isWrite)"
    case .failure(let e): return "\(e)"
    }
  }

  @Test(arguments: Engine.jits, [4, 64, 100, 4096])
  func shellSortAsTheInterpreter(_ engine: Engine, _ length: Int) throws {
    let want = try run(.interpreter, RangeRelationTests.sort(), length: length)
    let got = try run(engine, RangeRelationTests.sort(), length: length)
    #expect(relative(got.result, got.base) == relative(want.result, want.base))
    #expect(got.bytes == want.bytes)
    if length >= 64 {
      // Sorted, as 32-bit words.
      let words = stride(from: 0, to: length / 4 * 4, by: 4).map {
        UInt32(want.bytes[$0]) | UInt32(want.bytes[$0 + 1]) << 8 | UInt32(want.bytes[$0 + 2]) << 16
          | UInt32(want.bytes[$0 + 3]) << 24
      }
      #expect(words == words.sorted())
    }
  }

  @Test(arguments: Engine.jits, [64, 100, 4096])
  func shellSortNearMissFaultsAsTheInterpreter(_ engine: Engine, _ length: Int) throws {
    let source = RangeRelationTests.sort("jne %r8, 0, jhead")
    let want = try run(.interpreter, source, length: length)
    // The LCG's keys are not sorted: somewhere a[j - gap] is read below the buffer.
    guard case .failure(.outOfBounds(39, _, 4, false)) = want.result else {
      Issue.record("interpreter: \(want.result)")
      return
    }
    let got = try run(engine, source, length: length)
    #expect(relative(got.result, got.base) == relative(want.result, want.base))
    #expect(got.bytes == want.bytes)
  }

  @Test(arguments: Engine.allCases)
  func differenceNearMissFaults(_ engine: Engine) throws {
    // r4 >= r3: with r3 = 2, r4 = 5, r5 = -3: the load is at r1 - 12.
    let source = RangeRelationTests.difference("jlt %r4, %r3, done")
    var fill = [UInt8](repeating: 0, count: 24)
    fill[0] = 2
    fill[8] = 5
    let r = try run(engine, source, length: 64, fill: fill)
    #expect(relative(r.result, r.base) == "oob 11 -12 4 false")
    fill[0] = 7
    fill[8] = 3
    fill[16] = 42
    let proven = try run(
      engine, RangeRelationTests.difference("jlt %r3, %r4, done"), length: 64, fill: fill)
    #expect(try proven.result.get() == 42)
  }
}

/// Random near misses around the new facts, each run on the interpreter
/// and every JIT: a fact that is proven where it does not hold shows as a
/// JIT that reads or writes where the interpreter faults.
@Suite struct RangeRelationRandomTests {
  /// xorshift64*: the same cases on every run.
  struct Random {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state ^= state >> 12
      state ^= state << 25
      state ^= state >> 27
      return Int((state &* 2_685_821_657_736_338_717) >> 33) % n
    }
  }

  static let conditions = [
    "jlt", "jle", "jgt", "jge", "jslt", "jsle", "jsgt", "jsge", "jeq", "jne",
  ]

  /// `difference` with a random comparison (either order), mask, scale and offset.
  static func differenceCase(_ r: inout Random) -> (String, [UInt8]) {
    let cond = conditions[r.next(conditions.count)]
    let (a, b) = r.next(2) == 0 ? ("%r3", "%r4") : ("%r4", "%r3")
    let mask = [3, 15, 63, 255][r.next(4)]
    let shift = r.next(4)
    let offset = r.next(9) - 4
    let op = ["sub", "add"][r.next(2)]
    let source = """
      jlt %r2, 64, done
      ldxdw %r3, [%r1+0]
      ldxdw %r4, [%r1+8]
      and %r3, \(mask)
      and %r4, \(mask)
      \(cond) \(a), \(b), done
      mov %r5, %r3
      \(op) %r5, %r4
      lsh %r5, \(shift)
      mov %r6, %r1
      add %r6, %r5
      ldxb %r0, [%r6\(offset >= 0 ? "+" : "")\(offset)]
      done:
      exit
      """
    var fill = [UInt8](repeating: 0, count: 64)
    for i in 0..<64 { fill[i] = UInt8(r.next(256)) }
    return (source, fill)
  }

  /// The sort with a random inner loop condition and step.
  static func sortCase(_ r: inout Random) -> String {
    let cond = conditions[r.next(conditions.count)]
    let pairs = [("%r8", "%r4"), ("%r4", "%r8"), ("%r8", "%r2"), ("%r8", "%r6")]
    let (a, b) = pairs[r.next(pairs.count)]
    return RangeRelationTests.sort("\(cond) \(a), \(b), jhead")
  }

  @Test(arguments: Engine.jits) func differencesAsTheInterpreter(_ engine: Engine) throws {
    let run = RangeRelationRunTests()
    var r = Random(state: 0x9E37_79B9_7F4A_7C15)
    var proven = 0
    var faults = 0
    for _ in 0..<150 {
      let (source, fill) = Self.differenceCase(&r)
      if try RangeRelationTests().facts(source)[11] == .proven { proven += 1 }
      let want = try run.run(.interpreter, source, length: 64, fill: fill)
      if case .failure = want.result { faults += 1 }
      let got = try run.run(engine, source, length: 64, fill: fill)
      #expect(
        run.relative(got.result, got.base) == run.relative(want.result, want.base), "\(source)")
    }
    // Both kinds occur: accesses without a check, and faults.
    #expect(proven >= 10 && faults >= 10, "proven \(proven), faults \(faults)")
  }

  @Test(arguments: Engine.jits) func sortsAsTheInterpreter(_ engine: Engine) throws {
    let run = RangeRelationRunTests()
    var r = Random(state: 0x2545_F491_4F6C_DD1D)
    for _ in 0..<40 {
      let source = Self.sortCase(&r)
      let length = [64, 100, 256][r.next(3)]
      let want = try run.run(.interpreter, source, length: length)
      let got = try run.run(engine, source, length: length)
      #expect(
        run.relative(got.result, got.base) == run.relative(want.result, want.base), "\(source)")
      #expect(got.bytes == want.bytes)
    }
  }
}
