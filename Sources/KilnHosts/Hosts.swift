import AArch64Port
import EBPF
import EBPFJIT
import EBPFObject
import Emulation
import KilnPort
import Runtime
import Thumb2Port
import X86_64Port

/// The host ports of this build and how to run each: the native one
/// natively, any of them in an emulator.
public enum Hosts {
  /// Every port, one line each. A new port adds its line here.
  public static let ports: [any HostPort.Type] = [
    X86_64Port.self,
    AArch64Port.self,
    Thumb2Port.self,
  ]

  /// Other code-generation variants of the ports, which the test matrices
  /// run in the emulator beside `ports` (not selectable with `--host`):
  /// AArch64 for ARMv8.0, whose atomics are `ldxr`/`stxr` loops where
  /// `AArch64Port` uses LSE instructions.
  public static let variants: [any HostPort.Type] = [AArch64V80Port.self]

  /// The architecture names `--host` accepts ("x86_64", …).
  public static var architectures: [String] { ports.map { $0.facts.architecture } }

  /// The ports that compile RV32 blocks (`BlockPort`).
  public static var blockPorts: [any HostPort.Type] { ports.filter { $0 is any BlockPort.Type } }

  /// The variants that compile eBPF functions (`FunctionPort`).
  public static var functionVariants: [any HostPort.Type] {
    variants.filter { $0 is any FunctionPort.Type }
  }

  /// The ports that compile eBPF functions (`FunctionPort`).
  public static var functionPorts: [any HostPort.Type] {
    ports.filter { $0 is any FunctionPort.Type }
  }

  /// This machine's port, running natively; nil if Kiln has no port for it.
  public static var native: HostTarget? {
    guard let port = nativePort else { return nil }
    return HostTarget(port: port, emulated: false) { NativeExecutor() }
  }

  /// The port for `architecture` (nil: this machine's), natively if it is
  /// this machine's and `emulate` is false, else in the emulator (which
  /// counts executed host instructions if `countInstructions`).
  public static func target(
    architecture: String?, emulate: Bool, countInstructions: Bool = false
  ) throws(HostSelectionError) -> HostTarget {
    let port: any HostPort.Type
    if let architecture {
      guard let p = ports.first(where: { $0.facts.architecture == architecture }) else {
        throw .unknownHost(architecture, known: architectures)
      }
      port = p
    } else {
      guard let p = nativePort else { throw .noNativePort }
      port = p
    }
    if !emulate, let nativePort, nativePort.facts.architecture == port.facts.architecture {
      return HostTarget(port: port, emulated: false) { NativeExecutor() }
    }
    return try emulated(port, countInstructions: countInstructions)
  }

  /// `port` running in the emulator.
  public static func emulated(_ port: any HostPort.Type, countInstructions: Bool = false)
    throws(HostSelectionError) -> HostTarget
  {
    guard let makeEmulator else { throw .noEmulator(port.facts.name) }
    let facts = port.facts
    return HostTarget(port: port, emulated: true) { () throws(ExecutorError) in
      try makeEmulator(facts, countInstructions)
    }
  }
}

/// Why `Hosts.target` could not give a host.
public enum HostSelectionError: Error, Equatable, Sendable, CustomStringConvertible {
  case unknownHost(String, known: [String])
  case noNativePort
  case noEmulator(String)

  public var description: String {
    switch self {
    case .unknownHost(let name, let known):
      "unknown host '\(name)' (this build has: \(known.joined(separator: ", ")))"
    case .noNativePort: "Kiln has no port for this machine's architecture; choose one with --host"
    case .noEmulator(let port):
      "cannot run \(port) code: this build has no emulator (Unicorn) executor"
    }
  }
}

extension Engine {
  /// The JIT where this machine has a port, else the interpreter.
  public static var hostDefault: Engine { nativePort == nil ? .interpreter : .jit }
}

extension VirtualMachine {
  /// A VM whose JIT (if `config.engine` is `.jit`) uses this machine's port natively.
  public convenience init(
    config: Config = Config(), syscallHandler: @escaping SyscallHandler
  ) throws(VMError) {
    try self.init(config: config, host: Hosts.native, syscallHandler: syscallHandler)
  }
}

/// The eBPF JIT of this machine's port, natively.
public func makeNativeJITProgram(
  program: Program, helpers: HelperTable = HelperTable(),
  options: ExecutionOptions = ExecutionOptions(), memoryMap: MemoryMap = MemoryMap(),
  maxProgramInstructions: Int = Checker.defaultMaxProgramInstructions
) throws(EBPFError) -> any CompiledProgram {
  guard let host = Hosts.native else {
    throw .engineUnavailable(reason: "no eBPF JIT port for this host")
  }
  return try makeJITProgram(
    host: host, program: program, helpers: helpers, options: options, memoryMap: memoryMap,
    maxProgramInstructions: maxProgramInstructions)
}

extension HostTarget {
  /// True if the port's code addresses 32 bits while this machine's
  /// pointers are wider: memory whose address a program holds as a constant
  /// (an ELF object's data sections) must then come from ``LowMemory``.
  public var needsLowMemory: Bool {
    port.facts.pointerBits < MemoryLayout<UInt>.size * 8
  }
}

/// Host memory below 4 GiB, where an emulated 32-bit port (Thumb-2) can
/// address it directly (from the emulator's page allocator).
public enum LowMemory {
  /// `bytes` zeroed bytes below 4 GiB (page-aligned), or nil.
  public static func allocate(_ bytes: Int) -> UnsafeMutableRawBufferPointer? {
    guard let p = try? Emulator.allocatePages(max(bytes, 1), below4GiB: true) else { return nil }
    return UnsafeMutableRawBufferPointer(start: p, count: bytes)
  }

  /// Frees a buffer from ``allocate(_:)``.
  public static func deallocate(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let p = buffer.baseAddress else { return }
    Emulator.freePages(p, size: max(buffer.count, 1))
  }
}

extension SectionMemory {
  /// Where an ELF object's data sections go for `host`: below 4 GiB (from
  /// ``LowMemory``) for a 32-bit port emulated here, since the program
  /// holds their addresses as constants; else the heap.
  public static func `for`(_ host: HostTarget?) -> SectionMemory {
    guard let host, host.needsLowMemory else { return .heap }
    return SectionMemory(
      allocate: { bytes, _ in LowMemory.allocate(bytes) }, deallocate: LowMemory.deallocate)
  }
}
