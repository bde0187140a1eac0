import KilnIR
import KilnPort

/// The Swift side of the port's single host-call mechanism. Generated code
/// calls `hostCalls[id](context, a, b, c)` (C ABI), where `context` points to
/// the state block's `hostContext` word; each returns `status << 32 | value`
/// (see `HostCallStatus`), except `memoryFault`.
enum HostCalls {
  typealias Function = @convention(c) (UnsafeMutableRawPointer, UInt64, UInt64, UInt64) -> UInt64
  /// `Function`'s C signature, for the executor.
  static let signature = HostSignature([.pointer, .int64, .int64, .int64], result: .int64)

  /// Fills the state's host-call table with the addresses `executor` gives
  /// generated code for each function (natively the functions themselves).
  static func install(in state: GuestState, executor: any Executor) throws(ExecutorError) {
    let table: [(HostCall, Function)] = [
      (.load, load), (.store, store), (.syscall, syscall), (.breakpoint, breakpoint),
      (.fault, fault), (.memoryFault, memoryFault),
    ]
    for (id, function) in table {
      let address = unsafeBitCast(function, to: UnsafeRawPointer.self)
      state.hostCalls[id.rawValue] = try executor.hostCallAddress(
        HostFunction(address: address, signature: signature))
    }
  }

  /// The VM whose host-call context is `context` (`GuestState.owner`).
  /// SAFETY: `owner` is set in `VirtualMachine.init` to the unretained VM,
  /// which outlives every execution of its generated code.
  @inline(__always) static func vm(_ context: UnsafeMutableRawPointer) -> VirtualMachine {
    let owner = context.load(as: UnsafeMutableRawPointer.self)
    return Unmanaged<VirtualMachine>.fromOpaque(owner).takeUnretainedValue()
  }

  static func result(_ status: HostCallStatus, _ value: UInt32 = 0) -> UInt64 {
    status.rawValue << 32 | UInt64(value)
  }

  /// Records `error` for the dispatcher and tells generated code to exit.
  static func fail(_ vm: VirtualMachine, _ error: RuntimeError) -> UInt64 {
    vm.pendingError = error
    return result(.error)
  }

  /// The guest access `info` describes (`AccessDescriptor.encoded`); nil
  /// unless it encodes an access of 1, 2 or 4 bytes that writes exactly
  /// when `isWrite` (otherwise the port has a bug).
  static func access(_ info: UInt64, isWrite: Bool) -> AccessDescriptor? {
    guard let access = AccessDescriptor(encoded: info), access.size <= 4, access.isWrite == isWrite
    else { return nil }
    return access
  }

  /// Records the internal error of an undecodable `info`.
  @inline(never) static func badAccess(_ vm: VirtualMachine, _ info: UInt64) -> UInt64 {
    fail(vm, .internalError("bad access descriptor 0x\(String(info, radix: 16))"))
  }

  static let load: Function = { state, address, info, _ in
    let vm = HostCalls.vm(state)
    guard let access = HostCalls.access(info, isWrite: false) else {
      return HostCalls.badAccess(vm, info)
    }
    let size = access.size
    let a = UInt32(truncatingIfNeeded: address)
    do throws(MemoryError) {
      var value = try vm.memory.load(a, size: size)
      if access.signed && size < 4 {
        let shift = UInt32(32 - 8 * size)
        value = UInt32(bitPattern: Int32(bitPattern: value << shift) >> Int32(shift))
      }
      return HostCalls.result(.ok, value)
    } catch {
      let byte = error.firstRefusedByte(ofAccessAt: a)
      return HostCalls.fail(vm, vm.memoryFault(pc: access.pc, address: byte, size: 1))
    }
  }

  static let store: Function = { state, address, info, value in
    let vm = HostCalls.vm(state)
    guard let access = HostCalls.access(info, isWrite: true) else {
      return HostCalls.badAccess(vm, info)
    }
    let size = access.size
    let a = UInt32(truncatingIfNeeded: address)
    do throws(MemoryError) {
      if try vm.memory.store(a, size: size, value: UInt32(truncatingIfNeeded: value)) {
        vm.jit?.flush()
        return HostCalls.result(.codeModified)
      }
      return HostCalls.result(.ok)
    } catch {
      let byte = error.firstRefusedByte(ofAccessAt: a)
      return HostCalls.fail(vm, vm.memoryFault(pc: access.pc, address: byte, size: 1))
    }
  }

  static let syscall: Function = { state, _, _, _ in
    let vm = HostCalls.vm(state)
    do throws(RuntimeError) {
      try vm.syscallHandler(vm, vm.state.registers[17])
      return HostCalls.result(.ok)
    } catch {
      return HostCalls.fail(vm, error)
    }
  }

  static let breakpoint: Function = { state, pc, _, _ in
    let vm = HostCalls.vm(state)
    guard vm.config.haltOnBreakpoint else { return HostCalls.result(.ok) }
    return HostCalls.fail(vm, .breakpoint(pc: UInt32(truncatingIfNeeded: pc)))
  }

  static let fault: Function = { state, kind, pc, detail in
    let vm = HostCalls.vm(state)
    let p = UInt32(truncatingIfNeeded: pc)
    let d = UInt32(truncatingIfNeeded: detail)
    let error: RuntimeError =
      switch GuestFaultCode(rawValue: kind) {
      case .illegalInstruction: .illegalInstruction(pc: p, word: d)
      case .fetchOutsideMemory: .executionOutsideMemory(pc: p)
      case .misalignedJump: .misalignedJump(pc: p, target: d)
      case nil: .internalError("unknown fault kind \(kind)")
      }
    return HostCalls.fail(vm, vm.executionFault(error))
  }

  /// Flat memory: the signal handler could not map the page of a guest
  /// access (quota exhausted, or the access wrapped into the guard) and sent
  /// it to the recovery stub (paged memory's faulting walk: every access
  /// into the miss region), which asks where that access's slow path is.
  /// The slow path then redoes the access through `load`/`store`, which wrap
  /// around and report `outOfMemory` with the guest pc.
  static let memoryFault: Function = { state, _, _, _ in
    let vm = HostCalls.vm(state)
    let rip: UInt
    if let flat = vm.memory as? FlatMemory {
      rip = flat.reservation.lastFaultRIP
    } else if let paged = vm.state.pagedReservation, paged.isRegistered {
      rip = paged.lastFaultRIP
    } else {
      _ = HostCalls.fail(vm, .internalError("memory fault without a faulting memory"))
      return 0
    }
    guard let jit = vm.jit else {
      _ = HostCalls.fail(vm, .internalError("memory fault without the JIT"))
      return 0
    }
    guard let resume = jit.slowPath(forFaultAt: rip) else {
      let where_ = String(rip, radix: 16)
      _ = HostCalls.fail(
        vm, .internalError("guest memory fault at host 0x\(where_), not a compiled access"))
      return 0
    }
    return UInt64(resume)
  }
}
