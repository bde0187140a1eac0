import Runtime
import Testing

/// An engine and a guest-memory mode, for `kiln run` or an in-process VM.
struct RunSetup: Sendable, CustomTestStringConvertible {
  var engine: Engine
  var memory: MemoryMode

  var testDescription: String { "\(engine.rawValue)/\(memory.rawValue)" }

  /// The `kiln run` options that select this setup.
  var options: [String] { ["--engine", engine.rawValue, "--memory", memory.rawValue] }

  func configure(_ config: inout Config) {
    config.engine = engine
    config.memoryMode = memory
  }

  /// Both engines on both memory modes (flat only where the host has it).
  static let all: [RunSetup] = Engine.allCases.flatMap { engine in
    (MemoryMode.flatAvailable ? [MemoryMode.flat, .paged] : [.paged]).map {
      RunSetup(engine: engine, memory: $0)
    }
  }
}
