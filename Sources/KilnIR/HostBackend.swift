/// What a host port offers the runtime. Ports implement it; the runtime picks
/// the one for the machine it runs on at compile time, so neither side names
/// the other's types.
public protocol HostBackend {
  init(layout: StateLayout)

  /// Machine code of the permanent stubs (entry, exit, syscall thunk), to be
  /// installed at `baseAddress` once, before any block.
  func makeStubs(baseAddress: UInt) throws(CodeGenErrorBox) -> HostStubs

  /// Host code for `block`, to be installed at `baseAddress`. `lookup` gives
  /// the host address of an already compiled guest PC, so direct jumps to it
  /// can be emitted straight away; other direct jumps go through patchable
  /// exits (`ExitReason.chain`).
  func compile(
    _ block: Block, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenErrorBox) -> CompiledCode

  /// The bytes that, written at host address `site`, make the patchable jump
  /// there go to `target`.
  func patchJump(site: UInt, target: UInt) throws(CodeGenErrorBox) -> [UInt8]

  /// The port's name, for dumps and statistics ("x86-64").
  static var name: String { get }
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
  /// C-ABI entry: `(state: UnsafeMutableRawPointer, code: UnsafeRawPointer) -> UInt32`
  /// (an `ExitReason`).
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

/// Code-generation failure reported through the backend protocol (always an
/// internal error of the port). KilnIR does not depend on KilnCore, so the
/// port's error is carried as text.
public struct CodeGenErrorBox: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
