import KilnHosts
import KilnPort
import Runtime

/// Registers, the data area and the error after a run.
public struct RV32Outcome: Equatable, Sendable {
  public var registers: [UInt32]
  public var data: [UInt8]
  public var error: String?
}

/// How the JIT reaches guest memory.
public enum RV32Memory: String, CaseIterable, Sendable {
  case pageTable = "page-table"
  case direct, faulting, flat
  /// Flat memory with tiered compilation: each block runs twice in the
  /// interpreter before it is compiled (`Config.compileThreshold`).
  case tiered

  /// The faulting walk and flat memory need the SIGSEGV handler (Linux).
  public static var available: [RV32Memory] {
    MemoryMode.flatAvailable ? allCases : [.pageTable, .direct]
  }

  func configure(_ config: inout Config) {
    switch self {
    case .pageTable: config.pageWalk = .pageTable
    case .direct: config.pageWalk = .direct
    case .faulting: config.pageWalk = .faulting
    case .flat: config.memoryMode = .flat
    case .tiered:
      config.memoryMode = .flat
      config.compileThreshold = 2
    }
  }
}

/// One RV32 engine row: the interpreter, or a JIT host with a memory mode.
public struct RV32Engine: Sendable, CustomStringConvertible {
  public let host: HostTarget?
  public let memory: RV32Memory

  public var description: String {
    host.map { "jit[\($0.description)]/\(memory.rawValue)" } ?? "interpreter"
  }

  public init(host: HostTarget?, memory: RV32Memory) {
    self.host = host
    self.memory = memory
  }

  public static let interpreter = RV32Engine(host: nil, memory: .direct)

  /// This machine's block port natively, on every memory mode.
  public static var native: [RV32Engine] {
    guard let host = Hosts.native, host.port is any BlockPort.Type else { return [] }
    return RV32Memory.available.map { RV32Engine(host: host, memory: $0) }
  }

  /// The other block ports in Unicorn (paged memory, both walks).
  public static var emulated: [RV32Engine] {
    let nativeName = Hosts.native?.port.facts.name
    return Hosts.blockPorts.filter { $0.facts.name != nativeName }.flatMap {
      port -> [RV32Engine] in
      guard let host = try? Hosts.emulated(port) else { return [] }
      return [.pageTable, .direct].map { RV32Engine(host: host, memory: $0) }
    }
  }
}

/// Runs RV32 programs on the interpreter and JIT rows, one reused VM per
/// row and block size (cleared between programs), and compares registers,
/// the data area and the error.
public final class RV32Differential {
  public let engines: [RV32Engine]
  /// How the interpreter's runs ended, by kind.
  public private(set) var outcomes: [String: Int] = [:]
  private var vms: [String: VirtualMachine] = [:]

  public init(engines: [RV32Engine]) { self.engines = engines }

  /// A deterministic syscall: a0 mixes a7 and a1; a7 % 16 == 0 fails.
  static func handler(_ vm: VirtualMachine, _ number: UInt32) throws(RuntimeError) {
    if number % 16 == 0 { throw .syscall("fuzz syscall \(number) fails") }
    vm.writeRegister(10, vm.readRegister(10) ^ (number &* 0x9E37_79B9) &+ vm.readRegister(11))
  }

  func vm(_ engine: RV32Engine, blockSize: Int) throws -> VirtualMachine {
    let key = "\(engine) \(blockSize)"
    if let vm = vms[key] { return vm }
    var config = Config()
    config.engine = engine.host == nil ? .interpreter : .jit
    engine.memory.configure(&config)
    config.maxBlockInstructions = blockSize
    config.haltOnBreakpoint = true
    // Up to 64 VMs per row live for the whole run: with the default 128 MiB
    // code buffer each, memory grew by about 100 KB per program (9 GB after
    // 80,000 programs in Unicorn). 1 MiB also makes the code cache fill and
    // flush now and then, a path worth fuzzing too.
    config.maxCodeSize = 1 << 20
    let vm = try VirtualMachine(
      config: config, host: engine.host,
      syscallHandler: { vm, n throws(RuntimeError) in try Self.handler(vm, n) })
    vms[key] = vm
    return vm
  }

  public func outcome(_ program: RV32Program, on engine: RV32Engine) throws -> RV32Outcome {
    let vm = try vm(engine, blockSize: program.blockSize)
    vm.clearMemory()
    try vm.loadProgram(program.code, at: RV32Program.base)
    try vm.writeMemory(at: RV32Program.dataBase, program.data)
    for r in 0..<32 { vm.writeRegister(r, program.registers[r]) }
    var failure: String?
    do { _ = try vm.callFunction(at: RV32Program.base) } catch { failure = "\(error)" }
    return RV32Outcome(
      registers: (0..<32).map { vm.readRegister($0) },
      data: try vm.readMemory(at: RV32Program.dataBase, count: RV32Program.dataSize),
      error: failure)
  }

  public func check(_ program: RV32Program) throws -> Divergence? {
    let expected = try outcome(program, on: .interpreter)
    let kind = expected.error.map { String($0.prefix { !$0.isNumber }.prefix(40)) } ?? "return"
    outcomes[kind, default: 0] += 1
    for engine in engines {
      let got = try outcome(program, on: engine)
      if got != expected {
        return Divergence(
          engines: "interpreter vs \(engine)", detail: Self.diff(expected, got, program))
      }
    }
    return nil
  }

  static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

  public static func diff(_ a: RV32Outcome, _ b: RV32Outcome, _ program: RV32Program) -> String {
    var out = "reg   interpreter  jit\n"
    for r in 0..<32 where a.registers[r] != b.registers[r] {
      out += "x\(r)  \(hex(a.registers[r]))  \(hex(b.registers[r]))\n"
    }
    for k in 0..<a.data.count where a.data[k] != b.data[k] {
      out += "data+\(k): \(a.data[k]) vs \(b.data[k])\n"
    }
    if a.error != b.error { out += "error: \(a.error ?? "none") vs \(b.error ?? "none")\n" }
    out += "block size \(program.blockSize); code words at \(hex(RV32Program.base)):\n"
    out += program.words.map { String($0, radix: 16) }.joined(separator: " ")
    return out
  }
}
