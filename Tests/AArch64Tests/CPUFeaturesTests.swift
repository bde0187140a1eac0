import AArch64Port
import CKilnCPU
import KilnTestSupport
import Testing

/// Run-time CPU-feature detection (`Sources/CKilnCPU`), which picks the
/// eBPF atomics of native AArch64 hosts. Its C code is cross-compiled with
/// `aarch64-linux-gnu-gcc` and run under qemu-aarch64 on CPU models with and
/// without FEAT_LSE: qemu-user passes the model's features to the program in
/// AT_HWCAP, as the Linux kernel does. (The macOS `sysctlbyname` branch
/// cannot run here.)
@Suite struct CPUFeaturesTests {
  static func detected(cpu: String) throws -> String {
    let include = CrossTools.repositoryRoot.appendingPathComponent("Sources/CKilnCPU/include")
    let printed = try CrossTools.withProgram(
      ["Sources/CKilnCPU/cpu.c", "Tests/Fixtures/aarch64/cpu_features.c"],
      flags: ["-I", include.path]
    ) { try CrossTools.emulate($0, cpu: cpu) }
    #expect(printed.status == 0)
    return printed.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test(
    .requires(
      CrossTools.available, "aarch64-linux-gnu-gcc and qemu-aarch64 build and run the probe"),
    arguments: [
      ("cortex-a53", "lse 0"),  // ARMv8.0 (Raspberry Pi 3): exclusive loads and stores only
      ("cortex-a72", "lse 0"),  // ARMv8.0 (Raspberry Pi 4)
      ("cortex-a76", "lse 1"),  // ARMv8.2
      ("max", "lse 1"),  // every feature qemu has, LSE among them
    ])
  func lseIsDetectedFromTheCPU(cpu: String, expected: String) throws {
    #expect(try Self.detected(cpu: cpu) == expected)
  }

  #if !arch(arm64)
    @Test func otherHostsReportNoLSEAndCompileForUnicornsMaxModel() {
      #expect(kiln_cpu_has_lse() == 0)
      #expect(CPUFeatures.host == .armv8_0)
      #expect(CPUFeatures.default == .max)
    }
  #endif
}
