import KilnCore
import KilnIR

/// A host port: the code generator for one host architecture, with the
/// static facts the rest of Kiln needs about that host. Engines are generic
/// over it (static dispatch: no existential on the compile or run path) and
/// never import a port; `KilnHosts` lists the ports and picks the native one.
///
/// A port implements whichever guest families it supports:
/// ``BlockPort`` (RV32 blocks, chained through a dispatcher) and
/// ``FunctionPort`` (whole ``FunctionIR`` functions, as eBPF compiles).
public protocol HostPort: SendableMetatype {
  /// Everything about the host that is not code generation.
  static var facts: PortFacts { get }
}

/// A port that compiles chained guest blocks (the RV32 front end).
public protocol BlockPort: HostPort {
  associatedtype Blocks: BlockBackend
}

/// A port that compiles whole ``FunctionIR`` functions (the eBPF front end).
public protocol FunctionPort: HostPort {
  /// Machine code for `function`, to be installed at `baseAddress`; its
  /// entry (offset 0) has the C signature `(state) -> UInt64` (r0) in the
  /// port's calling convention.
  static func compile(
    _ function: FunctionIR.Function, environment: FunctionEnvironment, baseAddress: UInt
  ) throws(CodeGenError) -> [UInt8]
}

/// The block compiler of a ``BlockPort``, made once per VM for its state
/// layout (which carries the front end's register hints).
public protocol BlockBackend {
  init(layout: StateLayout)

  /// Machine code of the permanent stubs (entry, exit, syscall thunk), to be
  /// installed at `baseAddress` once, before any block.
  func makeStubs(baseAddress: UInt) throws(CodeGenError) -> HostStubs

  /// Host code for `block`, to be installed at `baseAddress`. `lookup` gives
  /// the host address of an already compiled guest PC, so direct jumps to it
  /// can be emitted straight away; other direct jumps go through patchable
  /// exits (`ExitReason.chain`).
  func compile(
    _ block: Block, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenError) -> CompiledCode

  /// The bytes that, written at host address `site`, make the patchable jump
  /// there go to `target`.
  func patchJump(site: UInt, target: UInt) throws(CodeGenError) -> [UInt8]

  /// Whether ``compile(_:baseAddress:stubs:lookup:)-(Region,_,_,_)`` takes
  /// regions of several blocks. If false (the default) the engine passes it
  /// single-block regions only.
  static var compilesRegions: Bool { get }

  /// How far the engine forms regions for this backend (its state layout:
  /// a port may compile regions only with a budget). By default whole
  /// regions if ``compilesRegions``, else single blocks.
  var regionLimits: Region.Limits { get }

  /// Host code for `region`, entered at offset 0 (the start of its entry
  /// block); jumps between its blocks stay inside, the rest as in
  /// ``compile(_:baseAddress:stubs:lookup:)-(Block,_,_,_)``.
  func compile(
    _ region: Region, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenError) -> CompiledCode
}

extension BlockBackend {
  public static var compilesRegions: Bool { false }

  public var regionLimits: Region.Limits { Self.compilesRegions ? Region.Limits() : .single }

  /// Block by block: only single-block regions (``compilesRegions`` false).
  public func compile(
    _ region: Region, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenError) -> CompiledCode {
    try compile(region.entry, baseAddress: baseAddress, stubs: stubs, lookup: lookup)
  }
}

/// Host code of one block.
public struct CompiledCode: Sendable {
  public var bytes: [UInt8]
  /// Flat memory only: every instruction that touches guest memory directly,
  /// with the slow path that performs the same access through the runtime.
  public var faultSites: [FaultSite]

  public init(bytes: [UInt8], faultSites: [FaultSite] = []) {
    self.bytes = bytes
    self.faultSites = faultSites
  }
}

/// A guest memory access in flat mode: if the instruction at byte offset
/// `access` faults and the page cannot be mapped, execution resumes at byte
/// offset `slowPath` (offsets into the block's code) with the guest address
/// in the port's first scratch register, and every other register as it was
/// at the fault.
public struct FaultSite: Sendable, Equatable {
  public var access: Int
  public var slowPath: Int

  public init(access: Int, slowPath: Int) {
    self.access = access
    self.slowPath = slowPath
  }
}

/// Addresses of a port's permanent stubs.
public struct HostStubs: Sendable {
  public var bytes: [UInt8]
  /// Entry, called through the executor with the port's C convention:
  /// `(state, code) -> UInt32` (an `ExitReason`).
  public var entry: UInt
  /// Generated code jumps here with the exit reason in the port's return register.
  public var exit: UInt
  /// Generated code jumps here for ECALL with `exitPC` = pc of the ECALL.
  public var syscall: UInt
  /// Generated code jumps here with a 4-aligned guest target for indirect jumps.
  public var indirect: UInt
  /// Flat memory: the signal handler resumes a faulting guest access here
  /// (`HostCall.memoryFault`), with every register as it was at the fault.
  public var memoryFault: UInt

  public init(
    bytes: [UInt8], entry: UInt, exit: UInt, syscall: UInt, indirect: UInt, memoryFault: UInt
  ) {
    self.bytes = bytes
    self.entry = entry
    self.exit = exit
    self.syscall = syscall
    self.indirect = indirect
    self.memoryFault = memoryFault
  }
}
