import EBPF
import EBPFJIT
import Emulation
import KilnHosts
import KilnPort

/// What a run leaves behind: r0 or the error (kind, instruction index and
/// details), and the whole context, which after a ``BPFProgram``'s epilogue
/// holds every register and the main frame.
public struct BPFOutcome: Equatable, Sendable, CustomStringConvertible {
  public var result: Result<UInt64, EBPFError>
  public var context: [UInt8]

  public init(result: Result<UInt64, EBPFError>, context: [UInt8]) {
    self.result = result
    self.context = context
  }

  public var description: String {
    switch result {
    case .success(let r0): "r0 = 0x\(String(r0, radix: 16))"
    case .failure(let e): "error: \(e)"
    }
  }
}

/// One engine of the differential matrix.
public struct BPFEngine: Sendable, CustomStringConvertible {
  /// The JIT's port and executor; nil for the interpreter.
  public let host: HostTarget?

  public var description: String { host.map { "jit[\($0.description)]" } ?? "interpreter" }

  public init(host: HostTarget?) { self.host = host }

  public static let interpreter = BPFEngine(host: nil)

  /// This machine's eBPF JIT, natively (empty if it has none).
  public static var native: [BPFEngine] {
    guard let host = Hosts.native, host.port is any FunctionPort.Type else { return [] }
    return [BPFEngine(host: host)]
  }

  /// Every other port and variant, in Unicorn.
  public static var emulated: [BPFEngine] {
    let nativeName = Hosts.native?.port.facts.name
    return (Hosts.functionPorts + Hosts.functionVariants)
      .filter { $0.facts.name != nativeName }
      .compactMap { try? BPFEngine(host: Hosts.emulated($0)) }
  }

  func make(_ program: Program) throws(EBPFError) -> any ExecutionEngine {
    guard let host else {
      // Generated programs end; the budget only guards against a generator bug.
      let options = ExecutionOptions(instructionBudget: 10_000_000)
      return try Interpreter(program: program, helpers: BPFProgram.helpers, options: options)
    }
    return try makeJITProgram(host: host, program: program, helpers: BPFProgram.helpers)
  }
}

/// Runs programs on the interpreter and a list of JIT engines and compares
/// the whole outcome. The context lives in one buffer below 4 GiB (the
/// Thumb-2 port's pointers are 32 bits), reused by every run, so addresses
/// in errors are the same on every engine.
public final class BPFDifferential {
  public let engines: [BPFEngine]
  /// How the interpreter's runs ended, by kind ("r0", "outOfBounds", …).
  public private(set) var outcomes: [String: Int] = [:]
  private let buffer: UnsafeMutableRawBufferPointer
  /// The allocation that holds `buffer`, `guardBytes` on either side.
  private let allocation: (base: UnsafeMutableRawPointer, size: Int)
  /// Kept free around the context: generated programs reach up to 4 KiB
  /// (plus an access) past either end of it, and an engine's other regions
  /// (a JIT's stack, allocated below 4 GiB too) must not lie there, or an
  /// access out of bounds on the interpreter is inside that region on the
  /// JIT, depending on where the allocator put it.
  static let guardBytes = 2 << 12

  public init(engines: [BPFEngine]) throws {
    self.engines = engines
    let size = BPFProgram.contextSize
    let total = size + 2 * Self.guardBytes
    let p: UnsafeMutableRawPointer
    if let low = try? Emulator.allocatePages(total, below4GiB: true) {
      p = low
    } else {
      p = try Emulator.allocatePages(total, below4GiB: false)
    }
    allocation = (p, total)
    buffer = UnsafeMutableRawBufferPointer(start: p + Self.guardBytes, count: size)
  }

  deinit {
    Emulator.freePages(allocation.base, size: allocation.size)
  }

  /// Runs `program` on `engine` with a fresh copy of its context.
  public func outcome(_ program: BPFProgram, on engine: BPFEngine) -> BPFOutcome {
    for (k, b) in program.context.enumerated() { buffer[k] = b }
    let result: Result<UInt64, EBPFError>
    do throws(EBPFError) {
      let vm = try engine.make(try program.program)
      result = .success(try vm.run(context: buffer))
    } catch {
      result = .failure(error)
    }
    return BPFOutcome(result: result, context: Array(buffer))
  }

  /// Nil if every engine agrees with the interpreter, else a report.
  /// `counts` gains one per engine run.
  public func check(_ program: BPFProgram) -> Divergence? {
    let expected = outcome(program, on: .interpreter)
    outcomes[Self.kind(expected.result), default: 0] += 1
    for engine in engines {
      let got = outcome(program, on: engine)
      if got != expected {
        return Divergence(
          engines: "interpreter vs \(engine)",
          detail: Self.diff(expected, got) + "\n" + Self.listing(program))
      }
    }
    return nil
  }

  static func kind(_ result: Result<UInt64, EBPFError>) -> String {
    switch result {
    case .success: return "exit"
    case .failure(let e):
      let text = "\(e)"
      return String(text.prefix { !$0.isNumber && $0 != "(" && $0 != ":" }.prefix(40))
    }
  }

  static func listing(_ program: BPFProgram) -> String {
    guard let p = try? program.program else { return "(does not encode)" }
    return Disassembler.listing(p)
  }

  /// A side-by-side diff: result, then each differing register, frame slot
  /// or context word.
  public static func diff(_ a: BPFOutcome, _ b: BPFOutcome) -> String {
    var out = "expected (interpreter): \(a)\ngot:                    \(b)\n"
    let dump = BPFProgram.dumpOffset
    let regs = BPFProgram.dumpedRegisters
    func word(_ bytes: [UInt8], _ at: Int) -> UInt64 {
      var v: UInt64 = 0
      for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * k) }
      return v
    }
    for at in stride(from: 0, to: BPFProgram.contextSize, by: 8) {
      let x = word(a.context, at)
      let y = word(b.context, at)
      guard x != y else { continue }
      let name: String
      if at < dump {
        name = "ctx+\(at)"
      } else if (at - dump) / 8 < regs.count {
        name = "r\(regs[(at - dump) / 8])"
      } else {
        name = "[r10-\(8 * ((at - dump) / 8 - regs.count + 1))]"
      }
      out += "  \(name): 0x\(String(x, radix: 16)) vs 0x\(String(y, radix: 16))\n"
    }
    return out
  }
}

/// Two engines that disagree, or a parser that broke a promise.
public struct Divergence: Error, Sendable, CustomStringConvertible {
  public var engines: String
  public var detail: String
  public var description: String { "\(engines)\n\(detail)" }
}
