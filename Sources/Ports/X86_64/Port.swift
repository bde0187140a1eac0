import KilnCore
import KilnIR
import KilnPort

/// The x86-64 host port: RV32 blocks (`BlockLowering`, stubs in
/// `Trampolines.swift`) and ``FunctionIR`` functions (`FunctionLowering`).
public enum X86_64Port: BlockPort, FunctionPort {
  public typealias Blocks = X86_64Blocks

  public static let facts = X86_64Facts.facts

  public static func compile(
    _ function: FunctionIR.Function, environment: FunctionEnvironment, baseAddress: UInt
  ) throws(CodeGenError) -> [UInt8] {
    var lowering = FunctionLowering(environment: environment, baseAddress: baseAddress)
    return try lowering.lower(function)
  }
}

/// The x86-64 block compiler of one VM (its state layout and register hint).
public struct X86_64Blocks: BlockBackend {
  let abi: X86ABI
  /// The stubs, assembled once: they are position independent (labels
  /// only), so the same bytes serve any `baseAddress`. Nil if assembling
  /// failed; `makeStubs` then assembles again to report the error, and
  /// blocks inline their slow paths.
  let stubs: ([UInt8], Stubs)?
  /// Storage each compile reuses (`LoweringScratch`).
  let scratch = LoweringScratch()

  public init(layout: StateLayout) {
    abi = X86ABI(layout: layout)
    stubs = try? Stubs.build(abi: abi, baseAddress: 0)
  }

  /// The shared slow paths, when the stubs assembled (`SharedStubs`).
  var shared: SharedStubAddresses? { stubs.map { SharedStubAddresses(offsets: $0.1.shared) } }

  public func makeStubs(baseAddress: UInt) throws(CodeGenError) -> HostStubs {
    let (bytes, s): ([UInt8], Stubs)
    if let stubs {
      (bytes, s) = stubs
    } else {
      (bytes, s) = try Stubs.build(abi: abi, baseAddress: baseAddress)
    }
    return HostStubs(
      bytes: bytes, entry: baseAddress + UInt(s.entry), exit: baseAddress + UInt(s.exit),
      syscall: baseAddress + UInt(s.syscall), indirect: baseAddress + UInt(s.indirect),
      memoryFault: baseAddress + UInt(s.memoryFault))
  }

  public static var compilesRegions: Bool { true }

  public func compile(
    _ block: Block, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenError) -> CompiledCode {
    try compile(Region(block), baseAddress: baseAddress, stubs: stubs, lookup: lookup)
  }

  public func compile(
    _ region: Region, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenError) -> CompiledCode {
    try withoutActuallyEscaping(lookup) { (lookup) throws(CodeGenError) -> CompiledCode in
      var lowering = BlockLowering(
        abi: abi, stubs: stubs, shared: shared, baseAddress: baseAddress, lookup: lookup,
        scratch: scratch)
      defer { lowering.giveBack(scratch) }
      return try lowering.lower(region)
    }
  }

  public func patchJump(site: UInt, target: UInt) throws(CodeGenError) -> [UInt8] {
    try rel32Bytes(site: site, target: target)
  }
}
