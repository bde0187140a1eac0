import KilnCore
import KilnIR

/// Arithmetic, logic, shifts and multiplication of ``FunctionIR`` on pairs.
///
/// 64-bit: `adds`/`adc`, `subs`/`sbc`, bitwise ops per word, shifts by
/// immediate as word moves plus shifted-register `orr`, shifts by register
/// branch-free (a register shift by 32…255 gives 0, so the two candidate
/// words are or-ed; `asr` picks its word under `it pl`), the product as
/// `umull` of the low words plus the two cross products (`mul`, `mla`).
/// 32-bit operations compute the low word and set the high word to 0.
extension FunctionLowering {
  /// The 64-bit value of an immediate operand at `width`: sign-extended for
  /// w64, taken as is (high word 0) for w32.
  static func split(_ i: Int32, _ width: FunctionIR.Width) -> (lo: UInt32, hi: UInt32) {
    (UInt32(bitPattern: i), width == .w64 && i < 0 ? 0xFFFF_FFFF : 0)
  }

  /// `src` in host registers: a register's pair, or an immediate in
  /// `scratch` (at w32 only its low word: 32-bit operations never read
  /// the high one).
  mutating func operand(_ src: FunctionIR.Operand, _ width: FunctionIR.Width, into scratch: Pair)
    -> Pair
  {
    switch src {
    case .register(let r):
      return width == .w32 ? readWord(r, into: scratch) : read(r, into: scratch)
    case .immediate(let i):
      let (lo, hi) = Self.split(i, width)
      a.mov32(scratch.lo, lo)
      if width == .w64 { a.mov32(scratch.hi, hi) }
      return scratch
    }
  }

  mutating func lowerALU(
    _ op: BinaryOperation, _ width: FunctionIR.Width, _ dst: FunctionIR.Register,
    _ src: FunctionIR.Operand
  ) throws(CodeGenError) {
    if op == .move, case .register(let s) = src, try lowerIndexedLoad(dst, s) { return }
    if op == .multiply, case .immediate = src, lowerMultiplyAccumulate() { return }
    if op == .shiftLeft, case .immediate(let n) = src, lowerShiftThenOp(width, dst, n) { return }
    if op == .move, case .register(let s) = src, foldArgumentMove(width, dst, s) { return }
    if op == .move, case .immediate = src, sinkConstant(dst) { return }
    if op == .multiply, width == .w64,
      RegisterAllocation.fusedMultiplyHigh(ops, index, fits: fitsBefore),
      case .alu(_, _, _, .immediate(let n)) = ops[index + 1]
    {
      return lowerMultiplyHigh(dst, src, shift: UInt8(n & 63))
    }
    // A narrow destination keeps the low word only, which these compute
    // from the operands' low words (`NarrowHomes.swift`).
    if width == .w64, case .narrow = home(dst), RegisterAllocation.lowOnly(op) {
      return try lowerALU(op, .w32, dst, src)
    }
    if op == .move, case .register(let s) = src, try lowerMoveThenOp(dst, s) { return }
    if op == .move {
      // A 64-bit move of a value within 32 bits into a register within 32
      // bits moves the low word only.
      if width == .w32 || (fits(src) && fits(dst)) {
        let d = target(dst, ABI.a)
        switch src {
        case .register(let r):
          let s = readLow(r, into: d.lo)
          if d.lo != s { a.mov(d.lo, s) }
        case .immediate(let i): a.mov32(d.lo, UInt32(bitPattern: i))
        }
        return writeLow(dst, d)
      }
      let s = operand(src, width, into: target(dst, ABI.a))
      write(dst, s)
      return
    }
    switch op {
    case .divide, .divideUnsigned, .remainder, .remainderUnsigned:
      guard width == .w64 else { break }
      // Non-negative values within 32 bits: the unsigned 32-bit forms give
      // the same quotient and remainder (x / 0 = 0, x % 0 = x).
      if fits(dst), fits(src) {
        switch op {
        case .divide(.ebpf), .divideUnsigned(.ebpf):
          return try lowerALU(.divideUnsigned(.ebpf), .w32, dst, src)
        case .remainder, .remainderUnsigned:
          return try lowerALU(.remainderUnsigned, .w32, dst, src)
        default: break
        }
      }
      return try lowerDivision64(op, dst, src)
    default: break
    }
    if width == .w64, fits(dst), fits(src), try lowerALU64Within32(op, dst, src) { return }
    let d = width == .w32 ? readWord(dst, into: ABI.a) : read(dst, into: ABI.a)
    if case .immediate(let i) = src, immediateForm(op, width, d, i) {
      if width == .w32 { return writeLow(dst, d) }
      write(dst, d)
      return
    }
    let s = operand(src, width, into: ABI.b)
    if width == .w64 {
      lowerALU64(op, d, s)
    } else {
      try lowerALU32(op, d, s)
      // This one uses d.hi as a temporary.
      if op == .multiplyHighSignedUnsigned { a.mov(d.hi, imm: imm(0)) }
      return writeLow(dst, d)
    }
    write(dst, d)
  }

