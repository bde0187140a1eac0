import Foundation
import KilnTestSupport
import LinuxUser
import Runtime
import Testing

/// The committed example runs without any RISC-V toolchain.
@Suite("Bundled example")
struct ExampleTests {
  static let expected = """
    Hello from RISC-V, running on Kiln!
    Hello, Ada!
    fib(25) = 75025

    """

  @Test(arguments: RunSetup.all)
  func helloRuns(setup: RunSetup) throws {
    let result = try runProcess(Tools.kiln, ["run"] + setup.options + [Tools.helloELF.path, "Ada"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdoutText == Self.expected)
    #expect(result.stderr.isEmpty)
  }

  @Test func helloParses() throws {
    let bytes = try [UInt8](Data(contentsOf: Tools.helloELF))
    let elf = try ELFExecutable(parsing: bytes)
    #expect(elf.segments.contains { $0.isExecutable })
    #expect(elf.symbols().values.contains("main"))
    #expect(bytes.count < 8192, "the example ELF should stay small")
  }

  /// Rebuilding from source with the documented command gives a program
  /// that prints the same.
  @Test(.requires(Tools.canCompile, "clang or ld.lld not found on PATH"))
  func helloRebuildsFromSource() throws {
    let clang = try #require(Tools.clang, "clang not found on PATH")
    try #require(Tools.lld != nil, "ld.lld not found on PATH")
    let out = Fixtures.directory.appendingPathComponent("hello-rebuilt").path
    let source = Tools.repositoryRoot.appendingPathComponent("Examples/hello/hello.c").path
    let build = try runProcess(
      clang,
      [
        "--target=riscv32-unknown-linux-elf", "-march=rv32im", "-mabi=ilp32", "-nostdlib",
        "-static",
        "-fuse-ld=lld", "-O2", "-fno-builtin", "-Wl,--build-id=none", source, "-o", out,
      ])
    #expect(build.status == 0, "\(build)")
    let result = try runProcess(Tools.kiln, ["run", out, "Ada"])
    #expect(result.stdoutText == Self.expected)
  }
}
