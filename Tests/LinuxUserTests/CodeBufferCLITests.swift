import Runtime
import Testing

/// Straight-line code, where every block runs once, larger than the JIT's
/// code buffer: `kiln run --code-size 1` flushes the full buffer and goes
/// on, with the result the program's arithmetic gives.
@Suite("kiln run --code-size")
struct CodeBufferCLITests {
  /// The program of `Benchmarks/straightline/straightline.c`, `count`
  /// instructions: a repeated body of register-only ALU instructions, then
  /// exit(checksum of the registers & 255).
  struct StraightLine {
    var words: [UInt32] = []
    /// The exit status, from the arithmetic below (not from kiln).
    var status: Int32 = 0

    init(count: Int) {
      // t0..t2 = x5..x7, t3..t6 = x28..x31; a0 = x10, a7 = x17.
      func i(_ f3: UInt32, _ rd: UInt32, _ rs: UInt32, _ imm: Int32) -> UInt32 {
        (UInt32(bitPattern: imm) & 0xfff) << 20 | rs << 15 | f3 << 12 | rd << 7 | 0x13
      }
      func r(_ f7: UInt32, _ f3: UInt32, _ rd: UInt32, _ a: UInt32, _ b: UInt32) -> UInt32 {
        f7 << 25 | b << 20 | a << 15 | f3 << 12 | rd << 7 | 0x33
      }
      let body: [UInt32] = [
        i(0, 5, 5, 1), r(0, 0, 6, 6, 5), r(0, 4, 7, 7, 6), i(1, 28, 7, 1),
        r(0, 6, 29, 29, 28), r(0x20, 0, 30, 30, 29), i(5, 31, 30, 3), r(0, 0, 5, 5, 31),
        i(4, 6, 6, 0x5a5), r(1, 0, 7, 7, 5), i(0, 28, 28, -7), r(0, 0, 29, 29, 7),
      ]
      let tail: [UInt32] = [
        r(0, 4, 10, 5, 6), r(0, 4, 10, 10, 7), r(0, 4, 10, 10, 28), r(0, 4, 10, 10, 29),
        r(0, 4, 10, 10, 30), r(0, 4, 10, 10, 31), i(7, 10, 10, 255), i(0, 17, 0, 93),
        0x0000_0073,
      ]
      var x = [UInt32](repeating: 0, count: 32)
      for n in 0..<count - tail.count {
        words.append(body[n % body.count])
        switch n % body.count {
        case 0: x[5] &+= 1
        case 1: x[6] &+= x[5]
        case 2: x[7] ^= x[6]
        case 3: x[28] = x[7] << 1
        case 4: x[29] |= x[28]
        case 5: x[30] &-= x[29]
        case 6: x[31] = x[30] >> 3
        case 7: x[5] &+= x[31]
        case 8: x[6] ^= 0x5a5
        case 9: x[7] &*= x[5]
        case 10: x[28] &-= 7
        default: x[29] &+= x[7]
        }
      }
      words += tail
      status = Int32((x[5] ^ x[6] ^ x[7] ^ x[28] ^ x[29] ^ x[30] ^ x[31]) & 255)
    }
  }

  /// 300,000 instructions: some 1.5 MiB of x86-64 code (regions; 200,000 fit in
  /// 1 MiB), more of AArch64, so `--code-size 1` must flush.
  static let program = StraightLine(count: 300_000)

  static func flushes(_ r: ProcessResult) -> Int? {
    guard
      let line = r.stderrText.split(separator: "\n").first(where: {
        $0.hasPrefix("kiln: cache flushes: ")
      })
    else { return nil }
    return Int(line.dropFirst("kiln: cache flushes: ".count))
  }

  @Test(arguments: RunSetup.all.filter { $0.engine == .jit })
  func programLargerThanTheCodeBufferRunsRight(setup: RunSetup) throws {
    let path = try CLITests.file(
      "straight-\(setup.memory)-\(setup.emulatedPort ?? "native")",
      ELFBuilder.program(Self.program.words).bytes())
    let small = try CLITests.kiln(
      ["run", "--code-size", "1", "--stats", "--compile-threshold", "0"] + setup.options + [path])
    #expect(small.status == Self.program.status, "\(small)")
    #expect((Self.flushes(small) ?? 0) >= 1, "\(small)")
    // The default buffer holds all of it: compiled once, never flushed.
    let large = try CLITests.kiln(
      ["run", "--stats", "--compile-threshold", "0"] + setup.options + [path])
    #expect(large.status == Self.program.status, "\(large)")
    #expect(Self.flushes(large) == 0, "\(large)")
  }

  @Test(arguments: [["--code-size", "0"], ["--code-size", "1025"]])
  func codeSizeOutOfRangeIsAUsageError(extra: [String]) throws {
    let path = try CLITests.file("code-size-ok", ELFBuilder.program(RV.exit(0)).bytes())
    let r = try CLITests.kiln(["run"] + extra + [path])
    #expect(r.status == 64, "\(r)")
    #expect(r.stderrText.contains("--code-size"), "\(r)")
  }
}
