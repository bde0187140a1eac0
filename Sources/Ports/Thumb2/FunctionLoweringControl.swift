import KilnCore
import KilnIR

/// Branches, helper calls and local calls of ``FunctionIR``.
///
/// 64-bit conditions on pairs:
///
///     ==, !=      cmp lo, lo' ; it eq ; cmpeq hi, hi'       → eq / ne
///     ==, != 0    orrs r12, lo, hi                          → eq / ne
///     & != 0      tst lo, lo' ; it eq ; tsteq hi, hi'       → ne
///     <, >=       cmp lo, lo' ; sbcs t, hi, hi'             → lt ge lo hs
///     >, <= i     cmp lo, #(i+1) ; sbcs t, hi, #(i+1).hi    → ge lt hs lo
///     >, <=       the <, >= test with the operands swapped  → lt ge lo hs
extension FunctionLowering {
  mutating func lowerBranch(
    _ c: KilnIR.Condition, _ width: FunctionIR.Width, _ lhs: FunctionIR.Register,
    _ rhs: FunctionIR.Operand, _ target: Label
  ) {
    // Both sides within 32 bits (so non-negative): the 64-bit comparison
    // is the unsigned one of the low words.
    if width == .w64, fits(lhs), fits(rhs) {
      a.b(compare32(Self.unsigned(c), readLow(lhs, into: .r0), rhs), target)
      return
    }
    let l = width == .w64 ? read(lhs, into: ABI.a) : readWord(lhs, into: ABI.a)
    let host = width == .w64 ? compare64(c, l, rhs) : compare32(c, l.lo, rhs)
    a.b(host, target)
  }

  /// The unsigned form of a signed comparison (others unchanged).
  static func unsigned(_ c: KilnIR.Condition) -> KilnIR.Condition {
    switch c {
    case .lessThan: .lessThanUnsigned
    case .lessOrEqual: .lessOrEqualUnsigned
    case .greaterThan: .greaterThanUnsigned
    case .greaterOrEqual: .greaterOrEqualUnsigned
    default: c
    }
  }

  /// Whether `c` compares unsigned values.
  static func isUnsigned(_ c: KilnIR.Condition) -> Bool {
    switch c {
    case .lessThanUnsigned, .lessOrEqualUnsigned, .greaterThanUnsigned, .greaterOrEqualUnsigned:
      true
    default: false
    }
  }

  /// Sets the flags for a 32-bit `c` and returns the host condition.
  mutating func compare32(_ c: KilnIR.Condition, _ l: Reg, _ rhs: FunctionIR.Operand) -> Condition {
    switch rhs {
    case .register(let r):
      let s = readLow(r, into: .r2)
      if c == .andNonZero { a.tst(l, s) } else { a.cmp(l, s) }
    case .immediate(let i):
      let v = UInt32(bitPattern: i)
      if c == .andNonZero, let m = ModifiedImmediate(exactly: v) {
        a.tst(l, imm: m)
      } else if c != .andNonZero, let m = ModifiedImmediate(exactly: v) {
        a.cmp(l, imm: m)
      } else if c != .andNonZero, let m = ModifiedImmediate(exactly: 0 &- v) {
        a.cmn(l, imm: m)
      } else {
        a.mov32(.r2, v)
        if c == .andNonZero { a.tst(l, .r2) } else { a.cmp(l, .r2) }
      }
    }
    return Self.hostCondition(c)
  }

  static func hostCondition(_ c: KilnIR.Condition) -> Condition {
    switch c {
    case .equal: .eq
    case .notEqual: .ne
    case .lessThan: .lt
    case .lessOrEqual: .le
    case .greaterThan: .gt
    case .greaterOrEqual: .ge
    case .lessThanUnsigned: .lo
    case .lessOrEqualUnsigned: .ls
    case .greaterThanUnsigned: .hi
    case .greaterOrEqualUnsigned: .hs
    case .andNonZero: .ne
    }
  }

