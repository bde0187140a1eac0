import ArgumentParser
import KilnHosts
import KilnPort

/// `--host ARCH` and `--emulate`: which port compiles the code and whether
/// it runs natively or in Unicorn (`kiln run`, `kiln bpf run`).
struct HostOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Host port that compiles the code: \(Hosts.architectures.joined(separator: ", ")) (default: this machine's). A port of another architecture runs in Unicorn.",
      valueName: "arch"))
  var host: String?

  @Flag(help: "Run the generated code in Unicorn even when the port is this machine's.")
  var emulate = false

  func validate() throws {
    _ = try target()
  }

  /// The selected host; a usage error (status 64) if it cannot be had. An
  /// emulated host counts executed host instructions if `countInstructions`.
  func target(countInstructions: Bool = false) throws(ValidationError) -> HostTarget {
    do {
      return try Hosts.target(
        architecture: host, emulate: emulate, countInstructions: countInstructions)
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// True if the user asked for a host explicitly.
  var isExplicit: Bool { host != nil || emulate }
}