  /// `dst = (dst * src) >> shift` (32 ≤ shift < 64), both within 32 bits
  /// (`RegisterAllocation.fusedMultiplyHigh`), for operations `index` and
  /// `index + 1`: the high word of one `umull`, shifted; the result fits.
  mutating func lowerMultiplyHigh(
    _ dst: FunctionIR.Register, _ src: FunctionIR.Operand, shift: UInt8
  ) {
    let d = target(dst, ABI.a)
    let x = readLow(dst, into: d.lo)
    let y: Reg
    switch src {
    case .register(let r): y = readLow(r, into: .r2)
    case .immediate(let i):
      a.mov32(.r2, UInt32(bitPattern: i))
      y = .r2
    }
    a.umull(.r12, d.lo, x, y)
    if shift > 32 { a.lsr(d.lo, d.lo, imm: shift - 32) }
    // dst fits before `index`: its high word is already 0.
    writeLow(dst, d)
    loweredThrough = index + 1
  }

  /// `dst = s` (operation `index`) and the next operation on `dst` as one
  /// instruction into a narrow `dst` (host register h): `d op= t` (`add`,
  /// `sub`, `and`, `or`, `xor`; 32-bit, or 64-bit into a narrow register,
  /// `NarrowHomes.swift`) as `op h, s, t`, and a fused multiply-high
  /// `d *= t ; d >>= n` as `umull r12, h, s, t` (+ `lsr`), and a shift by
  /// an immediate as `lsl`/`lsr`/`asr h, s, #n` (64-bit: left by less than
  /// 32, whose low word is that of the low word's shift; right only where
  /// `d` fits 32 bits, so its high word shifts in zeros). False: nothing
  /// emitted.
  mutating func lowerMoveThenOp(_ dst: FunctionIR.Register, _ s: FunctionIR.Register)
    throws(CodeGenError) -> Bool
  {
    guard case .narrow(let h) = home(dst), s != dst, index + 1 < ops.count,
      case .alu(let op, let width, let d2, let t) = ops[index + 1], d2 == dst,
      t != .register(dst)
    else { return false }
    func source(_ t: FunctionIR.Operand) -> Reg {
      switch t {
      case .register(let r): return readLow(r, into: .r2)
      case .immediate(let i):
        a.mov32(.r2, UInt32(bitPattern: i))
        return .r2
      }
    }
    switch op {
    case .multiply:
      guard RegisterAllocation.fusedMultiplyHigh(ops, index + 1, fits: fitsBefore),
        case .alu(_, _, _, .immediate(let n)) = ops[index + 2]
      else { return false }
      let x = readLow(s, into: ABI.a.lo)
      a.umull(.r12, h, x, source(t))
      let shift = UInt8(n & 63)
      if shift > 32 { a.lsr(h, h, imm: shift - 32) }
      loweredThrough = index + 2
    case .add, .sub, .and, .or, .xor:
      var m: ModifiedImmediate? = nil
      var op = op
      if case .immediate(let i) = t {
        m = ModifiedImmediate(exactly: UInt32(bitPattern: i))
        // `add -c` as `sub c` (and back): the same low word.
        if m == nil, op == .add || op == .sub,
          let n = ModifiedImmediate(exactly: 0 &- UInt32(bitPattern: i))
        {
          m = n
          op = op == .add ? .sub : .add
        }
        if m == nil { return false }
      }
      let x = readLow(s, into: ABI.a.lo)
      if let m {
        switch op {
        case .add: a.add(h, x, imm: m)
        case .sub: a.sub(h, x, imm: m)
        case .and: a.and(h, x, imm: m)
        case .or: a.orr(h, x, imm: m)
        default: a.eor(h, x, imm: m)
        }
      } else {
        let y = source(t)
        switch op {
        case .add: a.add(h, x, y)
        case .sub: a.sub(h, x, y)
        case .and: a.and(h, x, y)
        case .or: a.orr(h, x, y)
        default: a.eor(h, x, y)
        }
      }
      loweredThrough = index + 1
    case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
      guard case .immediate(let i) = t else { return false }
      let n = UInt8(truncatingIfNeeded: i) & (width == .w64 ? 63 : 31)
      guard n != 0, n < 32 else { return false }
      let dFits = index + 1 < fitsBefore.count && fitsBefore[index + 1] & (1 << dst.index) != 0
      if width == .w64, op != .shiftLeft, !dFits { return false }
      let x = readLow(s, into: ABI.a.lo)
      switch op {
      case .shiftLeft: a.lsl(h, x, imm: n)
      // A 64-bit right shift of a value within 32 bits is the logical one.
      case .shiftRightArithmetic where width == .w32: a.asr(h, x, imm: n)
      default: a.lsr(h, x, imm: n)
      }
      loweredThrough = index + 1
    default: return false
    }
    return true
  }

