import EBPF
import EBPFJIT
import Foundation
import KilnHosts
import Testing

/// The eBPF JIT's code is never writable and executable at once: while a
/// helper runs inside generated code, its mapping is `r-x`. (Other `rwx`
/// mappings are not Kiln's to judge: this test process links Unicorn for the
/// emulated rows, whose own translation buffer is `rwx` by design.)
@Suite(
  .enabled(
    if: FileManager.default.fileExists(atPath: "/proc/self/maps"), "needs /proc/self/maps (Linux)"))
struct WriteXorExecuteTests {
  /// The permissions of the mapping containing `address`, and every `rwx` line.
  static func inspect(_ address: UInt) -> (permissions: String?, rwx: [String]) {
    // Not String(contentsOfFile:): it stops after the first page of a /proc file.
    guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else {
      return ("unreadable", [])
    }
    let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
    var permissions: String?
    var rwx: [String] = []
    for line in maps.split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count >= 2 else { continue }
      let range = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
      if range.count == 2, range[0] <= address, address < range[1] {
        permissions = String(fields[1])
      }
      if fields[1].hasPrefix("rwx") { rwx.append(String(line)) }
    }
    return (permissions, rwx)
  }

  @Test func codeIsExecutableNotWritableWhileRunning() throws {
    final class Probe: @unchecked Sendable {
      var codeAddress: UInt = 0
      var seen: (permissions: String?, rwx: [String]) = (nil, ["not called"])
    }
    let probe = Probe()
    var helpers = HelperTable()
    helpers.register(1) { _, _, _, _, _ in
      probe.seen = WriteXorExecuteTests.inspect(probe.codeAddress)
      return 42
    }
    let jit = try makeNativeJITProgram(
      program: Program(assembly: "call 1\nexit"), helpers: helpers)
    probe.codeAddress = jit.codeAddress
    #expect(try jit.run() == 42)
    let seen = probe.seen
    let codeAddress = probe.codeAddress
    #expect(
      seen.permissions?.hasPrefix("r-x") == true,
      "code at 0x\(String(codeAddress, radix: 16)): \(String(describing: seen.permissions)) \(seen.rwx)"
    )
  }
}
