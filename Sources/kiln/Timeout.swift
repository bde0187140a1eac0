import ArgumentParser
import Dispatch

/// `--timeout SECONDS` of `kiln run` and `kiln bpf run`: the same bounds
/// and the same wall-clock timer, whichever interrupter it fires.
enum Timeout {
  /// Refuses a value that is not a positive number of seconds (at most 10^9).
  static func validate(_ seconds: Double?) throws {
    if let seconds, !(seconds > 0 && seconds <= 1e9) {
      throw ValidationError("--timeout must be a positive number of seconds, got \(seconds)")
    }
  }

  /// Calls `interrupt` (lock-free, from another thread) after `seconds`.
  static func arm(_ seconds: Double, _ interrupt: @escaping @Sendable () -> Void) {
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: interrupt)
  }
}
