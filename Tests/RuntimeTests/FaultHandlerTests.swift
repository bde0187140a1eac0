import Foundation
import Runtime
import KilnTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The SIGSEGV handler of flat memory (`Sources/CKilnFault`), run in a small
/// C program (`Tests/Fixtures/fault/probe.c`) built with the toolchain's
/// clang, so real crashes can happen and the kernel's exit status judges
/// them: faults it does not own still kill the process or reach the handler
/// installed before it; faults it owns are mapped or sent to recovery.
@Suite(
  .enabled(
    if: MemoryMode.flatAvailable, "flat guest memory (and its handler) is Linux x86-64 only"),
  .requires(Toolchain.clang != nil, "clang is needed to build the fault probe"))
struct FaultHandlerTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Builds the probe into a fresh directory, runs it in `mode`, removes it.
  /// Returns (exit status, or nil; terminating signal, or nil).
  static func run(_ mode: String) throws -> (status: Int32?, signal: Int32?) {
    let clang = try #require(Toolchain.clang, "clang not found: it builds the fault probe")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-fault-probe-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let probe = dir.appendingPathComponent("probe").path
    let fault = root.appendingPathComponent("Sources/CKilnFault")
    try Toolchain.run(
      clang,
      [
        "-O1", "-I", fault.appendingPathComponent("include").path,
        fault.appendingPathComponent("fault.c").path,
        root.appendingPathComponent("Tests/Fixtures/fault/probe.c").path, "-o", probe,
        "-lpthread",
      ])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: probe)
    process.arguments = [mode]
    // Whatever crash reporter the probe might start must not hold our pipes.
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    switch process.terminationReason {
    case .exit: return (process.terminationStatus, nil)
    case .uncaughtSignal: return (nil, process.terminationStatus)
    @unknown default: return (nil, nil)
    }
  }

  @Test func faultOutsideEveryRegionStillCrashes() throws {
    #expect(try Self.run("outside") == (nil, SIGSEGV))
  }

  @Test func faultInARegionOutsideGeneratedCodeStillCrashes() throws {
    #expect(try Self.run("inside") == (nil, SIGSEGV))
  }

  @Test func previousHandlerRunsForFaultsThatAreNotOurs() throws {
    #expect(try Self.run("chain") == (42, nil))
  }

  @Test func firstTouchIsMappedAndOverQuotaGoesToRecovery() throws {
    #expect(try Self.run("map") == (7, nil))
  }
}