  /// 64-bit operations whose operands both fit 32 bits (high words 0),
  /// where that saves instructions: bitwise operations and right shifts
  /// on the low words only, the product as one `umull`, a register sum or
  /// difference as the low words' with the carry into the high word. False: not one of
  /// them (nothing emitted).
  mutating func lowerALU64Within32(
    _ op: BinaryOperation, _ dst: FunctionIR.Register, _ src: FunctionIR.Operand
  ) throws(CodeGenError) -> Bool {
    switch op {
    case .and, .or, .xor:
      let d = readWord(dst, into: ABI.a)
      if case .immediate(let i) = src, immediateForm(op, .w32, d, i) {
        writeLow(dst, d)
        return true
      }
      let s = operand(src, .w32, into: ABI.b)
      try lowerALU32(op, d, s)
      writeLow(dst, d)
    case .add, .sub:
      // A register operand's high word is 0: only the carry (borrow)
      // reaches the high word (immediates take the immediate forms).
      guard case .register(let r) = src else { return false }
      let d = read(dst, into: ABI.a)
      let s = readLow(r, into: .r2)
      if op == .add {
        a.adds(d.lo, d.lo, s)
        a.adc(d.hi, d.hi, imm: imm(0))
      } else {
        a.subs(d.lo, d.lo, s)
        a.sbc(d.hi, d.hi, imm: imm(0))
      }
      write(dst, d)
    case .shiftRightLogical, .shiftRightArithmetic:
      // A non-negative value: both shifts are the logical one.
      guard case .immediate(let i) = src else { return false }
      let n = UInt8(truncatingIfNeeded: i) & 63
      guard n != 0 else { return true }
      // The high word is 0: only the low one is read.
      let d = readWord(dst, into: ABI.a)
      if n < 32 { a.lsr(d.lo, d.lo, imm: n) } else { a.mov(d.lo, imm: imm(0)) }
      writeLow(dst, d)
    case .shiftLeft:
      guard case .immediate(let i) = src else { return false }
      let n = UInt8(truncatingIfNeeded: i) & 63
      guard n != 0, n < 32 else { return false }
      let d = readWord(dst, into: ABI.a)
      // One host register keeps the low word only.
      if case .narrow = home(dst) {
        a.lsl(d.lo, d.lo, imm: n)
        return true
      }
      a.lsr(d.hi, d.lo, imm: 32 - n)
      a.lsl(d.lo, d.lo, imm: n)
      write(dst, d)
    case .multiply:
      let d = read(dst, into: ABI.a)
      let s: Reg
      switch src {
      case .register(let r): s = readLow(r, into: .r2)
      case .immediate(let i):
        a.mov32(.r2, UInt32(bitPattern: i))
        s = .r2
      }
      a.umull(d.lo, d.hi, d.lo, s)
      write(dst, d)
    default: return false
    }
    return true
  }