  /// Sets the flags for a 64-bit `c` and returns the host condition.
  mutating func compare64(_ c: KilnIR.Condition, _ l: Pair, _ rhs: FunctionIR.Operand)
    -> Condition
  {
    switch c {
    case .equal, .notEqual, .andNonZero:
      if c != .andNonZero, rhs == .immediate(0) {
        // Against zero: one `orrs` of the two words.
        a.orrs(.r12, l.lo, l.hi)
        return c == .equal ? .eq : .ne
      }
      if case .immediate(let i) = rhs {
        let (lo, hi) = Self.split(i, .w64)
        if c == .andNonZero, let m = ModifiedImmediate(exactly: lo) {
          a.tst(l.lo, imm: m)
          a.it(.eq)
          a.tst(l.hi, imm: imm(hi))
          return .ne
        }
        if c != .andNonZero, let m = ModifiedImmediate(exactly: lo) {
          a.cmp(l.lo, imm: m)
          a.it(.eq)
          a.cmp(l.hi, imm: imm(hi))
          return c == .equal ? .eq : .ne
        }
      }
      let r = operand(rhs, .w64, into: ABI.b)
      if c == .andNonZero {
        a.tst(l.lo, r.lo)
        a.it(.eq)
        a.tst(l.hi, r.hi)
        return .ne
      }
      a.cmp(l.lo, r.lo)
      a.it(.eq)
      a.cmp(l.hi, r.hi)
      return c == .equal ? .eq : .ne
    case .lessThan, .greaterOrEqual, .lessThanUnsigned, .greaterOrEqualUnsigned:
      let t = Reg.r12
      if case .immediate(let i) = rhs {
        let (lo, hi) = Self.split(i, .w64)
        if let m = ModifiedImmediate(exactly: lo) {
          a.cmp(l.lo, imm: m)
          a.sbcs(t, l.hi, imm: imm(hi))
          return Self.hostCondition(c)
        }
      }
      if case .register(let r) = rhs, fits(r) {
        // The right side's high word is 0.
        a.cmp(l.lo, readLow(r, into: .r2))
        a.sbcs(t, l.hi, imm: imm(0))
        return Self.hostCondition(c)
      }
      let r = operand(rhs, .w64, into: ABI.b)
      a.cmp(l.lo, r.lo)
      a.sbcs(t, l.hi, r.hi)
      return Self.hostCondition(c)
    default:
      // a > i is a >= i + 1 and a <= i is a < i + 1 (an immediate
      // sign-extends; i + 1 does not wrap except for the unsigned all-ones,
      // compared swapped below).
      if case .immediate(let i) = rhs, !(i == -1 && Self.isUnsigned(c)) {
        let next = Int64(i) + 1
        let lo = UInt32(truncatingIfNeeded: next)
        let hi = UInt32(truncatingIfNeeded: next >> 32)
        if let m = ModifiedImmediate(exactly: lo), let mh = ModifiedImmediate(exactly: hi) {
          a.cmp(l.lo, imm: m)
          a.sbcs(.r12, l.hi, imm: mh)
          switch c {
          case .greaterThan: return .ge
          case .lessOrEqual: return .lt
          case .greaterThanUnsigned: return .hs
          default: return .lo
          }
        }
      }
      // a > b is b < a: compare swapped.
      let r = operand(rhs, .w64, into: ABI.b)
      a.cmp(r.lo, l.lo)
      a.sbcs(.r12, r.hi, l.hi)
      switch c {
      case .greaterThan: return .lt
      case .lessOrEqual: return .ge
      case .greaterThanUnsigned: return .lo
      default: return .hs
      }
    }
  }

  /// Helper call through the state's single host-call word, per AAPCS:
  /// `(r1, r2, r3, r4, r5: u64, state) -> u64`. r1 in r0:r1, r2 in r2:r3,
  /// r3–r5 and the state pointer on the stack (8-byte aligned):
  ///
  ///     sp + 0   r3        sp + 24  state pointer
  ///     sp + 8   r4        sp + 28  (pad)
  ///     sp + 16  r5        sp + 32  lr of the current eBPF function
  ///
  /// The id goes to `helperID` first. The trampoline records an unknown id
  /// (only possible with `callx`) in the status, checked after indirect calls.
  mutating func callHelper(id: FunctionIR.Operand, site: Int) throws(CodeGenError) {
    if case .immediate(let i) = id, let address = environment.directHelpers[UInt32(bitPattern: i)] {
      return try callDirectHelper(address, passing: helperArgumentMask(UInt32(bitPattern: i)))
    }
    let state = Reg.r12
    a.ldr(state, ABI.fp, ABI.statePointer)
    switch id {
    case .immediate(let i):
      a.mov32(.r0, UInt32(bitPattern: i))
      a.mov(.r1, imm: imm(0))
      a.strd(.r0, .r1, state, Env.helperID)
    case .register(let r):
      let v = read(r, into: ABI.a)
      a.strd(v.lo, v.hi, state, Env.helperID)
      a.mov32(.r0, UInt32(truncatingIfNeeded: site))
      a.mov(.r1, imm: imm(0))
      a.strd(.r0, .r1, state, Env.errorSite)
    }
    enterHelperCall()
    a.str(state, .sp, 24)
    move(into: ABI.b, read(FunctionIR.Register(2), into: ABI.b))
    move(into: ABI.a, read(FunctionIR.Register(1), into: ABI.a))
    a.ldr(.r12, state, Env.helperCall)
    a.blx(.r12)
    leaveHelperCall()
    if case .register = id {
      a.ldr(.r12, ABI.fp, ABI.statePointer)
      a.ldr(.r12, .r12, Env.status)
      a.cmp(.r12, imm: imm(0))
      a.b(.ne, errorExit)
    }
  }

