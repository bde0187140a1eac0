import KilnCore
import Testing

@testable import AArch64Port

/// The typed API as a code generator writes it: register names as implicit
/// members (`.x0`, `.sp`, `.fp`), widths inferred from the operands, literal
/// immediates and offsets. Expected words from LLVM:
///
///     stp x29, x30, [sp, #-16]!       cset w0, lo
///     mov x29, sp                     ldaddal w1, w2, [sp]
///     sub sp, sp, #32                 cas x0, x1, [x2]
///     add x0, x1, x2                  add x0, x1, w2, uxtw #3
///     sub w3, w4, w5, lsl #2          ldrb w9, [x10, w11, sxtw]
///     cmp x0, #5                      tbz x0, #63, .+8
///     ldr x0, [sp, #8]                cbz w0, .+4
///     str w1, [x2, #-16]!             mov sp, x29
///     and x0, x1, #0xff               ldp x29, x30, [sp], #16
///     csel x0, x1, xzr, ne            ret
///
///     clang --target=aarch64-linux-gnu -march=armv8.1-a -c api.s && llvm-objdump -d api.o
///
/// (Mixing widths, `sp` where the field means zr, or `xzr` where it means sp
/// does not compile: `a.add(.x0, .w1, .x2)`, `a.add(.x0, .sp, .x1)`,
/// `a.adds(.sp, .x0, 1)`.)
@Suite struct CallSiteTests {
  @Test func aFunctionWrittenWithTheTypedAPI() throws {
    var a = AArch64Assembler()
    let done = a.newLabel()
    a.stp(.fp, .lr, .preIndex(.sp, -16))
    a.movSP(.fp, .sp)
    a.sub(.sp, .sp, 32)
    a.add(.x0, .x1, .x2)
    a.sub(.w3, .w4, .w5, .lsl(2))
    a.cmp(.x0, 5)
    a.ldr(.x0, .offset(.sp, 8))
    a.str(.w1, .preIndex(.x2, -16))
    a.and(.x0, .x1, try #require(LogicalImmediate64(0xFF)))
    a.csel(.x0, .x1, .xzr, .ne)
    a.cset(.w0, .lo)
    a.atomic(.add, .w1, .w2, .sp, .acquireRelease)
    a.cas(.x0, .x1, .x2)
    a.add(.x0, .x1, .w2, .uxtw, 3)
    a.ldrb(.w9, .extended(.x10, .w11, .sxtw, scaled: false))
    a.tbz(.x0, 63, done)
    a.cbz(.w0, done)
    try a.bind(done)
    a.movSP(.sp, .fp)
    a.ldp(.fp, .lr, .postIndex(.sp, 16))
    a.ret()
    let got = words(try a.finish())
    let llvm: [UInt32] = [
      0xA9BF_7BFD, 0x9100_03FD, 0xD100_83FF, 0x8B02_0020, 0x4B05_0883, 0xF100_141F,
      0xF940_07E0, 0xB81F_0C41, 0x9240_1C20, 0x9A9F_1020, 0x1A9F_27E0, 0xB8E1_03E2,
      0xC8A0_7C41, 0x8B22_4C20, 0x386B_C949, 0xB6F8_0040, 0x3400_0020, 0x9100_03BF,
      0xA8C1_7BFD, 0xD65F_03C0,
    ]
    #expect(got.count == llvm.count)
    for (i, (g, l)) in zip(got, llvm).enumerated() {
      #expect(g == l, "word \(i): got \(String(g, radix: 16)), LLVM \(String(l, radix: 16))")
    }
  }
}