  /// `d op= i` without materialising the immediate, if a form exists; the
  /// caller clears the high word of 32-bit results.
  mutating func immediateForm(
    _ op: BinaryOperation, _ width: FunctionIR.Width, _ d: Pair, _ i: Int32
  ) -> Bool {
    let (lo, hi) = Self.split(i, width)
    let wide = width == .w64
    switch op {
    case .add, .sub:
      // d + i = d - (-i): adds/adc with the value, or subs/sbc with its negation.
      let negative = wide && i < 0
      let magnitude = negative ? UInt32(truncatingIfNeeded: -Int64(i)) : lo
      let isAdd = (op == .add) != negative
      if !wide {
        if let m = ModifiedImmediate(exactly: lo) {
          if op == .add { a.add(d.lo, d.lo, imm: m) } else { a.sub(d.lo, d.lo, imm: m) }
        } else if let m = ModifiedImmediate(exactly: 0 &- lo) {
          if op == .add { a.sub(d.lo, d.lo, imm: m) } else { a.add(d.lo, d.lo, imm: m) }
        } else {
          return false
        }
        return true
      }
      guard let m = ModifiedImmediate(exactly: magnitude) else { return false }
      if isAdd {
        a.adds(d.lo, d.lo, imm: m)
        a.adc(d.hi, d.hi, imm: imm(0))
      } else {
        a.subs(d.lo, d.lo, imm: m)
        a.sbc(d.hi, d.hi, imm: imm(0))
      }
      return true
    case .and, .or, .xor:
      if let m = ModifiedImmediate(exactly: lo) {
        switch op {
        case .and: a.and(d.lo, d.lo, imm: m)
        case .or: a.orr(d.lo, d.lo, imm: m)
        default: a.eor(d.lo, d.lo, imm: m)
        }
      } else if op == .and, let m = ModifiedImmediate(exactly: ~lo) {
        a.bic(d.lo, d.lo, imm: m)
      } else {
        return false
      }
      guard wide else { return true }
      switch (op, hi) {
      case (.and, 0): a.mov(d.hi, imm: imm(0))
      case (.or, 0xFFFF_FFFF): a.mov(d.hi, imm: imm(0xFFFF_FFFF))
      case (.xor, 0xFFFF_FFFF): a.mvn(d.hi, d.hi)
      default: break
      }
      return true
    case .multiply where !wide:
      // By 2^k, 2^k + 1, 2^k - 1: one shift, add or reverse subtract.
      func log2(_ v: UInt32) -> UInt8? {
        v != 0 && v & (v &- 1) == 0 ? UInt8(v.trailingZeroBitCount) : nil
      }
      if lo == 1 { return true }
      if let k = log2(lo) {
        a.lsl(d.lo, d.lo, imm: k)
      } else if lo > 2, let k = log2(lo &- 1) {
        a.add(d.lo, d.lo, d.lo, .lsl(k))
      } else if lo > 2, let k = log2(lo &+ 1) {
        a.rsb(d.lo, d.lo, d.lo, .lsl(k))
      } else {
        return false
      }
      return true
    case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
      let n = UInt8(truncatingIfNeeded: i) & (wide ? 63 : 31)
      if wide { shift64(op, d, by: n) } else if n != 0 { shift32(op, d.lo, by: n) }
      return true
    default: return false
    }
  }

  mutating func shift32(_ op: BinaryOperation, _ d: Reg, by n: UInt8) {
    switch op {
    case .shiftLeft: a.lsl(d, d, imm: n)
    case .shiftRightLogical: a.lsr(d, d, imm: n)
    default: a.asr(d, d, imm: n)
    }
  }

  /// 64-bit shift by a constant 0…63.
  mutating func shift64(_ op: BinaryOperation, _ d: Pair, by n: UInt8) {
    guard n != 0 else { return }
    switch op {
    case .shiftLeft:
      if n < 32 {
        a.lsl(d.hi, d.hi, imm: n)
        a.orr(d.hi, d.hi, d.lo, .lsr(32 - n))
        a.lsl(d.lo, d.lo, imm: n)
      } else {
        if n == 32 { a.mov(d.hi, d.lo) } else { a.lsl(d.hi, d.lo, imm: n - 32) }
        a.mov(d.lo, imm: imm(0))
      }
    case .shiftRightLogical:
      if n < 32 {
        a.lsr(d.lo, d.lo, imm: n)
        a.orr(d.lo, d.lo, d.hi, .lsl(32 - n))
        a.lsr(d.hi, d.hi, imm: n)
      } else {
        if n == 32 { a.mov(d.lo, d.hi) } else { a.lsr(d.lo, d.hi, imm: n - 32) }
        a.mov(d.hi, imm: imm(0))
      }
    default:
      if n < 32 {
        a.lsr(d.lo, d.lo, imm: n)
        a.orr(d.lo, d.lo, d.hi, .lsl(32 - n))
        a.asr(d.hi, d.hi, imm: n)
      } else {
        if n == 32 { a.mov(d.lo, d.hi) } else { a.asr(d.lo, d.hi, imm: n - 32) }
        a.asr(d.hi, d.hi, imm: 31)
      }
    }
  }

