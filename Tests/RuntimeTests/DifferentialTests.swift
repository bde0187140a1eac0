import Foundation
import KilnHosts
import KilnPort
import KilnTestSupport
import Testing

@testable import Runtime

/// Differential testing: random RV32IM instruction streams run on the JIT and
/// on the reference interpreter must leave identical registers and memory.
/// The programs are assembled by LLVM, so encodings come from outside Kiln.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct DifferentialTests {
  /// xorshift64*: deterministic, so every failure reproduces from its seed.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state ^= state >> 12
      state ^= state << 25
      state ^= state >> 27
      return state &* 2_685_821_657_736_338_717
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
  }

  /// Destinations: everything but zero, ra (return) and s11 (memory base).
  static let destinations = (2...31).filter { $0 != 27 }.map { "x\($0)" }
  static let sources = (0...31).map { "x\($0)" }
  static let rOps = [
    "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
    "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
  ]
  static let iOps = ["addi", "slti", "sltiu", "xori", "ori", "andi"]
  static let shiftOps = ["slli", "srli", "srai"]
  static let loads = ["lb", "lh", "lw", "lbu", "lhu"]
  static let stores = ["sb", "sh", "sw"]
  static let branches = ["beq", "bne", "blt", "bge", "bltu", "bgeu"]
  static let interesting: [Int64] = [
    0, 1, -1, 2, 31, 32, 0x7FFF_FFFF, -0x8000_0000, 0xFFFF, 0x8000, -2048, 2047, 4095, 4096,
  ]

  static func program(seed: UInt64, length: Int) -> String {
    var rng = Random(state: seed | 1)
    var lines: [String] = []
    for r in 2...31 where r != 27 {
      let v: Int64 =
        rng.below(3) == 0
        ? rng.pick(interesting) : Int64(Int32(truncatingIfNeeded: rng.next()))
      lines.append("li x\(r), \(v)")
    }
    // s11 points into a data area; offsets below reach across a page boundary.
    lines.append("li s11, \(0x40FF0 + rng.below(64))")
    var label = 0
    for _ in 0..<length {
      let rd = rng.pick(destinations)
      let rs1 = rng.pick(sources)
      let rs2 = rng.pick(sources)
      switch rng.below(10) {
      case 0...3: lines.append("\(rng.pick(rOps)) \(rd), \(rs1), \(rs2)")
      case 4: lines.append("\(rng.pick(iOps)) \(rd), \(rs1), \(rng.below(4096) - 2048)")
      case 5: lines.append("\(rng.pick(shiftOps)) \(rd), \(rs1), \(rng.below(32))")
      case 6: lines.append("\(rng.pick(loads)) \(rd), \(rng.below(64) - 32)(s11)")
      case 7: lines.append("\(rng.pick(stores)) \(rs2), \(rng.below(64) - 32)(s11)")
      case 8:
        lines.append(
          rng.below(2) == 0
            ? "lui \(rd), \(rng.below(1 << 20))" : "auipc \(rd), \(rng.below(1 << 20))")
      default:
        // forward branch over one or two instructions
        label += 1
        lines.append("\(rng.pick(branches)) \(rs1), \(rs2), 9\(label)f")
        lines.append("addi \(rd), \(rd), 1")
        if rng.below(2) == 0 { lines.append("xor \(rd), \(rd), \(rs1)") }
        lines.append("9\(label):")
      }
    }
    lines.append("ret")
    return lines.joined(separator: "\n")
  }

  struct Snapshot: Equatable {
    var registers: [UInt32]
    var memory: [UInt8]
    var error: String?
  }

  /// How the JIT reaches guest memory: both page walks, and flat memory.
  enum MemoryVariant: CaseIterable, CustomStringConvertible {
    case pageTable, direct, faulting, flat
    /// Flat memory, each block interpreted twice before it is compiled.
    case tiered

    /// The faulting walk and flat memory need the SIGSEGV handler (Linux).
    static var available: [MemoryVariant] {
      MemoryMode.flatAvailable ? allCases : [.pageTable, .direct]
    }

    var description: String {
      switch self {
      case .pageTable: "page-table walk"
      case .direct: "direct-table walk"
      case .faulting: "faulting direct-table walk"
      case .flat: "flat memory"
      case .tiered: "flat memory, tiered compilation"
      }
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

  /// Runs `code` on the interpreter (`host` nil) or on the JIT of `host`.
  static func run(_ host: HostTarget?, _ code: [UInt8], memory: MemoryVariant = .direct) throws
    -> Snapshot
  {
    var config = Config()
    config.engine = host == nil ? .interpreter : .jit
    memory.configure(&config)
    config.maxBlockInstructions = 16  // many block boundaries and chained jumps
    let vm = try VirtualMachine(config: config, host: host, syscallHandler: { _, _ in })
    try vm.loadProgram(code, at: Harness.base)
    var failure: String?
    do { _ = try vm.callFunction(at: Harness.base) } catch { failure = "\(error)" }
    return Snapshot(
      registers: (0..<32).map { vm.readRegister($0) },
      memory: try vm.readMemory(at: 0x40FC0, count: 160), error: failure)
  }

  static func diff(_ a: Snapshot, _ b: Snapshot) -> String {
    var out = "reg   interpreter  jit\n"
    for r in 0..<32 where a.registers[r] != b.registers[r] {
      out += "x\(r)".padding(toLength: 6, withPad: " ", startingAt: 0)
      out += "0x\(String(a.registers[r], radix: 16))  0x\(String(b.registers[r], radix: 16))\n"
    }
    if a.memory != b.memory { out += "memory differs\n" }
    if a.error != b.error { out += "errors: \(a.error ?? "none") vs \(b.error ?? "none")\n" }
    return out
  }

  /// 24 seeds by default; `KILN_FUZZ_SEEDS=N swift test` runs more.
  static let seeds: [Int] = {
    let n = Int(ProcessInfo.processInfo.environment["KILN_FUZZ_SEEDS"] ?? "") ?? 24
    return Array(1...max(1, n))
  }()

  @Test(arguments: seeds)
  func jitMatchesInterpreter(seed: Int) throws {
    let source = Self.program(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15, length: 120)
    try Self.expectJITsMatchInterpreter(source, seed: seed)
  }

  /// Runs `source` on the interpreter (it must not fail) and on every JIT
  /// host and memory variant; each must end in the same state.
  static func expectJITsMatchInterpreter(_ source: String, seed: Int) throws {
    let code = try Toolchain.assemble(source)
    let reference = try run(nil, code)
    #expect(reference.error == nil)
    for host in Harness.jitHosts {
      for memory in MemoryVariant.available {
        let jit = try run(host, code, memory: memory)
        #expect(
          jit == reference,
          "seed \(seed), \(host.description), \(memory)\n\(diff(reference, jit))\nprogram:\n\(source)"
        )
      }
    }
  }

  /// A loop of branches around one `mv` or `li` (`if c { d = v }`), the
  /// shape the x86-64 port lowers as a conditional move
  /// (`LoweringSelect.swift`), over pinned, cached and memory-resident
  /// registers, taken and not taken.
  static func selectProgram(seed: UInt64) -> String {
    var rng = Random(state: seed | 1)
    var lines: [String] = []
    for r in 2...31 where r != 27 && r != 26 {
      let v: Int64 =
        rng.below(3) == 0
        ? rng.pick(interesting) : Int64(Int32(truncatingIfNeeded: rng.next()))
      lines.append("li x\(r), \(v)")
    }
    lines.append("li s11, \(0x40FF0 + rng.below(64))")
    lines.append("li x26, \(3 + rng.below(6))")  // trip count
    lines.append("8:")
    let registers = destinations.filter { $0 != "x26" }
    for label in 1...(4 + rng.below(6)) {
      let rd = rng.pick(registers)
      lines.append("\(rng.pick(rOps)) \(rd), \(rng.pick(sources)), \(rng.pick(sources))")
      lines.append("\(rng.pick(branches)) \(rng.pick(sources)), \(rng.pick(sources)), 9\(label)f")
      let d = rng.pick(registers)
      lines.append(
        rng.below(4) == 0 ? "li \(d), \(rng.below(4096) - 2048)" : "mv \(d), \(rng.pick(sources))")
      lines.append("9\(label):")
      if rng.below(2) == 0 { lines.append("sw \(d), \(rng.below(16) * 4 - 32)(s11)") }
    }
    lines.append("addi x26, x26, -1")
    lines.append("bnez x26, 8b")
    lines.append("ret")
    return lines.joined(separator: "\n")
  }

  @Test(arguments: 1...24)
  func branchAroundOneMoveMatchesInterpreter(seed: Int) throws {
    let source = Self.selectProgram(seed: UInt64(seed) &* 0x2545_F491_4F6C_DD1D)
    try Self.expectJITsMatchInterpreter(source, seed: seed)
  }
}
