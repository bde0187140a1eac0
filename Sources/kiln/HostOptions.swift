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

  /// The selected host. If it cannot be had (an unknown or unbuilt host),
  /// one `kiln:` line and status 64, like the other usage errors: the
  /// message lists the hosts this build has and points to --help.
  /// An emulated host counts executed host instructions if `countInstructions`.
  func target(countInstructions: Bool = false) throws(ExitCode) -> HostTarget {
    do {
      return try Hosts.target(
        architecture: host, emulate: emulate, countInstructions: countInstructions)
    } catch {
      let help = Kiln.commandPath(Array(CommandLine.arguments.dropFirst())) + " --help"
      report("\(error.description) (see '\(help)')")
      throw ExitCode(KilnExit.usage)
    }
  }

  /// True if the user asked for a host explicitly.
  var isExplicit: Bool { host != nil || emulate }
}
