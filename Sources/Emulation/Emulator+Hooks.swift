import CUnicorn
import CUnicornShim

/// An installed hook; pass it to ``Emulator/removeHook(_:)`` to remove it.
public struct Hook: Hashable, Sendable {
  /// Unicorn's `uc_hook` handle.
  let handle: uc_hook
}

/// The Swift side of a code hook: Unicorn passes it to ``codeTrampoline`` as
/// `user_data`.
private final class CodeHookBox {
  unowned let emulator: Emulator
  let body: (Emulator, UInt64) -> Void
  init(_ emulator: Emulator, _ body: @escaping (Emulator, UInt64) -> Void) {
    self.emulator = emulator
    self.body = body
  }
}

/// The Swift side of an unmapped-memory hook.
private final class MemoryEventBox {
  unowned let emulator: Emulator
  let body: (Emulator, MemoryAccess, UInt64, Int) -> Bool
  init(_ emulator: Emulator, _ body: @escaping (Emulator, MemoryAccess, UInt64, Int) -> Bool) {
    self.emulator = emulator
    self.body = body
  }
}

/// UC_HOOK_CODE callback: calls the closure of the ``CodeHookBox`` in `user_data`.
private let codeTrampoline: kiln_uc_code_callback = { _, address, _, userData in
  // user_data is the box's Unmanaged pointer; Emulator.hookBoxes keeps the
  // box alive for as long as Unicorn can call this hook, so it is borrowed
  // without a retain/release pair (a third of the hook's cost when measured).
  Unmanaged<CodeHookBox>.fromOpaque(userData!)._withUnsafeGuaranteedRef { box in
    box.body(box.emulator, address)
  }
}

/// UC_HOOK_MEM_*_UNMAPPED callback: calls the closure of the ``MemoryEventBox`` in `user_data`.
private let memoryEventTrampoline: kiln_uc_event_memory_callback = {
  _, type, address, size, _, userData in
  // As in codeTrampoline: the box is retained by Emulator.hookBoxes.
  Unmanaged<MemoryEventBox>.fromOpaque(userData!)._withUnsafeGuaranteedRef { box in
    box.body(box.emulator, MemoryAccess(type), address, Int(size))
  }
}

extension Emulator {
  /// Calls `body` with the emulator and the instruction's address before
  /// each instruction in `range` runs (UC_HOOK_CODE on [lowerBound, upperBound]).
  ///
  /// This is how Kiln serves host calls: generated code calls an address in
  /// a trap page; the hook does the work, writes the result register and
  /// emulates the return (``returnFromCall()``). Writing the program counter
  /// here redirects execution: the hooked instruction is not executed, and
  /// code hooks added after this one are not called for it.
  @discardableResult
  public func onCode(
    in range: ClosedRange<UInt64>, _ body: @escaping (Emulator, UInt64) -> Void
  ) throws(EmulatorError) -> Hook {
    let box = Unmanaged.passRetained(CodeHookBox(self, body))
    let hook = try addHook(box) { engine, handle, userData in
      kiln_uc_hook_add_code(
        engine, handle, Int32(UC_HOOK_CODE.rawValue), codeTrampoline, userData,
        range.lowerBound, range.upperBound)
    }
    // Keep the counting hook last, so that an instruction a hook redirects
    // away from (never executed) is not counted.
    if countInstructions {
      removeCountHook()
      installCountHook()
    }
    return hook
  }

  /// Calls `body` with the emulator, the kind of access, its address and
  /// size when emulated code reads, writes or fetches unmapped memory
  /// (UC_HOOK_MEM_UNMAPPED).
  ///
  /// Return `true` after mapping the memory (for example with
  /// ``mapIdentity(_:size:permissions:)``) to retry the access; `false`
  /// makes the run fail with the matching `*_UNMAPPED` error.
  @discardableResult
  public func onUnmappedMemory(
    _ body: @escaping (Emulator, MemoryAccess, UInt64, Int) -> Bool
  ) throws(EmulatorError) -> Hook {
    let box = Unmanaged.passRetained(MemoryEventBox(self, body))
    let type =
      UC_HOOK_MEM_READ_UNMAPPED.rawValue | UC_HOOK_MEM_WRITE_UNMAPPED.rawValue
      | UC_HOOK_MEM_FETCH_UNMAPPED.rawValue
    return try addHook(box) { engine, handle, userData in
      kiln_uc_hook_add_event_memory(engine, handle, Int32(type), memoryEventTrampoline, userData)
    }
  }

  /// Removes a hook added by ``onCode(in:_:)`` or ``onUnmappedMemory(_:)``.
  /// Allowed from inside a hook, including the hook being removed.
  public func removeHook(_ hook: Hook) throws(EmulatorError) {
    guard let box = hookBoxes.removeValue(forKey: hook) else { return }
    try check(uc_hook_del(engine, hook.handle), "uc_hook_del")
    // The closure may be the one executing now: release it only after the run.
    if runDepth > 0 { retiredBoxes.append(box) } else { box.release() }
  }

  /// Installs a hook with `add`, which gets the engine, the handle to fill
  /// and the `user_data` pointer; `box` (retained once) is kept in
  /// `hookBoxes` on success and released on failure.
  private func addHook<Box: AnyObject>(
    _ box: Unmanaged<Box>,
    _ add: (OpaquePointer, UnsafeMutablePointer<uc_hook>, UnsafeMutableRawPointer) -> uc_err
  ) throws(EmulatorError) -> Hook {
    var handle: uc_hook = 0
    let result = add(engine, &handle, box.toOpaque())
    guard result == UC_ERR_OK else {
      box.release()
      throw EmulatorError(result, "uc_hook_add")
    }
    let hook = Hook(handle: handle)
    hookBoxes[hook] = Unmanaged<AnyObject>.fromOpaque(box.toOpaque())
    return hook
  }
}
