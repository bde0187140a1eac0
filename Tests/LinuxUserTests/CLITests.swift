import Foundation
import Runtime
import Testing

/// The `kiln` executable: exit statuses, one-line diagnostics, options.
@Suite("kiln CLI")
struct CLITests {
  static let scratch: URL = {
    let dir = Tools.scratch.appendingPathComponent("cli", isDirectory: true)
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }()

  static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = scratch.appendingPathComponent(name)
    // Atomic: parallel test cases may write and run the same file at once.
    try Data(bytes).write(to: url, options: .atomic)
    return url.path
  }

  static func kiln(_ args: [String], stdin: String = "") throws -> ProcessResult {
    try runProcess(Tools.kiln, args, stdin: Array(stdin.utf8))
  }

  /// Exactly one line, `kiln: …`, on stderr.
  static func expectOneDiagnostic(_ r: ProcessResult, containing text: String) {
    let lines = r.stderrText.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 2 && lines[1].isEmpty, "stderr: \(r.stderrText)")
    #expect(r.stderrText.hasPrefix("kiln: "))
    #expect(r.stderrText.contains(text), "stderr: \(r.stderrText)")
    #expect(r.stdout.isEmpty)
  }

  @Test func kilnBinaryExists() {
    #expect(
      FileManager.default.isExecutableFile(atPath: Tools.kiln), "expected kiln at \(Tools.kiln)")
  }

  @Test(arguments: malformedELFs)
  func malformedELFIsOneLineAndStatus1(_ c: MalformedELF) throws {
    let path = try Self.file(
      "bad-\(c.name.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "/", with: "_"))",
      c.bytes)
    let r = try Self.kiln(["run", path])
    #expect(r.status == 1)
    Self.expectOneDiagnostic(r, containing: c.error.description)
  }

  @Test func missingFileIsStatus1() throws {
    let r = try Self.kiln(["run", "/nonexistent/prog.elf"])
    #expect(r.status == 1)
    Self.expectOneDiagnostic(r, containing: "cannot read /nonexistent/prog.elf")
  }

  @Test func directoryIsStatus1() throws {
    let r = try Self.kiln(["run", Self.scratch.path])
    #expect(r.status == 1)
    Self.expectOneDiagnostic(r, containing: "is a directory")
  }

  @Test(arguments: [0, 1, 42, 255, 256 + 7] as [Int32], Engine.allCases)
  func exitStatusIsTheGuests(status: Int32, engine: Engine) throws {
    let path = try Self.file("exit\(status)-\(engine)", ELFBuilder.program(RV.exit(status)).bytes())
    let r = try Self.kiln(["run", "--engine", engine.rawValue, path])
    #expect(r.status == status & 0xff)
    #expect(r.stderr.isEmpty && r.stdout.isEmpty)
  }

  /// Guest faults: one line and 128 + the signal a real process would get.
  @Test(arguments: guestFaultCases, RunSetup.all)
  func guestFaults(_ fault: GuestFault, setup: RunSetup) throws {
    let path = try Self.file(
      "fault-\(fault.name)-\(setup.engine)-\(setup.memory)",
      ELFBuilder.program(fault.words).bytes())
    let r = try Self.kiln(["run"] + setup.options + [path])
    #expect(r.status == fault.status)
    if fault.status >= 128 {
      Self.expectOneDiagnostic(r, containing: fault.message)
    } else {
      #expect(r.stderr.isEmpty)
    }
  }

  /// A guest that touches more pages than --max-memory allows dies like a
  /// process out of memory would under qemu: SIGSEGV, with the store's pc.
  @Test(arguments: RunSetup.all)
  func guestMemoryExhausted(setup: RunSetup) throws {
    let words: [UInt32] = [
      0x2000_0537,  // lui a0, 0x20000
      0x0000_1337,  // lui t1, 1
      0x0005_2023,  // 1: sw zero, 0(a0)      (pc 0x10108)
      0x0065_0533,  // add a0, a0, t1         next page
      0xFF9F_F06F,  // j 1b
    ]
    let path = try Self.file(
      "oom-\(setup.engine)-\(setup.memory)", ELFBuilder.program(words).bytes())
    let r = try Self.kiln(["run", "--max-memory", "1"] + setup.options + [path])
    #expect(r.status == 139)
    Self.expectOneDiagnostic(r, containing: "guest memory exhausted mapping address 0x20")
    #expect(r.stderrText.contains("at pc 0x10108"), "\(r.stderrText)")
  }

  @Test(arguments: [
    ["--max-memory", "0"], ["--max-memory", "300"], ["--engine", "llvm"], [], ["--bogus"],
    ["--memory", "huge"], ["--host", "vax"], ["--host", "x86_64", "--engine", "interpreter"],
    ["--emulate", "--engine", "interpreter"],
  ])
  func usageErrorsAreStatus64(extra: [String]) throws {
    let path = try Self.file("ok", ELFBuilder.program(RV.exit(0)).bytes())
    let r = try Self.kiln(["run"] + extra + (extra.isEmpty ? [] : [path]))
    #expect(r.status == 64, "\(r)")
    // One line, no `Error:` and usage text: the line points to --help.
    Self.expectOneDiagnostic(r, containing: "(see 'kiln run --help')")
  }

  /// Usage errors of every command are one `kiln:` line naming its --help;
  /// control characters and long arguments are escaped and truncated.
  @Test(arguments: [
    (["frob"], "kiln --help"), (["bpf", "asm"], "kiln bpf asm --help"),
    (["bpf", "disasm", "--x"], "kiln bpf disasm --help"), (["disasm"], "kiln disasm --help"),
    (
      ["bpf", "run", "--\u{1b}[31m" + String(repeating: "z", count: 100_000)], "kiln bpf run --help"
    ),
  ])
  func usageErrorsAreOneLine(_ args: [String], help: String) throws {
    let r = try Self.kiln(args)
    #expect(r.status == 64, "\(r)")
    Self.expectOneDiagnostic(r, containing: "(see '\(help)')")
    #expect(!r.stderr.contains(0x1b), "\(r)")
    #expect(r.stderr.count < 400, "\(r.stderr.count) bytes")
  }

  @Test func maxMemoryLimitsTheProgram() throws {
    let path = try Self.file("bss8m", ELFBuilder.program(RV.exit(3), extraMemory: 8 << 20).bytes())
    let small = try Self.kiln(["run", "--max-memory", "4", path])
    #expect(small.status == 1)
    Self.expectOneDiagnostic(small, containing: "raise --max-memory")
    #expect(try Self.kiln(["run", "--max-memory", "16", path]).status == 3)
  }

  @Test func argumentsAfterTheProgramGoToTheGuest() throws {
    let path = try Self.file("args", ELFBuilder.program(RV.exit(0)).bytes())
    // Options after the program name belong to the guest, not to kiln.
    let r = try Self.kiln(["run", path, "--stats", "-v", "--engine", "nonsense"])
    #expect(r.status == 0)
    #expect(r.stderr.isEmpty)
  }

  @Test(arguments: Engine.allCases)
  func statsGoToStderr(engine: Engine) throws {
    // Threshold 0: every block compiled (by default, code that runs once is
    // interpreted: `tieringIsTheNativeDefault`).
    let r = try Self.kiln([
      "run", "--stats", "--compile-threshold", "0", "--engine", engine.rawValue,
      Tools.helloELF.path,
    ])
    #expect(r.status == 0)
    #expect(r.stdoutText.hasPrefix("Hello from RISC-V"))
    for key in [
      "blocks compiled:", "guest instructions translated:", "compile time:", "cache flushes:",
      "dispatcher exits:",
    ] {
      #expect(r.stderrText.contains(key), "missing \(key) in \(r.stderrText)")
    }
    if engine == .jit {
      let line = r.stderrText.split(separator: "\n").first { $0.contains("blocks compiled:") } ?? ""
      let n = Int(line.split(separator: " ").last ?? "") ?? 0
      #expect(n > 0)
    }
  }
  /// An unknown host is a usage error of one line that lists the hosts.
  @Test func unknownHostIsOneLine() throws {
    for command in [["run"], ["bpf", "run"]] {
      let r = try Self.kiln(command + ["--host", "vax", Tools.helloELF.path])
      #expect(r.status == 64, "\(r)")
      Self.expectOneDiagnostic(r, containing: "unknown host 'vax' (this build has: x86_64")
    }
  }

  /// `kiln run` tiers by default natively (a block runs once in the
  /// interpreter and is compiled when it runs again) and not in an emulator,
  /// where the port's code should run every block. The program: `li a0, 3`,
  /// then a loop `a0 -= 1; bnez a0` of three passes, then exit(7). Natively
  /// the first block and the loop's first run are interpreted, then the loop
  /// is compiled.
  @Test func tieringIsTheNativeDefault() throws {
    let words =
      [RV.addi(RV.a0, 0, 3), RV.addi(RV.a0, RV.a0, -1), RV.bne(RV.a0, 0, -4)] + RV.exit(7)
    #expect(RV.bne(RV.a0, 0, -4) == 0xfe05_1ee3)
    let path = try Self.file("tiering-default", ELFBuilder.program(words).bytes())
    /// The first number after `key` in the `--stats` output.
    func count(_ r: ProcessResult, _ key: String) -> Int? {
      guard let line = r.stderrText.split(separator: "\n").first(where: { $0.contains(key) }),
        let range = line.range(of: key)
      else { return nil }
      return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
    let interpreted = "blocks interpreted before compiling: "
    let native = try Self.kiln(["run", "--stats", path])
    #expect(native.status == 7, "\(native)")
    #expect((count(native, interpreted) ?? 0) >= 2, "\(native)")
    #expect((count(native, "blocks compiled: ") ?? 0) >= 1, "\(native)")
    for options in [["--compile-threshold", "0"], ["--emulate"]] {
      let r = try Self.kiln(["run", "--stats"] + options + [path])
      #expect(r.status == 7, "\(r)")
      #expect(count(r, interpreted) == 0, "\(options): \(r)")
    }
  }

  /// In Unicorn, `--stats` also counts the host instructions the generated
  /// code executed (natively there is no such count).
  @Test(arguments: ["paged", "flat"])
  func emulatedStatsCountHostInstructions(memory: String) throws {
    let r = try Self.kiln(["run", "--stats", "--emulate", "--memory", memory, Tools.helloELF.path])
    #expect(r.status == 0, "\(r)")
    #expect(r.stdoutText.hasPrefix("Hello from RISC-V"))
    #expect(r.stderrText.contains("on x86-64 (unicorn), \(memory) memory"))
    let line = r.stderrText.split(separator: "\n").first {
      $0.contains("host instructions executed:")
    }
    #expect((Int(line?.split(separator: " ").last ?? "") ?? 0) > 100_000, "\(r.stderrText)")
    let native = try Self.kiln(["run", "--stats", Tools.helloELF.path])
    #expect(!native.stderrText.contains("host instructions executed"))
  }

  @Test func verboseDumpsGuestAndHostCode() throws {
    let r = try Self.kiln([
      "run", "-v", "--compile-threshold", "0", "--engine", "jit", Tools.helloELF.path,
    ])
    #expect(r.status == 0)
    #expect(r.stdoutText.hasPrefix("Hello from RISC-V"))
    let err = r.stderrText
    #expect(err.contains("kiln: block 0x000113a0"))  // _start
    #expect(err.contains("ecall"))
    // host code: Capstone mnemonics (or the hex fallback, which says so)
    #expect(err.contains("mov") || err.contains("jmp") || err.contains("Capstone unavailable"))
  }

  @Test func verboseReportsUnsupportedSyscalls() throws {
    let words: [UInt32] = [RV.addi(RV.a7, 0, 500), RV.ecall] + RV.exit(0)
    let path = try Self.file("enosys", ELFBuilder.program(words).bytes())
    let quiet = try Self.kiln(["run", path])
    #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    let loud = try Self.kiln(["run", "-v", "--engine", "interpreter", path])
    #expect(loud.stderrText.contains("kiln: unsupported syscall 500"))
    let traced = try Self.kiln(["run", "-vv", "--engine", "interpreter", path])
    #expect(
      traced.stderrText.contains("kiln: trace: exitGroup(0)")
        || traced.stderrText.contains("trace: exit"))
  }

  @Test func perfMapNamesJITCode() throws {
    // The map is named after kiln's pid, which we learn from the file list.
    let before = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [])
    let r = try Self.kiln([
      "run", "--perf-map", "--compile-threshold", "0", "--engine", "jit", Tools.helloELF.path,
    ])
    #expect(r.status == 0)
    let after = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [])
    let maps = after.subtracting(before).filter { $0.hasPrefix("perf-") && $0.hasSuffix(".map") }
    let name = try #require(maps.first, "no new /tmp/perf-<pid>.map")
    let path = "/tmp/\(name)"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(!lines.isEmpty)
    for line in lines {
      let f = line.split(separator: " ")
      #expect(f.count == 3, "\(line)")
      #expect(UInt64(f[0], radix: 16) != nil && UInt64(f[1], radix: 16) != nil)
      #expect(f.last?.hasPrefix("kiln:0x") == true)
    }
    #expect(lines.contains { $0.hasSuffix("kiln:0x000113a0") })
  }

  @Test func disasmListsCodeWithSymbols() throws {
    let r = try Self.kiln(["disasm", Tools.helloELF.path])
    #expect(r.status == 0)
    let out = r.stdoutText
    #expect(out.contains("entry 0x000113a0"))
    #expect(out.contains("000113a0 <_start>:"))
    #expect(out.contains("<main>:"))
    #expect(out.contains("ecall"))
    #expect(out.contains("auipc gp"))
  }

  @Test func disasmOfBadELFIsOneLine() throws {
    let path = try Self.file("bad-disasm", Array("not an elf".utf8))
    let r = try Self.kiln(["disasm", path])
    #expect(r.status == 1)
    Self.expectOneDiagnostic(r, containing: "bad magic")
  }
}

