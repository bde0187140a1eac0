#if KILN_THUMB2_JIT
  import KilnIR

  /// How many bytes at the top of its eBPF stack a run of `function` can
  /// read or write, so that a run zeroes only those (every run must see a
  /// zeroed stack, as the interpreter's; bytes no run can reach need not
  /// be cleared). The whole `stackSize` unless every way to the stack is
  /// bounded:
  ///
  /// * no local calls (a callee's frame lies below the entry frame);
  /// * every helper call goes to a helper in `memoryFree` (one that reads
  ///   and writes no memory through its arguments, so a stack pointer
  ///   passed to it reaches nothing); no `callx`;
  /// * every load, store and atomic is either through r10 at a constant
  ///   offset inside the frame (`[r10 + offset, r10 + offset + size)`:
  ///   reaches `-offset` bytes), or one the range analysis proved
  ///   (`AccessFact.proven`: inside `[r10 - provenReach, r10)` or the
  ///   context, where `provenReach` is the analysis' `frameReach`, at
  ///   most `frameSize`).
  ///
  /// Any other access (checked, or `.context`: only a hint) may land
  /// anywhere in the stack region. The result is a multiple of 8 (the
  /// frame's slots are 8-byte words).
  func reachableStackBytes(
    _ function: FunctionIR.Function, frameSize: Int, stackSize: Int, memoryFree: [UInt32],
    provenReach: Int
  ) -> Int {
    let proven = min(max(provenReach, 0), frameSize)
    var reach = 0
    for op in function.ops {
      switch op {
      case .callLocal, .callHelperIndirect: return stackSize
      case .callHelper(let id, _): if !memoryFree.contains(id) { return stackSize }
      case .load(_, let base, let offset, let size, _, let site),
        .store(let base, let offset, let size, _, let site):
        reach = max(
          reach, accessReach(function, base, offset, size, site, frameSize, proven, stackSize))
      case .atomic(_, _, let size, let base, let offset, _, let site):
        reach = max(
          reach, accessReach(function, base, offset, size, site, frameSize, proven, stackSize))
      default: continue
      }
    }
    return min((reach + 7) & ~7, stackSize)
  }

  /// Bytes below r10 one access can reach (`stackSize`: anywhere).
  private func accessReach(
    _ function: FunctionIR.Function, _ base: FunctionIR.Register, _ offset: Int32, _ size: Int,
    _ site: Int, _ frameSize: Int, _ proven: Int, _ stackSize: Int
  ) -> Int {
    if base == .r10, offset >= -Int32(frameSize), offset <= -Int32(size) {
      return Int(-offset)
    }
    return function.accessFact(site: site) == .proven ? proven : stackSize
  }
#endif