  mutating func lowerALU32(_ op: BinaryOperation, _ d: Pair, _ s: Pair) throws(CodeGenError) {
    let t = free([d.lo, d.hi, s.lo, s.hi])
    switch op {
    case .add: a.add(d.lo, d.lo, s.lo)
    case .sub: a.sub(d.lo, d.lo, s.lo)
    case .and: a.and(d.lo, d.lo, s.lo)
    case .or: a.orr(d.lo, d.lo, s.lo)
    case .xor: a.eor(d.lo, d.lo, s.lo)
    case .multiply: a.mul(d.lo, d.lo, s.lo)
    case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
      a.and(t, s.lo, imm: imm(31))
      switch op {
      case .shiftLeft: a.lsl(d.lo, d.lo, t)
      case .shiftRightLogical: a.lsr(d.lo, d.lo, t)
      default: a.asr(d.lo, d.lo, t)
      }
    case .setLessThan, .setLessThanUnsigned:
      a.cmp(d.lo, s.lo)
      setFlag(d.lo, op == .setLessThan ? .lt : .lo)
    case .multiplyHighSigned: a.smull(t, d.lo, d.lo, s.lo)
    case .multiplyHighUnsigned: a.umull(t, d.lo, d.lo, s.lo)
    case .multiplyHighSignedUnsigned:
      // umulh(a, b) - (a < 0 ? b : 0); d.hi is free (cleared afterwards).
      a.and(d.hi, s.lo, d.lo, .asr(31))
      a.umull(t, d.lo, d.lo, s.lo)
      a.sub(d.lo, d.lo, d.hi)
    case .divide(let rule), .divideUnsigned(let rule):
      // Explicit zero check: UDIV/SDIV trap on /0 when CCR.DIV_0_TRP is set.
      // SDIV gives INT_MIN for INT_MIN / -1 (the quotient wraps).
      a.cmp(s.lo, imm: imm(0))
      a.it(.ne, [false])
      if case .divide = op { a.sdiv(d.lo, d.lo, s.lo) } else { a.udiv(d.lo, d.lo, s.lo) }
      a.mov(d.lo, imm: imm(UInt32(truncatingIfNeeded: rule.quotientOfDivisionByZero(.w32))))
    case .remainder, .remainderUnsigned:
      // x % 0 = x (nothing happens); else x - (x / y) * y, INT_MIN % -1 = 0.
      a.cmp(s.lo, imm: imm(0))
      a.it(.ne, [true])
      if op == .remainder { a.sdiv(t, d.lo, s.lo) } else { a.udiv(t, d.lo, s.lo) }
      a.mls(d.lo, t, s.lo, d.lo)
    case .move: a.mov(d.lo, s.lo)
    }
  }

  /// `d = flags hold c ? 1 : 0`.
  mutating func setFlag(_ d: Reg, _ c: Condition) {
    a.it(c, [false])
    a.mov(d, imm: imm(1))
    a.mov(d, imm: imm(0))
  }

  mutating func lowerALU64(_ op: BinaryOperation, _ d: Pair, _ s: Pair) {
    let t = free([d.lo, d.hi, s.lo, s.hi])
    switch op {
    case .add:
      a.adds(d.lo, d.lo, s.lo)
      a.adc(d.hi, d.hi, s.hi)
    case .sub:
      a.subs(d.lo, d.lo, s.lo)
      a.sbc(d.hi, d.hi, s.hi)
    case .and:
      a.and(d.lo, d.lo, s.lo)
      a.and(d.hi, d.hi, s.hi)
    case .or:
      a.orr(d.lo, d.lo, s.lo)
      a.orr(d.hi, d.hi, s.hi)
    case .xor:
      a.eor(d.lo, d.lo, s.lo)
      a.eor(d.hi, d.hi, s.hi)
    case .move: move(into: d, s)
    case .multiply:
      // (dh·2^32 + dl)(sh·2^32 + sl) mod 2^64 = dl·sl + 2^32 (dl·sh + dh·sl).
      a.mul(t, d.lo, s.hi)
      a.mla(t, d.hi, s.lo, t)
      a.umull(d.lo, d.hi, d.lo, s.lo)
      a.add(d.hi, d.hi, t)
    case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
      // The count goes to r12 first; a copy of s.hi may serve as temporary.
      shift64(op, d, byRegister: s.lo, temporary: free([d.lo, d.hi, s.lo, .r12]))
    case .setLessThan, .setLessThanUnsigned:
      a.cmp(d.lo, s.lo)
      a.sbcs(t, d.hi, s.hi)
      setFlag(d.lo, op == .setLessThan ? .lt : .lo)
      a.mov(d.hi, imm: imm(0))
    case .multiplyHighSigned, .multiplyHighSignedUnsigned, .multiplyHighUnsigned:
      multiplyHigh64(op, d, s)
    case .divide, .divideUnsigned, .remainder, .remainderUnsigned:
      preconditionFailure("64-bit division is lowered by lowerDivision64")
    }
  }

