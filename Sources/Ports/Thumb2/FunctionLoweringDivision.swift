import KilnCore
import KilnIR

/// 64-bit division and remainder: ARMv7-M divides 32 bits only, so 64-bit
/// quotients come from a shift-subtract routine emitted once per function,
/// after the stubs, when the function divides at all. Emitted code (rather
/// than a host call into the runtime) keeps compiled programs
/// self-contained: on the microcontroller they depend on no Swift runtime
/// function, and the state block needs no second host-call word.
///
///     call site                          routine (n in r0:r1, d ≠ 0 in r2:r3)
///     r0:r1 = dst, r2:r3 = src           udivmod64: push {r4–r8}; r8 = 0
///     orrs r12, r2, r3 ; beq zero        sdivmod64: push {r4–r8}; r8 = signs,
///     mov r12, lr                                   |n|, |d|
///     bl udivmod64 / sdivmod64           core: both high words 0 → udiv + mls;
///     mov lr, r12                              else 64 steps of shift-subtract
///     dst = r0:r1 (q) or r2:r3 (r)       signs: q negated if signs differ, r if n < 0
///     zero: dst = 0 (x / 0), kept (x % 0)      pop {r4–r8}; bx lr
///
/// The routine keeps r12 (the caller's lr) and r4–r11. With |n| and |d| as
/// unsigned 64-bit values, INT64_MIN / −1 gives 2^63 negated: INT64_MIN,
/// remainder 0, as RFC 9669 asks; the zero divisor never reaches it.
extension FunctionLowering {
  mutating func lowerDivision64(
    _ op: BinaryOperation, _ dst: FunctionIR.Register, _ src: FunctionIR.Operand
  ) throws(CodeGenError) {
    usesDivision = true
    let s = operand(src, .w64, into: ABI.b)
    move(into: ABI.b, s)
    move(into: ABI.a, read(dst, into: ABI.a))
    let zero = a.newLabel()
    let done = a.newLabel()
    a.orrs(.r12, .r2, .r3)
    a.b(.eq, zero)
    a.mov(.r12, .lr)
    switch op {
    case .divide, .remainder: a.bl(signedDivision)
    default: a.bl(unsignedDivision)
    }
    a.mov(.lr, .r12)
    switch op {
    case .divide, .divideUnsigned: write(dst, ABI.a)
    default: write(dst, ABI.b)
    }
    a.b(done)
    try a.bind(zero)
    switch op {
    case .divide(let rule), .divideUnsigned(let rule):
      let q = UInt32(truncatingIfNeeded: rule.quotientOfDivisionByZero(.w64))
      a.mov32(.r0, q)
      a.mov32(.r1, q)
      write(dst, ABI.a)
    default: break  // x % 0 = x
    }
    try a.bind(done)
  }

  mutating func emitDivisionRoutines() throws(CodeGenError) {
    let saved = RegisterList(.r4, .r5, .r6, .r7, .r8)
    let signs = Reg.r8
    let core = a.newLabel()
    let dividendPositive = a.newLabel()
    let divisorPositive = a.newLabel()
    try a.bind(unsignedDivision)
    a.push(saved)
    a.mov(signs, imm: imm(0))
    a.b(core)

    try a.bind(signedDivision)
    a.push(saved)
    a.mov(signs, imm: imm(0))
    a.cmp(.r1, imm: imm(0))
    a.b(.ge, dividendPositive)
    negate64(ABI.a)
    a.mov(signs, imm: imm(3))  // quotient and remainder negative
    try a.bind(dividendPositive)
    a.cmp(.r3, imm: imm(0))
    a.b(.ge, divisorPositive)
    negate64(ABI.b)
    a.eor(signs, signs, imm: imm(1))  // quotient sign flips
    try a.bind(divisorPositive)

    // Unsigned core: r0:r1 / r2:r3 → quotient r0:r1, remainder r2:r3.
    try a.bind(core)
    let slow = a.newLabel()
    let fix = a.newLabel()
    a.orrs(.r4, .r1, .r3)
    a.b(.ne, slow)
    a.udiv(.r4, .r0, .r2)
    a.mls(.r2, .r4, .r2, .r0)
    a.mov(.r0, .r4)
    a.b(fix)

    // remainder r5:r4, counter r6: 64 steps of
    // (rem:n) <<= 1; if rem >= d (or rem overflowed) { rem -= d; n |= 1 }
    try a.bind(slow)
    let loop = a.newLabel()
    let subtract = a.newLabel()
    let next = a.newLabel()
    a.mov(.r4, imm: imm(0))
    a.mov(.r5, imm: imm(0))
    a.mov(.r6, imm: imm(64))
    try a.bind(loop)
    a.adds(.r0, .r0, .r0)
    a.adcs(.r1, .r1, .r1)
    a.adcs(.r4, .r4, .r4)
    a.adcs(.r5, .r5, .r5)
    a.b(.hs, subtract)
    a.cmp(.r4, .r2)
    a.sbcs(.r7, .r5, .r3)
    a.b(.lo, next)
    try a.bind(subtract)
    a.subs(.r4, .r4, .r2)
    a.sbc(.r5, .r5, .r3)
    a.orr(.r0, .r0, imm: imm(1))
    try a.bind(next)
    a.subs(.r6, .r6, imm: imm(1))
    a.b(.ne, loop)
    a.mov(.r2, .r4)
    a.mov(.r3, .r5)

    try a.bind(fix)
    let quotientDone = a.newLabel()
    let remainderDone = a.newLabel()
    a.tst(signs, imm: imm(1))
    a.b(.eq, quotientDone)
    negate64(ABI.a)
    try a.bind(quotientDone)
    a.tst(signs, imm: imm(2))
    a.b(.eq, remainderDone)
    negate64(ABI.b)
    try a.bind(remainderDone)
    a.pop(saved)
    a.bx(.lr)
  }
}
