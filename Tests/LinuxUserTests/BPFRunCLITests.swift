import EBPF
import Foundation
import KilnTestSupport
import Testing

/// `kiln bpf run`, `asm` and `disasm`: input kinds, output, exit statuses and
/// one-line diagnostics.
@Suite("kiln bpf run/asm/disasm")
struct BPFRunCLITests {
  static let scratch: URL = {
    let dir = Tools.scratch.appendingPathComponent("bpf-cli", isDirectory: true)
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }()

  static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = scratch.appendingPathComponent(name)
    try Data(bytes).write(to: url, options: .atomic)
    return url.path
  }

  static func file(_ name: String, _ text: String) throws -> String {
    try file(name, Array(text.utf8))
  }

  static func kiln(_ args: [String]) throws -> ProcessResult {
    try runProcess(Tools.kiln, ["bpf"] + args)
  }

  /// Compiles C for eBPF (`clang --target=bpf -O2 -c`) into the scratch directory.
  static func bpfObject(_ name: String, _ source: String) throws -> String {
    let clang = try #require(Tools.clang, "clang is not on PATH")
    let c = try file("\(name).c", source)
    let o = scratch.appendingPathComponent("\(name).o").path
    let r = try runProcess(clang, ["--target=bpf", "-O2", "-fno-builtin", "-c", c, "-o", o])
    try #require(r.status == 0, "clang: \(r.stderrText)")
    return o
  }

  static func expectResult(_ r: ProcessResult, _ value: String) {
    #expect(r.status == 0, "\(r)")
    #expect(r.stdoutText == value + "\n", "\(r)")
  }

  /// A file-name tag for a test source (parameterized cases run in parallel).
  static func tag(_ source: String) -> String {
    String(source.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }, radix: 16)
  }

  static let answer = "mov %r0, 1\nadd %r0, 41\nexit\n"

  @Test func assemblyRuns() throws {
    Self.expectResult(try Self.kiln(["run", Self.file("answer.s", Self.answer)]), "42")
  }

  @Test func resultIsUnsignedDecimal() throws {
    let path = try Self.file("minus1.s", "mov %r0, -1\nexit\n")
    Self.expectResult(try Self.kiln(["run", path]), "18446744073709551615")
  }

  @Test func rawBinaryRuns() throws {
    // mov r0, 7; exit (RFC 9669 encodings).
    let bin = try Self.file("seven.bin", [0xb7, 0, 0, 0, 7, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0])
    Self.expectResult(try Self.kiln(["run", bin]), "7")
    let r = try Self.kiln(["run", "--unchecked", bin])
    Self.expectResult(r, "7")
  }

  /// `--mem-hex` and `--mem` give the context; the program reads r1/r2.
  @Test func memoryFromHexAndFile() throws {
    // r0 = len + mem[0] + mem[3]
    let prog = try Self.file(
      "mem.s",
      "mov %r0, %r2\nldxb %r3, [%r1]\nadd %r0, %r3\nldxb %r3, [%r1+3]\nadd %r0, %r3\nexit\n")
    Self.expectResult(try Self.kiln(["run", "--mem-hex", "10 00 00 20", prog]), "52")
    Self.expectResult(try Self.kiln(["run", "--mem-hex", "10000020", prog]), "52")
    let mem = try Self.file("mem.bin", [1, 2, 3, 4, 5])
    Self.expectResult(try Self.kiln(["run", "--mem", mem, prog]), "10")
  }

  @Test func helpersOfTheCLI() throws {
    let prog = try Self.file("helpers.s", "mov %r1, 1234\ncall 6\nmov %r1, 99\ncall 5\nexit\n")
    let r = try Self.kiln(["run", prog])
    Self.expectResult(r, "99")
    #expect(r.stderrText == "trace: 1234\n")
  }

  /// A C program: a loop over the context, a noinline static function, a
  /// helper, a .data global and a .rodata string. Expected values follow from
  /// the C source.
  @Test(.requires(Tools.clang != nil, "clang is not on PATH"))
  func elfObjectRuns() throws {
    let source = """
      static unsigned long (*const identity)(unsigned long) = (void *)5;
      static const char tag[] = "kiln";
      unsigned long bias = 1000;
      static __attribute__((noinline)) unsigned long sum(unsigned char *p, unsigned long n) {
        unsigned long s = 0;
        for (unsigned long i = 0; i < n; i++) s += p[i];
        return s;
      }
      unsigned long prog(unsigned char *mem, unsigned long len) {
        bias += 1;
        return identity(sum(mem, len)) + bias + tag[1];
      }
      """
    let o = try Self.bpfObject("prog", source)
    // 1+2+3+4 = 10; bias 1001; 'i' = 105.
    Self.expectResult(try Self.kiln(["run", "--mem-hex", "01 02 03 04", o]), "1116")
    Self.expectResult(try Self.kiln(["run", "--function", "prog", o]), "1106")
    // Thumb-2 in Unicorn: the data sections go below 4 GiB, where its
    // 32-bit code can address them.
    Self.expectResult(
      try Self.kiln(["run", "--host", "thumb2", "--mem-hex", "01 02 03 04", o]), "1116")
    // -v: the listing on stderr, functions labelled, globals annotated
    // (the interpreter, so that no host code follows).
    let v = try Self.kiln(["run", "-v", "--engine", "interpreter", o])
    Self.expectResult(v, "1106")
    #expect(v.stderrText.contains("prog:\n   0: "))
    #expect(v.stderrText.contains("sum:\n"))
    #expect(v.stderrText.contains("; .data+0x0"))
    let d = try Self.kiln(["disasm", o])
    #expect(d.status == 0)
    // The same listing as -v, up to the host addresses of the data copies.
    func normalized(_ s: String) -> String {
      s.replacingOccurrences(of: "0x[0-9a-f]{6,}", with: "ADDRESS", options: .regularExpression)
    }
    #expect(normalized(d.stdoutText) == normalized(v.stderrText))
    // Wrong names: one line listing the candidates.
    let missing = try Self.kiln(["run", "--function", "nope", o])
    #expect(missing.status == 1)
    CLITests.expectOneDiagnostic(
      missing, containing: "no function 'nope' in the object (functions: prog, sum)")
  }

  // MARK: Failures

  @Test func missingFile() throws {
    let r = try Self.kiln(["run", "/nonexistent/prog.o"])
    #expect(r.status == 1)
    CLITests.expectOneDiagnostic(r, containing: "cannot read /nonexistent/prog.o")
  }

  @Test(
    arguments: [
      ("garbage.o", Array("this is not an object file".utf8), "not an ELF file"),
      ("truncated.o", [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0], "truncated ELF"),
      (
        "elf32.o", [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1] + [UInt8](repeating: 0, count: 57),
        "ELF class 1"
      ),
      ("odd.bin", [0xb7, 0, 0], "not a multiple of 8"),
    ] as [(String, [UInt8], String)])
  func malformedInput(name: String, bytes: [UInt8], message: String) throws {
    let r = try Self.kiln(["run", Self.file(name, bytes)])
    #expect(r.status == 1)
    CLITests.expectOneDiagnostic(r, containing: message)
  }

  @Test(.requires(Tools.clang != nil, "clang is not on PATH"))
  func hostObjectIsNotEBPF() throws {
    let clang = try #require(Tools.clang, "clang is not on PATH")
    let c = try Self.file("host.c", "int f(void) { return 1; }\n")
    let o = Self.scratch.appendingPathComponent("host.o").path
    #expect(try runProcess(clang, ["--target=x86_64-linux-gnu", "-c", c, "-o", o]).status == 0)
    let r = try Self.kiln(["run", o])
    #expect(r.status == 1)
    CLITests.expectOneDiagnostic(r, containing: "ELF machine 62 is not eBPF")
  }

  @Test(arguments: [
    ("ja +5\nexit\n", "jump out of bounds at instruction 0"),
    ("mov %r0, 1\ncall 99\nexit\n", "call to unknown helper 99 at instruction 1"),
    ("mov %r0, 1\n", "fall off the end of the program after instruction 0"),
    ("frobnicate %r0\nexit\n", "line 1: unknown mnemonic"),
  ])
  func rejectedPrograms(source: String, message: String) throws {
    let r = try Self.kiln(["run", Self.file("rejected-\(Self.tag(source)).s", source)])
    #expect(r.status == 1)
    CLITests.expectOneDiagnostic(r, containing: message)
  }

  /// Runtime errors: their own status, one line naming the instruction.
  @Test(
    arguments: [
      (
        "mov %r0, 0\nldxdw %r0, [%r1+8]\nexit\n", ["--mem-hex", "00 01 02 03"], 139,
        "out-of-bounds load of 8 bytes"
      ),
      (
        "mov %r1, 16\nstw [%r1], 1\nexit\n", [], 139,
        "out-of-bounds store of 4 bytes at 0x10 (instruction 1)"
      ),
      (
        "call local -1\nexit\n", [], 134,
        "call depth exceeded the limit of 8 frames at instruction 0"
      ),
      (
        "ja -1\nexit\n", ["--max-instructions", "1000"], 134,
        "instruction budget exhausted at instruction 0 after 1000 instructions"
      ),
    ] as [(String, [String], Int32, String)])
  func runtimeErrors(source: String, options: [String], status: Int32, message: String) throws {
    let path = try Self.file("runtime-\(Self.tag(source)).s", source)
    // The same errors natively, with the code run in Unicorn, and interpreted.
    let emulated: [[String]] = [["--emulate"], ["--host", "aarch64"], ["--host", "thumb2"]]
    for extra in [[]] + emulated + [["--engine", "interpreter"]] {
      let r = try Self.kiln(["run"] + extra + options + [path])
      #expect(r.status == status, "\(extra) \(r)")
      CLITests.expectOneDiagnostic(r, containing: message)
      #expect(r.stderrText.contains("instruction "))
    }
  }

  /// `--host`/`--emulate` select the JIT's port and where its code runs.
  @Test func emulatedJITRunsAndDumps() throws {
    let path = try Self.file("answer-emulated.s", Self.answer)
    for args in [
      ["--emulate"], ["--host", "x86_64", "--emulate"], ["--host", "aarch64"],
      ["--host", "thumb2"],
    ] {
      let r = try Self.kiln(["run"] + args + [path])
      #expect(r.status == 0, "\(r)")
      #expect(r.stdoutText == "42\n")
    }
    let v = try Self.kiln(["run", "-v", "--emulate", path])
    #expect(v.stderrText.contains("x86-64 (unicorn) code"))
    // AArch64 code, disassembled by Capstone.
    let a = try Self.kiln(["run", "-v", "--host", "aarch64", path])
    #expect(a.status == 0, "\(a)")
    #expect(a.stdoutText == "42\n")
    #expect(a.stderrText.contains("AArch64 (unicorn) code"))
    #expect(a.stderrText.contains("stp"))
    #expect(a.stderrText.contains("ret"))
    // Thumb-2 code: the prologue's push, the return through pc.
    let t = try Self.kiln(["run", "-v", "--host", "thumb2", path])
    #expect(t.status == 0, "\(t)")
    #expect(t.stdoutText == "42\n")
    #expect(t.stderrText.contains("Thumb-2 (unicorn) code"))
    #expect(t.stderrText.contains("push"))
    #expect(t.stderrText.contains("pop.w"))
  }

  /// The JIT takes an instruction budget too (it used to refuse one): a
  /// program that fits runs as without it, on both engines.
  @Test func jitTakesAnInstructionBudget() throws {
    let path = try Self.file("answer-jit.s", Self.answer)
    for engine in ["jit", "interpreter"] {
      let r = try Self.kiln(["run", "--engine", engine, "--max-instructions", "10", path])
      #expect(r.status == 0, "\(r)")
      #expect(r.stdoutText == "42\n")
    }
  }

  /// `-v` with the JIT: the eBPF listing, then the host code from Capstone.
  @Test func verboseJITShowsHostCode() throws {
    let r = try Self.kiln(["run", "-v", "--engine", "jit", Self.file("answer-v.s", Self.answer)])
    #expect(r.status == 0, "\(r)")
    #expect(r.stderrText.contains("x86-64 code"))
    #expect(r.stderrText.contains("ret"))
  }

  @Test(arguments: [
    ["--mem-hex", "0", "P"], ["--mem-hex", "zz", "P"], ["--mem", "x", "--mem-hex", "00", "P"],
    ["--engine", "llvm", "P"], ["--function", "f", "P"], ["--bogus", "P"], [],
    ["--host", "vax", "P"], ["--engine", "interpreter", "--emulate", "P"],
  ])
  func usageErrors(_ args: [String]) throws {
    let prog = try Self.file("usage.s", Self.answer)
    let r = try Self.kiln(["run"] + args.map { $0 == "P" ? prog : $0 })
    #expect(r.status == 64, "\(r)")
    CLITests.expectOneDiagnostic(r, containing: "(see 'kiln bpf run --help')")
  }

  // MARK: asm and disasm

  /// `asm` prints `-- raw` words: compare with the suite's own `-- raw` of lddw.data.
  @Test func asmPrintsRawWords() throws {
    let source = "lddw %r0, 0x1122334455667788\nexit\n"
    let r = try Self.kiln(["asm", Self.file("lddw.s", source)])
    #expect(r.status == 0)
    #expect(r.stdoutText == "0x5566778800000018\n0x1122334400000000\n0x0000000000000095\n")
  }

  /// asm → .bin → disasm → asm gives the same bytes, for a range of instructions.
  @Test func asmDisasmRoundTrip() throws {
    let source = """
      mov %r0, 0
      mov32 %r1, -3
      lddw %r2, 0x123456789abcdef0
      ldxw %r3, [%r10-8]
      stxdw [%r10-16], %r2
      stb [%r10-1], 7
      lock add [%r10-16], %r1
      lock fetch xor32 [%r10-8], %r3
      be16 %r3
      movsx832 %r4, %r1
      sdiv %r2, 3
      jsgt %r1, %r2, +2
      jeq32 %r3, 5, +1
      call local +2
      ja +2
      call 5
      exit
      neg %r0
      exit
      """
    let s = try Self.file("roundtrip.s", source)
    let bin = Self.scratch.appendingPathComponent("roundtrip.bin").path
    let asm = try Self.kiln(["asm", s, "-o", bin])
    #expect(asm.status == 0 && asm.stdout.isEmpty, "\(asm)")
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bin)))
    #expect(original.count == 20 * 8)  // 19 instructions, lddw takes two slots
    let listing = try Self.kiln(["disasm", bin])
    #expect(listing.status == 0)
    // Drop the "  12: " indices.
    let text = listing.stdoutText.split(separator: "\n").map {
      $0.drop(while: { $0 != ":" }).dropFirst(2)
    }.joined(separator: "\n")
    let again = Self.scratch.appendingPathComponent("roundtrip2.bin").path
    #expect(try Self.kiln(["asm", Self.file("roundtrip2.s", text), "-o", again]).status == 0)
    #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: again))) == original)
  }

  @Test func disasmOfBadInputIsOneLine() throws {
    let r = try Self.kiln(["disasm", Self.file("bad.bin", [0xff, 0, 0, 0, 0, 0, 0, 0])])
    #expect(r.status == 1)
    CLITests.expectOneDiagnostic(r, containing: "invalid opcode 0xff at instruction 0")
  }
}