struct GuestFault: Sendable, CustomTestStringConvertible {
  var name: String
  var words: [UInt32]
  var status: Int32
  var message: String
  var testDescription: String { name }
}

let guestFaultCases: [GuestFault] = [
  GuestFault(
    name: "illegal instruction", words: [RV.addi(RV.a0, 0, 1), 0], status: 132,
    message: "illegal instruction 0x0 at pc 0x10104"),
  GuestFault(
    name: "jump outside memory", words: [0x7000_0537, 0x0005_0067], status: 139,
    message: "execution outside guest memory at pc 0x70000000"),
  GuestFault(
    name: "misaligned jump", words: [0x0001_0537, 0x0025_0067], status: 135,  // lui a0, 0x10; jalr zero, 2(a0)
    message: "misaligned jump to 0x10002"),
  GuestFault(name: "ebreak is a no-op", words: [0x0010_0073] + RV.exit(5), status: 5, message: ""),
]

/// `kiln --version`: one line, status 0.
@Suite("kiln --version")
struct VersionCLITests {
  @Test func versionIsOneLineAndStatus0() throws {
    let r = try runProcess(Tools.kiln, ["--version"])
    #expect(r.status == 0, "\(r)")
    #expect(r.stderr.isEmpty)
    let lines = r.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 2 && lines[1].isEmpty, "stdout: \(r.stdoutText)")
    // "kiln MAJOR.MINOR.PATCH", checked by shape, not against the constant.
    let parts = lines[0].split(separator: " ")
    #expect(parts.count == 2 && parts[0] == "kiln")
    let numbers = parts.last.map { $0.split(separator: ".") } ?? []
    #expect(numbers.count == 3 && numbers.allSatisfy { Int($0) != nil }, "\(lines[0])")
  }
}
