/// A port together with where its code runs: what an engine needs to
/// compile and run generated code. `KilnHosts` makes them (the native port
/// natively, any port in Unicorn); engines take one and never name a port.
public struct HostTarget: Sendable {
  public var port: any HostPort.Type
  /// True if the code runs in an emulator rather than on this machine.
  public var emulated: Bool
  /// Makes the executor of one engine instance (a VM, an eBPF program).
  public var makeExecutor: @Sendable () throws(ExecutorError) -> any Executor

  public init(
    port: any HostPort.Type, emulated: Bool,
    makeExecutor: @escaping @Sendable () throws(ExecutorError) -> any Executor
  ) {
    self.port = port
    self.emulated = emulated
    self.makeExecutor = makeExecutor
  }

  /// "x86-64" or "x86-64 (unicorn)".
  public var description: String { port.facts.name + (emulated ? " (unicorn)" : "") }
}
