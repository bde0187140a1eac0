import KilnHosts
import KilnPort
import Runtime
import Testing

/// An engine, for the JIT a port and where its code runs, and a guest-memory
/// mode, for `kiln run` or an in-process VM.
struct RunSetup: Sendable, CustomTestStringConvertible {
  var engine: Engine
  var memory: MemoryMode
  /// The architecture of a port whose code runs in Unicorn; nil: natively.
  var emulatedPort: String? = nil

  var testDescription: String {
    let where_ = emulatedPort.map { "[\($0) in unicorn]" } ?? ""
    return "\(engine.rawValue)\(where_)/\(memory.rawValue)"
  }

  /// The `kiln run` options that select this setup.
  var options: [String] {
    ["--engine", engine.rawValue, "--memory", memory.rawValue]
      + (emulatedPort.map { ["--host", $0, "--emulate"] } ?? [])
  }

  /// The JIT's host for an in-process VM (nil for the interpreter).
  var host: HostTarget? {
    guard engine == .jit else { return nil }
    guard let emulatedPort else { return Hosts.native }
    // Missing emulation is a build problem (Unicorn is linked in), not a skip.
    return try! Hosts.target(architecture: emulatedPort, emulate: true)
  }

  func configure(_ config: inout Config) {
    config.engine = engine
    config.memoryMode = memory
  }

  static let nativeModes: [MemoryMode] = MemoryMode.flatAvailable ? [.flat, .paged] : [.paged]

  /// Both engines natively, and the JIT of every port in Unicorn, on both
  /// memory modes (flat only where the host has it).
  static let all: [RunSetup] =
    Engine.allCases.flatMap { engine in nativeModes.map { RunSetup(engine: engine, memory: $0) } }
    + Hosts.blockPorts.map { $0.facts.architecture }.flatMap { port in
      nativeModes.map { RunSetup(engine: .jit, memory: $0, emulatedPort: port) }
    }
}
