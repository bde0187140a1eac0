import KilnCore
import KilnIR

/// Register map and frame of compiled ``FunctionIR`` functions (eBPF) on
/// x86-64, after the Linux x86-64 BPF JIT: the argument registers r1–r5
/// land in the System V argument registers, so a helper call needs no moves.
///
///     IR     host   role                      IR     host   role
///     ----   ----   ----------------------    ----   ----   ---------------------
///     r0     rax    result                    r6     rbx    callee-saved
///     r1     rdi    argument 1                r7     r13    callee-saved
///     r2     rsi    argument 2                r8     r14    callee-saved
///     r3     rdx    argument 3 (div: rdx)     r9     r15    callee-saved
///     r4     rcx    argument 4 (shift: cl)    r10    rbp    frame pointer
///     r5     r8     argument 5                —      r12    state block pointer
///     —      r9     scratch, 6th C argument   —      r10    scratch
///     —      r11    scratch (access address)
///
/// Host stack while a function runs (16-byte aligned at every host call):
///
///     [entry rsp]       return address into Swift
///                       saved rbx, rbp, r12, r13, r14, r15   (6 × 8)
///     savedStack  ->    return address of `call <entry function>`
///                       per local call: those of rbx r13 r14 r15 that the
///                       callee may write, padded to an even count, rbp, and
///                       the return address: 16, 32 or 48 bytes, so alignment holds
///
/// eBPF frames live in a separate block (`frameTop` in the state), not on
/// the host stack. Every `return` is a `ret`: the entry function is itself
/// called from the prologue. Errors store a ``FunctionIR/Status`` and
/// restore `savedStack`, unwinding any depth of local calls at once.
public enum FunctionABI {
  public static let state = GPR.r12
  public static let scratch = (a: GPR.r9, b: GPR.r10, address: GPR.r11)
  public static let hostRegisters: [GPR] = [
    .rax, .rdi, .rsi, .rdx, .rcx, .r8, .rbx, .r13, .r14, .r15, .rbp,
  ]
  public static let calleeSaved: [GPR] = [.rbx, .rbp, .r12, .r13, .r14, .r15]
  /// r6–r10, preserved across local calls.
  public static let preservedAcrossCalls: [GPR] = [.rbx, .r13, .r14, .r15, .rbp]

  /// What a local call pushes: the hosts of r6–r9 that the callee may
  /// write (bit i of `writes`: ri), padded with another of them to an even
  /// number, then rbp (r10): an odd number of pushes, which with the return
  /// address keeps the stack 16-byte aligned.
  public static func saved(aroundCallWriting writes: UInt16) -> [GPR] {
    let candidates: [(UInt8, GPR)] = [(6, .rbx), (7, .r13), (8, .r14), (9, .r15)]
    var saved = candidates.filter { writes & (1 << $0.0) != 0 }.map(\.1)
    if saved.count % 2 == 1, let pad = candidates.first(where: { !saved.contains($0.1) }) {
      saved.append(pad.1)
    }
    return saved + [.rbp]
  }
  /// r1–r5, which helper calls here preserve (the interpreter does too), pushed
  /// with one padding slot to keep the stack aligned.
  public static let arguments: [GPR] = [.rdi, .rsi, .rdx, .rcx, .r8]

  public static func host(_ r: FunctionIR.Register) -> GPR { hostRegisters[Int(r.index)] }

  public static func field(_ offset: Int32) -> Memory { Memory(base: state, displacement: offset) }
}
