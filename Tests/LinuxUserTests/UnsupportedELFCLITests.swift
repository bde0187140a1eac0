import Foundation
import KilnTestSupport
import Testing

/// Files clang builds for RISC-V features Kiln cannot run (compressed
/// instructions, hardware float ABIs in e_flags; the A, F and D extensions
/// in `.riscv.attributes`) are refused at load time by `kiln run`
/// with one line and status 1, instead of failing later in the guest.
@Suite("kiln refuses unsupported ELF features")
struct UnsupportedELFCLITests {
  struct Variant: Sendable, CustomTestStringConvertible {
    var name: String
    var flags: [String]
    var message: String
    var testDescription: String { name }
  }

  static let variants: [Variant] = [
    Variant(
      name: "rv32imac (RVC)", flags: ["-march=rv32imac", "-mabi=ilp32"],
      message: "compressed instructions (EF_RISCV_RVC"),
    Variant(
      name: "rv32imf ilp32f", flags: ["-march=rv32imf", "-mabi=ilp32f"],
      message: "single-precision (ilp32f) float ABI"),
    Variant(
      name: "rv32imfd ilp32d", flags: ["-march=rv32imfd", "-mabi=ilp32d"],
      message: "double-precision (ilp32d) float ABI"),
    // Soft-float ABI, so e_flags are 0: only .riscv.attributes tells.
    Variant(
      name: "rv32ima ilp32 (attributes)", flags: ["-march=rv32ima", "-mabi=ilp32"],
      message: "needs the RISC-V A extension (.riscv.attributes)"),
    Variant(
      name: "rv32imf ilp32 (attributes)", flags: ["-march=rv32imf", "-mabi=ilp32"],
      message: "needs the RISC-V F extension (.riscv.attributes)"),
    Variant(
      name: "rv32imafd ilp32 (attributes)", flags: ["-march=rv32imafd", "-mabi=ilp32"],
      message: "needs the RISC-V A, F, D extensions (.riscv.attributes)"),
  ]

  /// Compiles a bare `_start` that exits with 6, with `flags` (the float ABI
  /// is marked in e_flags even for integer-only code).
  static func build(_ v: Variant) throws -> String {
    let clang = try #require(Tools.clang)
    let dir = Tools.scratch.appendingPathComponent("unsupported-elf", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let tag = v.flags.joined().replacingOccurrences(of: "-", with: "_")
    let source = dir.appendingPathComponent("prog\(tag).c")
    try Data(
      """
      static int twice(int x) { return x + x; }
      void _start(void) {
        register int a0 __asm__("a0") = twice(3);
        register int a7 __asm__("a7") = 93;
        __asm__ volatile("ecall" : : "r"(a0), "r"(a7));
        for (;;) {}
      }
      """.utf8
    ).write(to: source, options: .atomic)
    let output = dir.appendingPathComponent("prog\(tag)").path
    let r = try runProcess(
      clang,
      ["--target=riscv32-unknown-linux-elf"] + v.flags + [
        "-nostdlib", "-static", "-fuse-ld=lld", "-O1", source.path, "-o", output,
      ])
    try #require(r.status == 0, "clang failed: \(r.stderrText)")
    return output
  }

  @Test(
    .requires(Tools.canCompile, "clang or ld.lld not found on PATH"), arguments: variants)
  func refusedAtLoadTime(_ v: Variant) throws {
    let path = try Self.build(v)
    for engine in ["jit", "interpreter"] {
      let r = try runProcess(Tools.kiln, ["run", "--engine", engine, path])
      #expect(r.status == 1, "\(r)")
      CLITests.expectOneDiagnostic(r, containing: v.message)
    }
  }
}
