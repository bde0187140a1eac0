import Runtime

/// Runs a code snippet on a fresh VM of each engine.
struct Harness {
  static let engines: [Engine] = [.interpreter, .jit]
  static let base: UInt32 = 0x1000

  /// A VM with `source` (which should end in `ret`) loaded at `base`.
  static func vm(
    _ engine: Engine, _ source: String, config: Config = Config(),
    handler: @escaping SyscallHandler = { _, _ in }
  ) throws -> VirtualMachine {
    var config = config
    config.engine = engine
    let vm = try VirtualMachine(config: config, syscallHandler: handler)
    try vm.loadProgram(try Toolchain.assemble(source, at: base), at: base)
    return vm
  }

  /// Runs `source` as a function with `arguments`; returns the VM for inspection.
  static func call(
    _ engine: Engine, _ source: String, _ arguments: [UInt32] = [], config: Config = Config()
  ) throws -> (result: UInt32, vm: VirtualMachine) {
    let vm = try vm(engine, source, config: config)
    let r = try vm.callFunction(at: base, arguments: arguments)
    return (r, vm)
  }
}