  /// 64-bit shift by the low six bits of `count`, branch-free; `r12` holds
  /// the masked count, `t` is a free scratch register.
  mutating func shift64(_ op: BinaryOperation, _ d: Pair, byRegister count: Reg, temporary t: Reg) {
    let c = Reg.r12
    a.and(c, count, imm: imm(63))
    switch op {
    case .shiftLeft:
      // hi = hi << c | lo >> (32 - c) | lo << (c - 32); lo <<= c.
      a.lsl(d.hi, d.hi, c)
      a.rsb(t, c, imm: imm(32))
      a.lsr(t, d.lo, t)
      a.orr(d.hi, d.hi, t)
      a.sub(t, c, imm: imm(32))
      a.lsl(t, d.lo, t)
      a.orr(d.hi, d.hi, t)
      a.lsl(d.lo, d.lo, c)
    case .shiftRightLogical:
      a.lsr(d.lo, d.lo, c)
      a.rsb(t, c, imm: imm(32))
      a.lsl(t, d.hi, t)
      a.orr(d.lo, d.lo, t)
      a.sub(t, c, imm: imm(32))
      a.lsr(t, d.hi, t)
      a.orr(d.lo, d.lo, t)
      a.lsr(d.hi, d.hi, c)
    default:
      // lo = lo >> c | hi << (32 - c), or hi >> (c - 32) if c ≥ 32.
      a.lsr(d.lo, d.lo, c)
      a.rsb(t, c, imm: imm(32))
      a.lsl(t, d.hi, t)
      a.orr(d.lo, d.lo, t)
      a.subs(t, c, imm: imm(32))
      a.it(.pl)
      a.asr(d.lo, d.hi, t)
      a.asr(d.hi, d.hi, c)
    }
  }

  /// The high half of the 128-bit product: unsigned from four 32×32
  /// products, then `- (a < 0 ? b : 0)` (signed × unsigned) and
  /// `- (b < 0 ? a : 0)` (signed × signed). Works on copies in r0:r1 (a)
  /// and r2:r3 (b) with r4–r7 pushed as temporaries.
  mutating func multiplyHigh64(_ op: BinaryOperation, _ d: Pair, _ s: Pair) {
    move(into: ABI.b, s)
    move(into: ABI.a, d)
    a.push(RegisterList(.r4, .r5, .r6, .r7))
    a.umull(.r4, .r5, .r0, .r2)  // a0·b0
    a.umull(.r6, .r7, .r0, .r3)  // a0·b1
    a.adds(.r5, .r5, .r6)
    a.adc(.r7, .r7, imm: imm(0))
    a.umull(.r4, .r6, .r1, .r2)  // a1·b0
    a.adds(.r5, .r5, .r4)
    a.adcs(.r7, .r7, .r6)
    a.mov(.r12, imm: imm(0))
    a.adc(.r12, .r12, imm: imm(0))
    a.umlal(.r7, .r12, .r1, .r3)  // + a1·b1
    if op != .multiplyHighUnsigned {
      a.and(.r4, .r2, .r1, .asr(31))
      a.and(.r5, .r3, .r1, .asr(31))
      a.subs(.r7, .r7, .r4)
      a.sbc(.r12, .r12, .r5)
    }
    if op == .multiplyHighSigned {
      a.and(.r4, .r0, .r3, .asr(31))
      a.and(.r5, .r1, .r3, .asr(31))
      a.subs(.r7, .r7, .r4)
      a.sbc(.r12, .r12, .r5)
    }
    a.mov(.r0, .r7)
    a.mov(.r1, .r12)
    a.pop(RegisterList(.r4, .r5, .r6, .r7))
    move(into: d, ABI.a)
  }
}
