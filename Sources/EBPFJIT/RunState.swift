import EBPF
import KilnIR
import KilnPort

/// The per-run allocations of a JIT run, from the executor: the eBPF stack
/// and the state block generated code reaches through its state register
/// (layout in `FunctionEnvironment`), whose `hostContext` word holds an
/// unmanaged reference to the program's helper table for the helper
/// trampoline (the program, and with it the table, outlives the run).
///
/// Every word of the state block is 8 bytes, on 32-bit ports too: the
/// runtime writes addresses zero-extended (`UInt64(UInt)`), so a 32-bit
/// port may read the low word of an address field and the 64-bit bounds
/// arithmetic on a base is exact. The context and the regions come with
/// the addresses generated code sees them at (`Executor.expose`).
struct RunState {
  typealias Env = FunctionEnvironment
  let stack: UnsafeMutableRawPointer
  let stackSize: Int
  let state: UnsafeMutableRawPointer
  let stateSize: Int
  let context: MemoryRegion
  let executor: any Executor

  init(
    options: ExecutionOptions, regions hostRegions: [MemoryRegion], helperBox: HelperBox,
    helperCall: UInt, context: MemoryRegion, executor: any Executor
  ) throws(EBPFError) {
    let frames = options.maxCallDepth
    stackSize = ExecutionOptions.stackFrameSize * frames
    let regions =
      [MemoryRegion(base: 0, length: UInt64(stackSize), writable: true), context]
      + hostRegions
    stateSize = Env.stateSize(regionCount: regions.count)
    self.executor = executor
    self.context = context
    // Both are reached by generated code, so they come from the executor.
    do throws(ExecutorError) {
      stack = try executor.allocate(bytes: stackSize)
      do { state = try executor.allocate(bytes: stateSize) } catch {
        executor.deallocate(stack, bytes: stackSize)
        throw error
      }
    } catch { throw .engineUnavailable(reason: error.description) }
    let stackBase = UInt64(UInt(bitPattern: stack))

    func set(_ offset: Int32, _ value: UInt64) {
      state.storeBytes(of: value, toByteOffset: Int(offset), as: UInt64.self)
    }
    set(Env.callDepth, 1)
    set(Env.helperCall, UInt64(helperCall))
    set(Env.argument1, context.base)
    set(Env.argument2, context.length)
    set(Env.frameTop, stackBase + UInt64(stackSize))
    for (i, r) in regions.enumerated() {
      set(Env.regionBase(i), i == Env.stackRegion ? stackBase : r.base)
      for s in [1, 2, 4, 8] {
        set(Env.regionLimit(i, size: s), r.length >= UInt64(s) ? r.length - UInt64(s) + 1 : 0)
      }
    }
    set(Env.hostContext, UInt64(UInt(bitPattern: Unmanaged.passUnretained(helperBox).toOpaque())))
    set(Env.budgetRemaining, options.instructionBudget ?? 0)
    set(Env.interrupt, 0)
  }

  func deallocate() {
    executor.deallocate(stack, bytes: stackSize)
    executor.deallocate(state, bytes: stateSize)
  }

  func load(_ offset: Int32) -> UInt64 { state.load(fromByteOffset: Int(offset), as: UInt64.self) }

  /// Turns the status the run left into the interpreter's error.
  /// (``FunctionIR/Status/budgetExhausted`` is `JITProgram.stopped`'s.)
  func check(limit: Int) throws(EBPFError) {
    guard let status = FunctionIR.Status(rawValue: load(Env.status)) else {
      throw .engineUnavailable(reason: "internal error: unknown run status \(load(Env.status))")
    }
    let site = Int(load(Env.errorSite))
    let address = load(Env.errorAddress)
    let detail = load(Env.errorDetail)
    func decodedAccess() throws(EBPFError) -> AccessDescriptor {
      guard let access = AccessDescriptor(encoded: detail) else {
        throw .engineUnavailable(reason: "internal error: bad access descriptor \(detail)")
      }
      return access
    }
    switch status {
    case .ok: return
    case .outOfBounds:
      let access = try decodedAccess()
      throw .outOfBounds(
        index: site, address: address, size: access.size, isWrite: access.isWrite)
    case .packetOutOfBounds:
      throw .packetOutOfBounds(
        index: site, offset: address, size: try decodedAccess().size, length: context.length)
    case .callDepthExceeded: throw .callDepthExceeded(index: site, limit: limit)
    case .unknownHelper: throw .unknownHelper(index: site, id: address)
    case .budgetExhausted:
      throw .engineUnavailable(reason: "internal error: a budget stop not finished")
    }
  }
}

/// The helper table, reachable from the C trampoline.
final class HelperBox {
  let helpers: HelperTable
  init(_ helpers: HelperTable) { self.helpers = helpers }
}

/// The C signature of ``helperTrampoline``, for the executor: five 64-bit
/// eBPF registers and the state pointer (on a 32-bit port: r0:r1, r2:r3,
/// then the stack; see `HostCallConvention.aapcs32`).
let helperSignature = HostSignature(
  [.int64, .int64, .int64, .int64, .int64, .pointer], result: .int64)

/// The single host call of eBPF code: `(r1, r2, r3, r4, r5, state) -> r0`,
/// helper id in the state's `helperID`. An unknown id (possible only with
/// `callx`) records ``FunctionIR/Status/unknownHelper``; the generated code
/// checks the status after indirect calls.
let helperTrampoline:
  @convention(c) (UInt64, UInt64, UInt64, UInt64, UInt64, UnsafeMutableRawPointer) -> UInt64 = {
    a1, a2, a3, a4, a5, state in
    typealias Env = FunctionEnvironment
    let id = state.load(fromByteOffset: Int(Env.helperID), as: UInt64.self)
    // RunState stored the JITProgram's box in `hostContext`; the program is
    // alive for the whole run.
    // An 8-byte word whatever the pointer width (zero-extended).
    let word = state.load(fromByteOffset: Int(Env.hostContext), as: UInt64.self)
    guard let raw = UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: word)) else { return 0 }
    let box = Unmanaged<HelperBox>.fromOpaque(raw).takeUnretainedValue()
    guard let helper = box.helpers.function(for: id) else {
      state.storeBytes(
        of: FunctionIR.Status.unknownHelper.rawValue, toByteOffset: Int(Env.status), as: UInt64.self
      )
      state.storeBytes(of: id, toByteOffset: Int(Env.errorAddress), as: UInt64.self)
      return 0
    }
    return helper(a1, a2, a3, a4, a5)
  }
