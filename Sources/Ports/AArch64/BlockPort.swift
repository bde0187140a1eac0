import KilnCore
import KilnIR
import KilnPort

extension AArch64Port: BlockPort {
  public typealias Blocks = AArch64Blocks
}

/// The AArch64 block compiler of one VM (its state layout and register
/// hint): stubs in `Trampolines.swift`, lowering in `Lowering*.swift`.
public struct AArch64Blocks: BlockBackend {
  let abi: BlockABI
  /// Where the access stubs are, relative to the entry stub (the stubs'
  /// layout does not depend on where they are installed).
  let accessStubs: AccessStubs

  /// The stubs, assembled once: they are position independent (labels
  /// only), so the same bytes serve any `baseAddress`. Nil if assembling
  /// failed; `makeStubs` then assembles again to report the error.
  let stubs: ([UInt8], BlockStubs)?

  public init(layout: StateLayout) {
    abi = BlockABI(layout: layout)
    stubs = try? BlockStubs.build(abi: abi, baseAddress: 0)
    let probe = stubs?.1
    accessStubs = AccessStubs(
      load: (probe?.load ?? 0) - (probe?.entry ?? 0),
      store: (probe?.store ?? 0) - (probe?.entry ?? 0))
  }

  public func makeStubs(baseAddress: UInt) throws(CodeGenError) -> HostStubs {
    let (bytes, s): ([UInt8], BlockStubs)
    if let stubs {
      (bytes, s) = stubs
    } else {
      (bytes, s) = try BlockStubs.build(abi: abi, baseAddress: baseAddress)
    }
    return HostStubs(
      bytes: bytes, entry: baseAddress + UInt(s.entry), exit: baseAddress + UInt(s.exit),
      syscall: baseAddress + UInt(s.syscall), indirect: baseAddress + UInt(s.indirect),
      memoryFault: baseAddress + UInt(s.memoryFault))
  }

  public func compile(
    _ block: Block, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenError) -> CompiledCode {
    try withoutActuallyEscaping(lookup) { (lookup) throws(CodeGenError) -> CompiledCode in
      // A block's jumps to its own start (loops) go to `baseAddress`, where
      // the block is about to be installed.
      let start = block.startPC
      var lowering = BlockLowering(
        abi: abi, stubs: stubs, accessStubs: accessStubs, baseAddress: baseAddress,
        lookup: { pc in pc == start ? baseAddress : lookup(pc) })
      return try lowering.lower(block)
    }
  }

  /// Regions only with a budget (`Regions.swift`): one check per region
  /// pass instead of per block; without one, single blocks as before.
  public var regionLimits: Region.Limits { abi.layout.budget == nil ? .single : Region.Limits() }

  public func compile(
    _ region: Region, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenError) -> CompiledCode {
    try withoutActuallyEscaping(lookup) { (lookup) throws(CodeGenError) -> CompiledCode in
      let start = region.entry.startPC
      var lowering = BlockLowering(
        abi: abi, stubs: stubs, accessStubs: accessStubs, baseAddress: baseAddress,
        lookup: { pc in pc == start ? baseAddress : lookup(pc) })
      return try lowering.lower(region)
    }
  }

  /// A `b target` written over the patchable `b` at `site`.
  public func patchJump(site: UInt, target: UInt) throws(CodeGenError) -> [UInt8] {
    try branchBytes(site: site, target: target)
  }
}

/// The offsets of the `load` and `store` stubs from the entry stub.
struct AccessStubs: Sendable {
  var load: Int
  var store: Int

  /// The host address of the stub for `call` (`.load` or `.store`).
  func address(_ call: HostCall, stubs: HostStubs) -> UInt {
    UInt(bitPattern: Int(bitPattern: stubs.entry) + (call == .load ? load : store))
  }
}
