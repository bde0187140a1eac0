import KilnHosts
import Runtime
import Testing

/// An engine and a guest-memory mode to run a test on.
struct Setup: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  var engine: Engine
  var memory: MemoryMode

  var description: String { "\(engine.rawValue)/\(memory.rawValue)" }
  var testDescription: String { description }

  func configure(_ config: inout Config) {
    config.engine = engine
    config.memoryMode = memory
  }
}

/// Runs a code snippet on a fresh VM of each engine and memory mode.
struct Harness {
  /// Both engines on both memory modes (flat only where the host has it).
  static let setups: [Setup] =
    [Engine.interpreter, .jit].flatMap { engine in
      memoryModes.map { Setup(engine: engine, memory: $0) }
    }
  /// The JIT on each memory mode.
  static let jitSetups = setups.filter { $0.engine == .jit }
  static let memoryModes: [MemoryMode] = MemoryMode.flatAvailable ? [.paged, .flat] : [.paged]
  static let base: UInt32 = 0x1000

  /// A VM with `source` (which should end in `ret`) loaded at `base`.
  static func vm(
    _ setup: Setup, _ source: String, config: Config = Config(),
    handler: @escaping SyscallHandler = { _, _ in }
  ) throws -> VirtualMachine {
    var config = config
    setup.configure(&config)
    let vm = try VirtualMachine(config: config, syscallHandler: handler)
    try vm.loadProgram(try Toolchain.assemble(source, at: base), at: base)
    return vm
  }

  /// Runs `source` as a function with `arguments`; returns the VM for inspection.
  static func call(
    _ setup: Setup, _ source: String, _ arguments: [UInt32] = [], config: Config = Config()
  ) throws -> (result: UInt32, vm: VirtualMachine) {
    let vm = try vm(setup, source, config: config)
    let r = try vm.callFunction(at: base, arguments: arguments)
    return (r, vm)
  }
}
