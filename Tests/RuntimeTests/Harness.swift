import KilnHosts
import KilnPort
import Runtime
import Testing

/// One row of the test matrix: an engine, and for the JIT a host port and
/// where its code runs (natively or in Unicorn), and a guest-memory mode.
struct Setup: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  var engine: Engine
  var memory: MemoryMode
  /// The JIT's port and executor; nil for the interpreter.
  var host: HostTarget?
  /// Paged memory's page walk (the library default, or the faulting one).
  var pageWalk = Config().pageWalk
  /// `Config.compileThreshold` (tiered compilation).
  var compileThreshold = 0

  var description: String {
    let engineName = host.map { "jit[\($0.description)]" } ?? engine.rawValue
    let walk = pageWalk == Config().pageWalk ? "" : "+\(pageWalk.rawValue)"
    let tiers = compileThreshold == 0 ? "" : "+tiered\(compileThreshold)"
    return "\(engineName)/\(memory.rawValue)\(walk)\(tiers)"
  }
  var testDescription: String { description }

  func configure(_ config: inout Config) {
    config.engine = engine
    config.memoryMode = memory
    config.pageWalk = pageWalk
    config.compileThreshold = compileThreshold
  }

  /// A VM of this setup with `config`'s other settings.
  func makeVM(config: Config = Config(), handler: @escaping SyscallHandler = { _, _ in })
    throws -> VirtualMachine
  {
    var config = config
    configure(&config)
    return try VirtualMachine(config: config, host: host, syscallHandler: handler)
  }

  var isEmulated: Bool { host?.emulated ?? false }
}

/// Runs a code snippet on a fresh VM of each setup.
struct Harness {
  /// The JIT hosts: every port natively where it is this machine's, and
  /// every port in Unicorn. A new port adds its rows here by being in
  /// `Hosts.ports`.
  static let jitHosts: [HostTarget] = {
    var hosts: [HostTarget] = []
    if let native = Hosts.native, native.port is any BlockPort.Type { hosts.append(native) }
    for port in Hosts.blockPorts {
      // Missing emulation is a build problem (Unicorn is linked in), not a skip.
      hosts.append(try! Hosts.emulated(port))
    }
    return hosts
  }()

  /// Both memory modes where this machine has flat memory.
  static let memoryModes: [MemoryMode] = memoryModes(nil)

  /// Memory modes of a host (flat where this machine has it: the
  /// reservation is host memory even when the code runs in Unicorn).
  static func memoryModes(_ host: HostTarget?) -> [MemoryMode] {
    MemoryMode.flatAvailable ? [.paged, .flat] : [.paged]
  }

  /// The interpreter and every JIT host, on each memory mode they support.
  static let setups: [Setup] =
    memoryModes(nil).map { Setup(engine: .interpreter, memory: $0, host: nil) }
    + jitSetups
  /// The JIT rows only; the native port that implements the faulting page
  /// walk (`PageWalk.faulting`, which needs the SIGSEGV handler) also runs
  /// paged memory with it. The native port also runs tiered compilation
  /// (`Config.compileThreshold` 2: every block interpreted twice, then
  /// compiled), in flat memory where it exists.
  static let jitSetups: [Setup] = jitHosts.flatMap { host in
    var rows = memoryModes(host).map { Setup(engine: .jit, memory: $0, host: host) }
    if !host.emulated, host.port.facts.faultingPageWalk, MemoryMode.flatAvailable {
      rows.append(Setup(engine: .jit, memory: .paged, host: host, pageWalk: .faulting))
    }
    if !host.emulated {
      var tiered = Setup(engine: .jit, memory: memoryModes(host).last ?? .paged, host: host)
      tiered.compileThreshold = 2
      rows.append(tiered)
    }
    return rows
  }
  /// The native rows only (tests of native-only mechanisms: the SIGSEGV
  /// handler, W^X of host memory, many reservations).
  static let nativeSetups = setups.filter { !$0.isEmulated }
  static let base: UInt32 = 0x1000

  /// A VM with `source` (which should end in `ret`) loaded at `base`.
  static func vm(
    _ setup: Setup, _ source: String, config: Config = Config(),
    handler: @escaping SyscallHandler = { _, _ in }
  ) throws -> VirtualMachine {
    let vm = try setup.makeVM(config: config, handler: handler)
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
