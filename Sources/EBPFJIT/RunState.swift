import EBPF
import KilnIR

/// The per-run allocations of a JIT run: the eBPF stack and the state block
/// generated code reaches through its state register (layout in
/// `FunctionEnvironment`), whose `hostContext` word holds an unmanaged
/// reference to the program's helper table for the helper trampoline (the
/// program, and with it the table, outlives the run).
struct RunState {
  typealias Env = FunctionEnvironment
  let stack: UnsafeMutableRawPointer
  let state: UnsafeMutableRawPointer
  let context: MemoryRegion

  init(jit: JITProgram, context: MemoryRegion) {
    let frames = jit.options.maxCallDepth
    let stackSize = ExecutionOptions.stackFrameSize * frames
    stack = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
    stack.initializeMemory(as: UInt8.self, repeating: 0, count: stackSize)
    let regions =
      [
        MemoryRegion(
          base: UInt64(UInt(bitPattern: stack)), length: UInt64(stackSize), writable: true),
        context,
      ] + jit.memoryMap.regions
    let size = Env.stateSize(regionCount: regions.count)
    state = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
    state.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    self.context = context

    func set(_ offset: Int32, _ value: UInt64) {
      state.storeBytes(of: value, toByteOffset: Int(offset), as: UInt64.self)
    }
    set(Env.callDepth, 1)
    set(
      Env.helperCall,
      UInt64(UInt(bitPattern: unsafeBitCast(helperTrampoline, to: UnsafeRawPointer.self))))
    set(Env.argument1, context.base)
    set(Env.argument2, context.length)
    set(Env.frameTop, UInt64(UInt(bitPattern: stack)) + UInt64(stackSize))
    for (i, r) in regions.enumerated() {
      set(Env.regionBase(i), r.base)
      for s in [1, 2, 4, 8] {
        set(Env.regionLimit(i, size: s), r.length >= UInt64(s) ? r.length - UInt64(s) + 1 : 0)
      }
    }
    state.storeBytes(
      of: UInt(bitPattern: Unmanaged.passUnretained(jit.helperBox).toOpaque()),
      toByteOffset: Int(Env.hostContext), as: UInt.self)
  }

  func deallocate() {
    stack.deallocate()
    state.deallocate()
  }

  func load(_ offset: Int32) -> UInt64 { state.load(fromByteOffset: Int(offset), as: UInt64.self) }

  /// Calls the generated code: `(state) -> r0`.
  func enter(_ code: UnsafeMutableRawPointer) -> UInt64 {
    // The code memory holds a function with exactly this C signature (see
    // FunctionLowering.prologue).
    let entry = unsafeBitCast(code, to: (@convention(c) (UnsafeMutableRawPointer) -> UInt64).self)
    return entry(state)
  }

  /// Turns the status the run left into the interpreter's error.
  func check(limit: Int) throws(EBPFError) {
    guard let status = FunctionIR.Status(rawValue: load(Env.status)) else {
      throw .engineUnavailable(reason: "internal error: unknown run status \(load(Env.status))")
    }
    let site = Int(load(Env.errorSite))
    let address = load(Env.errorAddress)
    let detail = load(Env.errorDetail)
    switch status {
    case .ok: return
    case .outOfBounds:
      throw .outOfBounds(
        index: site, address: address, size: Int(detail & 0xFF), isWrite: detail & 0x100 != 0)
    case .packetOutOfBounds:
      throw .packetOutOfBounds(
        index: site, offset: address, size: Int(detail), length: context.length)
    case .callDepthExceeded: throw .callDepthExceeded(index: site, limit: limit)
    case .unknownHelper: throw .unknownHelper(index: site, id: address)
    }
  }
}

/// The helper table, reachable from the C trampoline.
final class HelperBox {
  let helpers: HelperTable
  init(_ helpers: HelperTable) { self.helpers = helpers }
}

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
    let raw = state.load(fromByteOffset: Int(Env.hostContext), as: UnsafeRawPointer.self)
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
