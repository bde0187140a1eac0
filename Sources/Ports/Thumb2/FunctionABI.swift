import KilnCore
import KilnIR

/// Register map and frame of compiled ``FunctionIR`` functions (eBPF) on
/// ARMv7E-M (Cortex-M4). Each 64-bit eBPF register is a pair {lo, hi} of
/// 32-bit words. The most used registers of a function (uses weighted by
/// loop depth, r10 excluded) live in the callee-saved host registers r4–r9:
/// a pair each, or one register for a register that fits 32 bits
/// everywhere (its high word is 0; `RegisterAllocation.swift`); the other
/// ones live in 8-byte frame slots. r10, the eBPF frame pointer, is an
/// address below 4 GiB: only its low word is kept (host r10), its high word
/// is always 0.
///
///     host   role                              host   role
///     ----   -------------------------------   ----   -------------------------------
///     r0     scratch / helper a1 lo / result   r7     allocated
///     r1     scratch / helper a1 hi / result   r8     allocated
///     r2     scratch / helper a2 lo            r9     allocated
///     r3     scratch / helper a2 hi            r10    eBPF r10, low word (hi = 0);
///                                                     allocated in a function that
///                                                     never uses r10 (no local calls,
///                                                     budget or polls either)
///     r4     allocated (pair lo/hi or a        r11    frame base (fp): slots, state
///     r5       32-bit register's only word)    r12    scratch: access address, target
///     r6     allocated                         lr     return address of the current
///                                                     eBPF function (saved around calls);
///                                                     allocated too in a function without
///                                                     local calls or atomics
///
/// Pinned pairs and slots are global to a run (not per local call): a local
/// call saves eBPF r6–r9 and r10 and restores them, as eBPF defines. Helper
/// calls need no saves: r4–r9 are callee-saved in AAPCS, slots are memory.
///
/// Host stack (grows down; sp 8-byte aligned at every call):
///
///     [entry sp]
///                 r4 … r12, lr            pushed by the prologue (40 bytes)
///     fp + 88+20n region table copy       per region: base, limit1/2/4/8 (low words)
///     fp + 84     call depth              1 in the entry function
///     fp + 80     state block pointer
///     fp + 8i     slot of eBPF ri         i = 0…9, lo at +0, hi at +4
///     fp = sp     ── after the prologue; error exits restore sp = fp
///                 per local call:  r6–r9 (4 × 8), r10, lr       (40 bytes)
///                 per helper call: a3, a4, a5 (3 × 8), state, pad, lr, pad (40 bytes);
///                 made once by the prologue of a function entered by a
///                 branch (no local calls: sp stays at fp − 40 in its body)
///
/// The regions are copied from the state block by the prologue (only the
/// low words: on a 32-bit host every region lies below 4 GiB, so an access
/// whose 64-bit address has a non-zero high word is outside all of them).
enum FunctionABI {
  /// Frame base: slots, state pointer, call depth and region table.
  static let fp = Reg.r11
  /// eBPF r10's low word.
  static let frame = Reg.r10
  /// Scratch registers; none holds an eBPF register.
  static let scratch: [Reg] = [.r0, .r1, .r2, .r3, .r12]
  /// The scratch pairs operands are loaded into.
  static let a = Pair(.r0, .r1)
  static let b = Pair(.r2, .r3)
  /// Registers the prologue saves (10: sp stays 8-byte aligned).
  static let saved = RegisterList(.r4, .r5, .r6, .r7, .r8, .r9, .r10, .r11, .r12, .lr)
  static let restored = RegisterList(.r4, .r5, .r6, .r7, .r8, .r9, .r10, .r11, .r12, .pc)

  /// Frame offsets from fp.
  static func slot(_ r: FunctionIR.Register) -> Int32 { 8 * Int32(r.index) }
  static let statePointer: Int32 = 80
  static let callDepth: Int32 = 84
  static let regionTable: Int32 = 88
  /// Bytes of one copied region: base, limit1, limit2, limit4, limit8 (low words).
  static let regionCopySize: Int32 = 20
  static func regionBase(_ i: Int) -> Int32 { regionTable + regionCopySize * Int32(i) }
  static func regionLimit(_ i: Int, size: Int) -> Int32 {
    let k: Int32 =
      switch size {
      case 1: 1
      case 2: 2
      case 4: 3
      default: 4
      }
    return regionBase(i) + 4 * k
  }
  /// Frame bytes below the saved registers (8-byte aligned).
  static func frameSize(regionCount: Int) -> Int32 {
    let end = regionTable + regionCopySize * Int32(regionCount)
    return (end + 7) & ~7
  }

  /// What function code keeps in host register r`n` (13 sp, 14 lr, 15 pc).
  static func role(_ n: Int) -> String {
    switch n {
    case 0...3: "scratch; helper argument \(n / 2 + 1) \(n % 2 == 0 ? "lo" : "hi")"
    case 4...9:
      "allocated: a hot eBPF register's pair word, or the only word of one within 32 bits"
    case 10:
      "r10 low word (frame pointer; high word 0); allocated in a function that never uses r10"
    case 11: "frame base: slots, state pointer, regions"
    case 12: "scratch (access address)"
    case 13: "host stack"
    case 14:
      "return address of the current eBPF function; allocated when there are no local calls or atomics"
    default: "program counter"
    }
  }
}

/// A 64-bit value in two host registers.
struct Pair: Equatable {
  var lo: Reg
  var hi: Reg
  init(_ lo: Reg, _ hi: Reg) {
    self.lo = lo
    self.hi = hi
  }
}
