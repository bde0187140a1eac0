import CUnicorn
import CUnicornShim

/// UC_HOOK_CODE callback of instruction counting: `user_data` is the
/// emulator's `counter` (allocated for the emulator's lifetime).
private let countTrampoline: kiln_uc_code_callback = { _, _, _, userData in
  userData!.assumingMemoryBound(to: UInt64.self).pointee &+= 1
}

extension Emulator {
  /// Whether ``executedInstructions`` counts; off by default.
  ///
  /// Counting is exact: a UC_HOOK_CODE hook on every address, so Unicorn
  /// calls out before each instruction. It counts instructions as they
  /// start: one that faults is counted; one that a code hook redirects away
  /// from (see ``onCode(in:_:)``) never starts and is not.
  ///
  /// It is not cheap. Measured on a 3-instruction x86-64 loop body, 30 M
  /// instructions (Unicorn 2.0.1, x86-64 host, release build): plain
  /// emulation about 1 ns per instruction, counting about 6.5–7.5 ns, so
  /// roughly 7× slower. Unicorn 2.0.1 has no cheaper exact counter: its own
  /// instruction limit (`uc_emu_start`'s count) is the same kind of hook
  /// (also about 6.5 ns), and counting per block (UC_HOOK_BLOCK plus the
  /// block's instruction count from `uc_ctl_request_cache`, about 3–5 ns)
  /// counts a whole block even when a fault, a PC write or a stop leaves it
  /// early. For comparison, a Swift closure on every address
  /// (``onCode(in:_:)`` over all of memory) costs about 19 ns per instruction.
  ///
  /// Turning counting on or off installs or removes the hook; it fails only
  /// if Unicorn cannot allocate it (a fatal error).
  public var countInstructions: Bool {
    get { countHook != nil }
    set {
      if newValue, countHook == nil { installCountHook() }
      if !newValue, countHook != nil { removeCountHook() }
    }
  }

  /// Instructions run while ``countInstructions`` was on, across runs.
  /// Settable, to reset it.
  public var executedInstructions: UInt64 {
    get { counter.pointee }
    set { counter.pointee = newValue }
  }

  func installCountHook() {
    var handle: uc_hook = 0
    // begin > end: every address.
    let result = kiln_uc_hook_add_code(
      engine, &handle, Int32(UC_HOOK_CODE.rawValue), countTrampoline, counter, 1, 0)
    precondition(result == UC_ERR_OK, "counting hook: \(EmulatorError(result, "uc_hook_add"))")
    countHook = handle
  }

  func removeCountHook() {
    if let countHook { _ = uc_hook_del(engine, countHook) }
    countHook = nil
  }
}
