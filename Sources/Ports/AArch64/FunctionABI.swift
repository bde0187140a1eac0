import CKilnCPU
import KilnCore
import KilnIR

/// Register map and frame of compiled ``FunctionIR`` functions (eBPF) on
/// AArch64, after the Linux arm64 BPF JIT: r1–r5 live in the AAPCS64
/// argument registers x0–x4, so a helper call needs no argument moves (x5,
/// the sixth argument, is the state pointer), and r6–r10 live in
/// callee-saved registers, which helper calls therefore keep for free.
///
///     IR     host   role                        IR     host   role
///     ----   ----   ------------------------    ----   ----   ----------------------
///     r0     x7     result                      r6     x19    callee-saved
///     r1     x0     argument 1                  r7     x20    callee-saved
///     r2     x1     argument 2                  r8     x21    callee-saved
///     r3     x2     argument 3                  r9     x22    callee-saved
///     r4     x3     argument 4                  r10    x25    frame pointer
///     r5     x4     argument 5                  —      x26    state block pointer
///     —      x5     6th C argument (state)      —      x9     scratch: access address
///     —      x10    scratch: site / value       —      x11    scratch: detail / value
///     —      x12    scratch                     —      x16    scratch (operand)
///     —      x23    budget left (with checks)   —      x24    saved with x23 (unused)
///     —      x17    scratch (quotient)          —      x29    AAPCS64 frame record
///     —      x30    return address of the current eBPF function
///
/// Host stack while a function runs (sp 16-byte aligned at all times):
///
///     [entry sp]
///                   x23, x24          saved by the prologue with budget checks only
///                   x25, x26          saved by the prologue
///                   x21, x22
///                   x19, x20
///     savedStack -> x29, x30          (frame record; x29 = sp)
///                   per local call:   x25, x30 / x21, x22 / x19, x20   (48 bytes;
///                                     a pair of r6–r9 the callee never writes is left out)
///                   per helper call:  x4, x30 / x2, x3 / x0, x1        (48 bytes)
///
/// eBPF frames live in a separate block (`frameTop` in the state), not on
/// the host stack. The entry function is itself called (`bl`) from the
/// prologue, so every `return` is a `ret`. Errors store a
/// ``FunctionIR/Status`` and restore `savedStack`, unwinding any depth of
/// local calls at once. Helper calls keep r1–r5 (x0–x4) as the
/// interpreter does, saving them with x30 around the call.
enum FunctionABI {
  static let state = GPR.x26
  /// The instruction budget left, in functions with budget checks: loaded
  /// from the state's `budgetRemaining` by the prologue, stored back only
  /// when a check fails (nothing else reads it). Callee-saved, so helper
  /// calls keep it; local calls do not touch it.
  static let budget = GPR.x23
  /// The scratch registers; none holds an IR register.
  static let scratch = (
    address: GPR.x9, a: GPR.x10, b: GPR.x11, c: GPR.x12, operand: GPR.x16, quotient: GPR.x17
  )
  /// Host register of r0…r10.
  static let hostRegisters: [GPR] = [
    .x7, .x0, .x1, .x2, .x3, .x4, .x19, .x20, .x21, .x22, .x25,
  ]
  /// Callee-saved registers the prologue saves, in pairs (x29, x30 first).
  static let calleeSavedPairs: [(GPR, GPR)] = [(.x19, .x20), (.x21, .x22), (.x25, .x26)]
  /// What a local call saves: the pairs of r6–r9 with a register the
  /// callee may write (bit i of `writes`: ri), then r10 with the return
  /// address; 16, 32 or 48 bytes.
  static func localCallPairs(writing writes: UInt16) -> [(GPR, GPR)] {
    var pairs: [(GPR, GPR)] = []
    if writes & (1 << 6 | 1 << 7) != 0 { pairs.append((.x19, .x20)) }
    if writes & (1 << 8 | 1 << 9) != 0 { pairs.append((.x21, .x22)) }
    return pairs + [(.x25, .x30)]
  }
  /// r1–r5 and the return address, saved around helper calls (48 bytes).
  static let helperCallPairs: [(GPR, GPR)] = [(.x0, .x1), (.x2, .x3), (.x4, .x30)]

  static func host(_ r: FunctionIR.Register) -> GPR { hostRegisters[Int(r.index)] }

  /// What function code keeps in host register x`n`.
  static func role(_ n: Int) -> String {
    if let i = hostRegisters.firstIndex(where: { Int($0.rawValue) == n }) {
      switch i {
      case 0: return "r0 (result)"
      case 1...5: return "r\(i) (argument \(i))"
      case 10: return "r10 (frame pointer)"
      default: return "r\(i) (callee-saved)"
      }
    }
    switch n {
    case Int(state.rawValue): return "state block pointer"
    case 5: return "helper argument 6 (state)"
    case 9: return "scratch (access address)"
    case 10, 11, 12, 16, 17: return "scratch"
    case Int(budget.rawValue): return "instruction budget left (with budget checks)"
    case 29: return "frame record"
    case 30: return "return address"
    default: return "unused"
    }
  }
}

/// What the AArch64 CPU that will run the code offers beyond ARMv8.0.
public struct CPUFeatures: Sendable, Hashable {
  /// FEAT_LSE (ARMv8.1 atomics: `ldadd`, `ldset`, `swp`, `cas`, …). Without
  /// it atomics are `ldxr`/`stxr` loops.
  public var lse: Bool

  public init(lse: Bool) { self.lse = lse }

  /// ARMv8.0: exclusive loads and stores only.
  public static let armv8_0 = CPUFeatures(lse: false)
  /// Unicorn's `max` CPU model (and every Apple silicon core): LSE atomics.
  public static let max = CPUFeatures(lse: true)
  /// This machine's CPU, detected at run time (`kiln_cpu_has_lse`:
  /// `getauxval(AT_HWCAP) & HWCAP_ATOMICS` on Linux,
  /// `hw.optional.arm.FEAT_LSE` on Apple platforms); on other hosts than
  /// AArch64, plain ARMv8.0.
  public static let host = CPUFeatures(lse: kiln_cpu_has_lse() != 0)

  /// What `AArch64Port` compiles for. On an AArch64 machine, its own CPU
  /// (`host`: the code may run natively, and an ARMv8.0 core such as a
  /// Raspberry Pi 4's Cortex-A72 has no LSE). Elsewhere the code runs in
  /// Unicorn's `max` model, which has LSE. `AArch64V80Port` always
  /// compiles for plain ARMv8.0.
  #if arch(arm64)
    public static let `default` = host
  #else
    public static let `default` = max
  #endif
}
