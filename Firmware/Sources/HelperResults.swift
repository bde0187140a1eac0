#if KILN_THUMB2_JIT
  import KilnIR

  /// `function` with `r0 = zero-extend(r0, 32)` after every call of a
  /// helper of `ids` (``HelperFacts/narrowResults``: a C function that
  /// returns `uint32_t`, so only r0 of its AAPCS result is defined). The
  /// extension is the helper's result as a 64-bit eBPF value, and it puts
  /// that fact in the IR, where the range analysis and `UpperZero` see it:
  /// r0, and what is copied from it, may then live in one host register.
  /// Sites and labels are unchanged (operations are only inserted).
  func zeroExtendingResults(of ids: [UInt32], in function: FunctionIR.Function)
    -> FunctionIR.Function
  {
    guard !ids.isEmpty else { return function }
    var ops: [FunctionIR.Op] = []
    ops.reserveCapacity(function.ops.count + 4)
    for op in function.ops {
      ops.append(op)
      if case .callHelper(let id, _) = op, ids.contains(id) {
        ops.append(.zeroExtend(.r0, bits: 32))
      }
    }
    var out = function
    out.ops = ops
    return out
  }
#endif
