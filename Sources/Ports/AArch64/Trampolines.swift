import KilnCore
import KilnIR

/// The permanent stubs of block code, installed once at the start of the
/// code buffer and never flushed:
///
/// * `entry(state, code) -> ExitReason` (AAPCS64): saves x19–x28 and the
///   frame record (x29, x30) with `stp`, sets x28 = state, loads the pinned
///   guest registers, jumps to `code`.
/// * `exit` (w0 = reason): writes the pinned registers back, restores,
///   returns.
/// * `indirect` (w16 = 4-aligned guest target): looks the target up in the
///   jump cache and jumps there, or exits with `ExitReason.indirect`.
/// * `syscall` (`exitPC` = pc of the ECALL): calls the syscall host call and
///   continues at pc + 4 through `indirect`. It never returns into block
///   code, so a handler may call back into the VM and even flush the code
///   cache; the pc is kept on the stack (nested runs reuse `exitPC`).
/// * `memoryFault` (flat memory; every register as at a faulting guest
///   access, w16 = its guest address): asks the runtime where that access's
///   slow path is (`HostCall.memoryFault`) and jumps there with x16 intact.
///   The signal handler only changes the pc, and block code never moves sp,
///   so sp is the entry frame, 16-byte aligned.
/// * `load` and `store` (called with `bl` from the slow paths of guest
///   accesses; w16 = guest address, x0 = `AccessDescriptor.encoded`, w17 =
///   the value of a store): spill the pinned registers, make the host call,
///   reload them and return with its result in x0. One copy of the spill
///   and reload instead of one per access keeps slow paths short.
struct BlockStubs {
  var entry = 0
  var exit = 0
  var indirect = 0
  var syscall = 0
  var memoryFault = 0
  var load = 0
  var store = 0

  static func build(abi: BlockABI, baseAddress: UInt) throws(CodeGenError) -> ([UInt8], BlockStubs)
  {
    var a = AArch64Assembler(baseAddress: baseAddress)
    var s = BlockStubs()
    let exit = a.newLabel()
    let indirect = a.newLabel()
    let layout = abi.layout

    // entry
    s.entry = a.offset
    a.stp(.x29, .x30, .preIndex(.sp, -96))
    for (i, pair) in BlockABI.savedPairs.enumerated() {
      a.stp(XReg(pair.0), XReg(pair.1), .offset(.sp, PairOffset(exactly: 16 * (i + 1)) ?? 0))
    }
    a.movSP(XRegSP.x29, .sp)
    a.mov(BlockABI.state, .x0)
    a.mov(XReg.x16, .x1)
    abi.reloadPinned(&a)
    a.br(.x16)

    // exit
    try a.bind(exit)
    s.exit = a.offset
    abi.spillPinned(&a)
    for (i, pair) in BlockABI.savedPairs.enumerated() {
      a.ldp(XReg(pair.0), XReg(pair.1), .offset(.sp, PairOffset(exactly: 16 * (i + 1)) ?? 0))
    }
    a.ldp(.x29, .x30, .postIndex(.sp, 96))
    a.ret()

    // indirect: the entry is { UInt64 guest pc, UInt64 host address }.
    try a.bind(indirect)
    s.indirect = a.offset
    let miss = a.newLabel()
    a.lsr(WReg.w17, .w16, 2)
    if let mask = LogicalImmediate32(layout.jumpCacheMask) {
      a.and(WRegSP.w17, WReg.w17, mask)
    } else {
      a.mov(WReg.w0, imm: layout.jumpCacheMask)
      a.and(WReg.w17, .w17, .w0)
    }
    a.add(XReg.x17, BlockABI.state, .x17, .lsl(4))
    a.addOffset(.x17, .x17, Int(layout.jumpCache))
    a.ldp(.x0, .x17, .offset(.x17, 0))
    a.cmp(XReg.x0, .x16)
    a.b(.ne, miss)
    a.br(.x17)
    try a.bind(miss)
    a.str(WReg.w16, abi.field(Int(layout.exitPC), size: .word, temp: .x17, &a))
    a.mov(WReg.w0, imm: ExitReason.indirect.rawValue)
    a.b(exit)

    // syscall
    s.syscall = a.offset
    let failed = a.newLabel()
    abi.spillPinned(&a)
    a.ldr(WReg.w1, abi.field(Int(layout.exitPC), size: .word, temp: .x17, &a))
    a.stp(.x1, .x1, .preIndex(.sp, -16))
    abi.emitCall(.syscall, &a)
    a.ldp(.x16, .x17, .postIndex(.sp, 16))
    a.lsr(XReg.x17, .x0, 32)
    a.cbnz(XReg.x17, failed)
    a.add(WRegSP.w16, .w16, 4)
    a.b(indirect)
    try a.bind(failed)
    a.mov(WReg.w0, imm: ExitReason.error.rawValue)
    a.b(exit)

    // memoryFault
    s.memoryFault = a.offset
    let lost = a.newLabel()
    abi.spillPinned(&a)
    a.stp(.x16, .x16, .preIndex(.sp, -16))
    abi.emitCall(.memoryFault, &a)
    a.mov(XReg.x17, .x0)
    a.ldp(.x16, .x0, .postIndex(.sp, 16))
    a.cbz(XReg.x17, lost)
    a.br(.x17)
    try a.bind(lost)
    a.mov(WReg.w0, imm: ExitReason.error.rawValue)
    a.b(exit)

    // load, store
    for call in [HostCall.load, .store] {
      if call == .load { s.load = a.offset } else { s.store = a.offset }
      a.str(XReg.x30, .preIndex(.sp, -16))
      abi.spillPinned(&a)
      a.mov(WReg.w1, .w16)
      a.mov(XReg.x2, .x0)
      a.mov(WReg.w3, .w17)
      abi.emitCall(call, &a)
      a.ldr(XReg.x30, .postIndex(.sp, 16))
      a.ret()
    }

    return (try a.finish(), s)
  }
}
