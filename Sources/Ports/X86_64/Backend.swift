import KilnCore
import KilnIR

/// The x86-64 port as the runtime sees it.
public struct X86_64Backend: HostBackend {
  public static let name = "x86-64"
  let abi: X86ABI

  public init(layout: StateLayout) { abi = X86ABI(layout: layout) }

  public func makeStubs(baseAddress: UInt) throws(CodeGenErrorBox) -> HostStubs {
    do {
      let (bytes, s) = try Stubs.build(abi: abi, baseAddress: baseAddress)
      return HostStubs(
        bytes: bytes, entry: baseAddress + UInt(s.entry), exit: baseAddress + UInt(s.exit),
        syscall: baseAddress + UInt(s.syscall), indirect: baseAddress + UInt(s.indirect),
        memoryFault: baseAddress + UInt(s.memoryFault))
    } catch { throw CodeGenErrorBox(error.description) }
  }

  public func compile(
    _ block: Block, baseAddress: UInt, stubs: HostStubs, lookup: (UInt32) -> UInt?
  ) throws(CodeGenErrorBox) -> CompiledCode {
    do {
      return try withoutActuallyEscaping(lookup) { (lookup) throws(CodeGenError) -> CompiledCode in
        var lowering = BlockLowering(
          abi: abi, stubs: stubs, baseAddress: baseAddress, lookup: lookup)
        return try lowering.lower(block)
      }
    } catch { throw CodeGenErrorBox(error.description) }
  }

  public func patchJump(site: UInt, target: UInt) throws(CodeGenErrorBox) -> [UInt8] {
    do { return try rel32Bytes(site: site, target: target) } catch {
      throw CodeGenErrorBox(error.description)
    }
  }
}
