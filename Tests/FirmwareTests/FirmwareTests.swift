import Foundation
import KilnTestSupport
import Testing

/// Builds the firmware image (Firmware/build.sh) and boots it in QEMU's
/// mps2-an386 Cortex-M4 (Firmware/run.sh), once per engine: Kiln's eBPF
/// interpreter, and the Thumb-2 JIT (`--engine thumb2`: Thumb2Port compiles
/// each program on the device and the M4 runs the code). Each image runs
/// every bpf_conformance program (expected r0 from the files), Fletcher-16
/// and the DHT22 decoder (expected values from the host build of the C
/// sources, and for the decoder the readings its pulse trains were made from); the firmware prints a PASS/FAIL line per check
/// and exits through semihosting with 0 only if all passed.
///
/// The images go to .build/firmware-tests/ENGINE; a rebuild after no change
/// takes seconds, a cold build about a minute (interpreter) or a minute and a
/// half (thumb2: KilnCore, KilnPort and Thumb2Port too).
@Suite(.serialized) struct FirmwareTests {
  static let buildTools = Tools.missing(Tools.firmwareBuild)
  static let hasQEMU = Tools.which(Tools.qemu) != nil
  static let conformanceNames: [String] =
    ((try? FileManager.default.contentsOfDirectory(atPath: Tools.conformanceDirectory.path)) ?? [])
    .filter { $0.hasSuffix(".data") }.sorted()

  static func output(_ engine: String) -> URL {
    Tools.repositoryRoot.appendingPathComponent(".build/firmware-tests/\(engine)")
  }
  /// build.sh's engine → the name the firmware prints.
  static let engines = ["interpreter": "interpreter", "thumb2": "thumb2-jit"]
  static func script(_ name: String) -> URL {
    Tools.repositoryRoot.appendingPathComponent("Firmware/\(name)")
  }

  @Test(
    .requires(buildTools.isEmpty, "firmware toolchain missing: \(buildTools) (Scripts/setup.sh)"),
    .requires(hasQEMU, "qemu-system-arm missing (Scripts/setup.sh: Debian qemu-system-arm)"),
    .requires(!conformanceNames.isEmpty, ConformanceSuite.missingReason),
    .timeLimit(.minutes(10)),
    arguments: ["interpreter", "thumb2"])
  func bootsAndPassesEveryCheck(engine: String) throws {
    let output = Self.output(engine)
    let build = try runProcess(
      Self.script("build.sh"), ["--out", output.path, "--engine", engine])
    try #require(build.status == 0, "Firmware/build.sh --engine \(engine) failed:\n\(build)")

    let elf = output.appendingPathComponent("kiln-firmware.elf").path
    let boot = try runProcess(Self.script("run.sh"), [elf, "--timeout", "120"])
    let lines = boot.output.split(separator: "\n").map(String.init)
    #expect(boot.status == 0, "the firmware's exit status (semihosting):\n\(boot)")
    let printed = Self.engines[engine] ?? engine
    #expect(lines.first == "kiln-firmware: mps2-an386 (Cortex-M4), engine \(printed)")
    #expect(!lines.contains { $0.hasPrefix("FAIL ") || $0.hasPrefix("FAULT") }, "\(boot)")

    // One PASS line per bpf_conformance file.
    let passed = Set(
      lines.compactMap { line -> String? in
        guard line.hasPrefix("PASS "), let colon = line.firstIndex(of: ":") else { return nil }
        return String(line[line.index(line.startIndex, offsetBy: 5)..<colon])
      })
    let missing = Self.conformanceNames.filter { !passed.contains($0) }
    #expect(missing.isEmpty, "conformance files without a PASS line: \(missing)")

    // The programs, with readings known from the DHT22 datasheet's example
    // frame (02 8C 01 5F EE) and the negative-temperature encoding.
    #expect(lines.contains { $0.hasPrefix("PASS fletcher16: 1024 bytes -> 0x") })
    for reading in [
      "PASS dht22 [datasheet 65.2%RH 35.1C]: humidity 65.2 %RH, temperature 35.1 C",
      "PASS dht22 [48.7%RH -10.1C]: humidity 48.7 %RH, temperature -10.1 C",
      "PASS dht22 [corrupted checksum]: checksum error",
      "PASS dht22 [glitch pulse]: bad pulse",
    ] {
      #expect(lines.contains(reading), "missing: \(reading)")
    }
    let expectedChecks = Self.conformanceNames.count + 1 + 6
    #expect(lines.last == "RESULT: PASS (\(expectedChecks) passed, 0 failed)", "\(boot)")
  }
}
