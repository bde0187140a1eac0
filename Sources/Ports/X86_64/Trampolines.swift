import KilnCore
import KilnIR

/// The permanent stubs, installed once at the start of the code buffer and
/// never flushed:
///
/// * `entry(state, code) -> ExitReason` (C ABI): saves callee-saved
///   registers, pins r15 = state, loads the pinned guest registers, jumps to
///   `code`.
/// * `exit` (eax = reason): writes pinned registers back, restores, returns.
/// * `indirect` (eax = 4-aligned guest target): looks the target up in the
///   jump cache and jumps there, or exits with `ExitReason.indirect`.
/// * `syscall` (`exitPC` = pc of the ECALL): calls the syscall host call and
///   continues at pc + 4 through `indirect`. It never returns into block code,
///   so a handler may call back into the VM and even flush the code cache.
/// * `memoryFault` (flat memory; every register as at a faulting guest
///   access, rax = its guest address): asks the runtime where that access's
///   slow path is (`HostCall.memoryFault`) and jumps there with rax intact.
///   The signal handler only changes rip, and generated code never pushes, so
///   rsp is the entry stub's frame, 16-byte aligned: two pushes keep it so
///   for the call.
/// * the shared slow paths that blocks reach instead of inlining them
///   (`SharedStubs`, `SharedStubs.swift`): one access stub per access kind,
///   one chain exit, one fault exit.
struct Stubs {
  var entry = 0
  var exit = 0
  var indirect = 0
  var syscall = 0
  var memoryFault = 0
  var shared = SharedStubs()

  static func build(abi: X86ABI, baseAddress: UInt) throws(CodeGenError) -> ([UInt8], Stubs) {
    var a = X86Assembler(baseAddress: baseAddress)
    var s = Stubs()
    let exit = a.newLabel()
    let indirect = a.newLabel()
    let layout = abi.layout

    // entry
    s.entry = a.offset
    for r in X86ABI.calleeSaved { a.push(r) }
    a.alu(.sub, .qword, .rsp, imm: 8)
    a.mov(.qword, X86ABI.state, .rdi)
    a.mov(.qword, .rax, .rsi)
    abi.reloadPinned(&a)
    a.jmp(.rax)

    // exit
    try a.bind(exit)
    s.exit = a.offset
    abi.spillPinned(&a)
    a.alu(.add, .qword, .rsp, imm: 8)
    for r in X86ABI.calleeSaved.reversed() { a.pop(r) }
    a.ret()

    // indirect
    try a.bind(indirect)
    s.indirect = a.offset
    let miss = a.newLabel()
    a.mov(.dword, .rcx, .rax)
    a.shift(.shr, .dword, .rcx, imm: 2)
    a.alu(.and, .dword, .rcx, imm: Int32(bitPattern: layout.jumpCacheMask))
    a.shift(.shl, .dword, .rcx, imm: 4)
    let entryAddress = Memory(base: X86ABI.state, index: .rcx, displacement: layout.jumpCache)
    a.alu(.cmp, .dword, entryAddress, .rax)
    a.jccShort(.ne, miss)
    a.jmp(Memory(base: X86ABI.state, index: .rcx, displacement: layout.jumpCache + 8))
    try a.bind(miss)
    a.mov(.dword, abi.field(layout.exitPC), .rax)
    a.mov(.rax, imm32: ExitReason.indirect.rawValue)
    a.jmp(exit)

    // syscall
    s.syscall = a.offset
    let failed = a.newLabel()
    abi.spillPinned(&a)
    a.mov(.dword, .rax, abi.field(layout.exitPC))
    a.push(.rax)  // the pc survives nested runs (which reuse exitPC); two
    a.push(.rax)  // pushes keep rsp 16-byte aligned for the call
    a.mov(.dword, .rsi, .rax)
    abi.emitCall(.syscall, &a)
    a.pop(.rcx)
    a.pop(.rcx)
    a.shift(.shr, .qword, .rax, imm: 32)
    a.jccShort(.ne, failed)
    a.lea(.dword, .rax, Memory(base: .rcx, displacement: 4))
    a.jmp(indirect)
    try a.bind(failed)
    a.mov(.rax, imm32: ExitReason.error.rawValue)
    a.jmp(exit)

    // memoryFault
    s.memoryFault = a.offset
    let lost = a.newLabel()
    abi.spillPinned(&a)
    a.push(.rax)
    a.push(.rax)
    abi.emitCall(.memoryFault, &a)
    a.mov(.qword, .rdx, .rax)
    a.pop(.rax)
    a.pop(.rax)
    a.test(.qword, .rdx, .rdx)
    a.jccShort(.e, lost)
    a.jmp(.rdx)
    try a.bind(lost)
    a.mov(.rax, imm32: ExitReason.error.rawValue)
    a.jmp(exit)

    try s.shared.build(abi: abi, &a, exit: exit)
    return (try a.finish(), s)
  }
}
