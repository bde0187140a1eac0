import ArgumentParser

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension Kiln {
  /// Parses and runs a command as ArgumentParser's own `main()` does, except
  /// that a usage error is one line, `kiln: <message> (see 'kiln run --help')`,
  /// with status 64, instead of `Error:` and the usage text (README: every
  /// failure is one line `kiln: …`). Help, `--version` and the commands' own
  /// exit codes go through ArgumentParser unchanged.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      // A command that already reported its own line (ExitCode, possibly
      // wrapped by ArgumentParser when thrown from `validate()`) has no message.
      let text = message(for: error)
      if error is ExitCode || exitCode(for: error) != ExitCode(KilnExit.usage) || text.isEmpty {
        exit(withError: error)
      }
      let help = commandPath(Array(CommandLine.arguments.dropFirst())) + " --help"
      report("\(printable(usageLine(text), limit: 200)) (see '\(help)')")
      exit(withError: ExitCode(KilnExit.usage))
    }
  }

  /// The first line of ArgumentParser's message, without its `Error: `.
  static func usageLine(_ message: String) -> String {
    var line =
      message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
    if line.hasPrefix("Error: ") { line.removeFirst(7) }
    return line.isEmpty ? "invalid command line" : line
  }

  /// `kiln`, `kiln run`, `kiln bpf run` …: the subcommands that `arguments` name
  /// before anything else.
  static func commandPath(_ arguments: [String]) -> String {
    var path = ["kiln"]
    var type: any ParsableCommand.Type = Kiln.self
    for argument in arguments {
      guard
        let next = type.configuration.subcommands.first(where: { $0._commandName == argument })
      else { break }
      path.append(argument)
      type = next
    }
    return path.joined(separator: " ")
  }
}