  /// A helper with its own C entry point (``FunctionEnvironment/directHelpers``):
  /// the same arguments and frame as through the trampoline, without the id
  /// and the state pointer.
  /// `mask`: the eBPF registers passed (`helperArgumentMask`).
  mutating func callDirectHelper(_ address: UInt64, passing mask: UInt16) throws(CodeGenError) {
    guard let target = UInt32(exactly: address) else {
      throw .immediateOutOfRange("helper address \(address) (a 32-bit host)")
    }
    enterHelperCall(passing: mask)
    if mask & 0b100 != 0 { move(into: ABI.b, read(FunctionIR.Register(2), into: ABI.b)) }
    if mask & 0b10 != 0 {
      move(into: ABI.a, read(argumentSource ?? FunctionIR.Register(1), into: ABI.a))
    }
    argumentSource = nil
    a.mov32(.r12, target)
    a.blx(.r12)
    leaveHelperCall()
  }

  /// The 40-byte call area (r3–r5 on the stack, lr saved at sp + 32): made
  /// here, or by the prologue once for a function entered by a branch
  /// (sp never moves in its body, `FunctionABI.swift`). lr is saved only
  /// when it holds something: a return address or an eBPF register.
  /// Only the registers of `mask` among r3–r5 are stored (bit i: ri).
  mutating func enterHelperCall(passing mask: UInt16 = 0b11_1110) {
    if !returnsByBranch { a.sub(.sp, .sp, imm: imm(40)) }
    for (k, i) in [3, 4, 5].enumerated() where mask & (1 << i) != 0 {
      let v = read(FunctionIR.Register(UInt8(i)), into: ABI.a)
      a.strd(v.lo, v.hi, .sp, Int32(8 * k))
    }
    if lrIsLiveAcrossCall { a.str(.lr, .sp, 32) }
  }

  /// After the `blx`: lr back, the call area freed, r0 = the result (its
  /// low word alone when the next operation zero-extends it from 32 bits,
  /// a helper with a 32-bit result: the extension is lowered here).
  mutating func leaveHelperCall() {
    if lrIsLiveAcrossCall { a.ldr(.lr, .sp, 32) }
    if !returnsByBranch { a.add(.sp, .sp, imm: imm(40)) }
    if let m = resultMove() {
      // `x = r0` with r0 dead after it (`MoveFusions.swift`).
      if m.word { writeLow(m.x, ABI.a) } else { write(m.x, ABI.a) }
      loweredThrough = m.at
      return
    }
    if index + 1 < ops.count, case .zeroExtend(.r0, bits: 32) = ops[index + 1] {
      // `writeLow` keeps r0's high word where r0 fitted before the call
      // (it is 0 there) and clears it otherwise.
      writeLow(.r0, ABI.a)
      loweredThrough = index + 1
      return
    }
    write(.r0, ABI.a)
  }

  /// Whether lr must survive the helper call at `index`: it holds the
  /// return address, or an eBPF register that may be read after the call
  /// (`CallLiveness`; without it, any register in lr).
  var lrIsLiveAcrossCall: Bool {
    guard returnsByBranch else { return true }
    for (i, home) in homes.enumerated() {
      let inLR: Bool
      switch home {
      case .narrow(let h): inLR = h == .lr
      case .pair(let p): inLR = p.lo == .lr || p.hi == .lr
      case .slot: inLR = false
      }
      if inLR { return isLiveAfter(FunctionIR.Register(UInt8(i))) }
    }
    return false
  }

  /// Local call: check and count the depth, save r6–r9, r10 and lr, give
  /// the callee the next frame down, `bl`, restore.
  mutating func lowerLocalCall(_ callee: Label, site: Int) throws(CodeGenError) {
    let depth = Reg.r12
    let fail = a.newLabel()
    a.ldr(depth, ABI.fp, ABI.callDepth)
    a.mov32(.r0, UInt32(environment.maxCallDepth))
    a.cmp(depth, .r0)
    a.b(.hs, fail)
    cold.append(.init(label: fail, site: site, detail: 0, stub: depthExceeded))
    a.add(depth, depth, imm: imm(1))
    a.str(depth, ABI.fp, ABI.callDepth)
    a.sub(.sp, .sp, imm: imm(40))
    for k in 0..<4 {
      let v = read(FunctionIR.Register(UInt8(6 + k)), into: ABI.a)
      a.strd(v.lo, v.hi, .sp, Int32(8 * k))
    }
    a.str(ABI.frame, .sp, 32)
    a.str(.lr, .sp, 36)
    try subtract(ABI.frame, ABI.frame, Int32(environment.frameSize))
    a.bl(callee)
    a.ldr(ABI.frame, .sp, 32)
    a.ldr(.lr, .sp, 36)
    for k in 0..<4 {
      let r = FunctionIR.Register(UInt8(6 + k))
      let d = target(r, ABI.a)
      a.ldrd(d.lo, d.hi, .sp, Int32(8 * k))
      write(r, d)
    }
    a.add(.sp, .sp, imm: imm(40))
    a.ldr(depth, ABI.fp, ABI.callDepth)
    a.sub(depth, depth, imm: imm(1))
    a.str(depth, ABI.fp, ABI.callDepth)
  }
}
