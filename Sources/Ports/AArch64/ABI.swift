import KilnCore
import KilnIR

/// Calling convention and register map of RV32 block code on AArch64.
///
/// AArch64 has 31 general registers, so most of the guest register file is
/// pinned in host W registers (32-bit views, always zero-extended: every
/// write to a W register clears bits 32–63) for the whole run, in the order
/// of the front end's hint (`StateLayout.preferredRegisters`; for RV32: sp,
/// a0–a5, ra, s0, s1, a6, a7, t0–t2, s2–s11, t3–t6, gp, tp):
///
///     host      role                                 host      role
///     --------  -----------------------------------  --------  -------------------------------
///     x0        scratch: exit reason, host-call      x16       scratch 0: guest address,
///               context argument and result                    indirect target (`FaultSite`)
///     x1–x3     pinned: hint 9–11 (RV32 s1 a6 a7);   x17       scratch 1 (a store's value
///               host-call arguments a, b, c                    for the access stubs)
///     x4–x15    pinned: hint 12–23 (RV32 t0–t2,      x18       unused (Apple's platform register)
///               s2–s10)                              x19–x27   pinned: hint 0–8 (RV32 sp,
///     x28       state pointer                                  a0–a5, ra, s0)
///     x30       link register; scratch 2 between     x29       frame pointer (entry frame)
///               host calls (saved by the entry)      sp        host stack, 16-byte aligned
///
/// With an instruction budget (`StateLayout.budget`), x15 holds the budget
/// left (`BudgetLayout.remaining`) instead of hint 23 (RV32 s10, which then
/// lives in the register file), spilled and reloaded with the pinned
/// registers, so a block's check is `subs x15, x15, #cost; b.lo`
/// (`Budget.swift`).
///
/// 24 guest registers are pinned. The other seven of RV32 (s11, t3–t6, gp,
/// tp: the least used by the psABI's conventions) and the scratch slot 32
/// live in the register file, `[x28 + registers + 4*n]`, and are loaded
/// into scratch registers where an instruction needs them: with x0, x16,
/// x17 and x30 as the scratch set (the page walk needs all four) and x18,
/// x28 and x29 taken, nothing is left to pin them in.
///
/// Callee-saved pinned registers (x19–x27) survive host calls by the
/// AAPCS64; caller-saved ones (x1–x15) do not. Every pinned register is
/// written to the register file before every host call and on every exit,
/// and reloaded after the call, so the runtime (syscall handlers,
/// `readRegister`) always sees the guest registers there and may change
/// them (as x86 does).
///
/// Frame while generated code runs (built by the entry stub, 96 bytes):
///
///     [sp + 80]  saved x27, x28
///     [sp + 64]  saved x25, x26
///     [sp + 48]  saved x23, x24
///     [sp + 32]  saved x21, x22
///     [sp + 16]  saved x19, x20
///     [sp +  0]  saved x29, x30   ← x29 (a frame record)
///
/// Host calls (`HostCall`) use the AAPCS64: x0 = x28 + hostContext (the
/// runtime's context word), x1, x2, x3 = arguments, result in x0; they go
/// through the table at `[x28 + hostCalls + 8*id]` with `blr x30`. The
/// slow paths of guest accesses reach `HostCall.load`/`.store` through
/// shared stubs (`bl`, w16 = address, x0 = descriptor, w17 = value), which
/// do the spill, the call and the reload (`Trampolines.swift`).
///
/// Guest memory is reached through x28 too. Paged mode: x28 is the start of
/// the state block and generated code walks the page tables in it. Flat
/// mode: x28 is the host address of guest address 0, the state block lies
/// just below it (its fields at negative offsets) and a guest access is one
/// instruction, `ldr wD, [x28, w16, uxtw]`.
public struct BlockABI: Sendable {
  public static let state = XReg.x28
  public static let stateSP = XRegSP.x28
  public static let scratch0 = WReg.w16
  public static let scratch1 = WReg.w17
  /// The link register, free between host calls.
  public static let scratch2 = WReg.w30
  public static let result = WReg.w0

  /// Host registers that hold the front end's preferred guest registers,
  /// in hint order: the callee-saved ones first (no reload after calls
  /// would be needed for them, and they hold the hottest registers).
  public static let pinnedHosts: [GPR] = [
    .x19, .x20, .x21, .x22, .x23, .x24, .x25, .x26, .x27,
    .x1, .x2, .x3, .x4, .x5, .x6, .x7, .x8, .x9, .x10, .x11, .x12, .x13, .x14, .x15,
  ]
  /// The budget left (`BudgetLayout.remaining`) while generated code runs
  /// (only with a budget; the last of `pinnedHosts`, then not pinned).
  public static let budgetRegister = XReg.x15
  /// The callee-saved registers the entry stub saves, in `stp` pairs.
  public static let savedPairs: [(GPR, GPR)] = [
    (.x19, .x20), (.x21, .x22), (.x23, .x24), (.x25, .x26), (.x27, .x28),
  ]

  public let layout: StateLayout
  /// Guest register → pinned host register, for this layout's hint.
  public let pinned: [(guest: GuestRegister, host: WReg)]
  private let hostOf: [WReg?]

  public init(layout: StateLayout) {
    self.layout = layout
    var seen = Set<UInt8>()
    let hinted = layout.preferredRegisters.filter {
      Int($0.index) < layout.registerCount && seen.insert($0.index).inserted
    }
    let hosts = Self.pinnedHosts.filter { layout.budget == nil || $0 != .x15 }
    pinned = zip(hinted, hosts).map { ($0, WReg($1)) }
    var map = [WReg?](repeating: nil, count: layout.registerCount)
    for (guest, host) in pinned { map[Int(guest.index)] = host }
    hostOf = map
  }

  /// The host register holding guest register `g`, if it is pinned.
  public func host(_ g: GuestRegister) -> WReg? { hostOf[Int(g.index)] }

  /// The state-block offset of guest register `g`'s slot.
  public func slotOffset(_ g: GuestRegister) -> Int { Int(layout.registers) + 4 * Int(g.index) }

  /// What block code keeps in host register x`n` (for the port's facts).
  static func role(_ n: Int) -> String {
    guard let r = GPR(rawValue: UInt8(n)) else { return "unassigned" }
    if let i = pinnedHosts.firstIndex(of: r) {
      let budget = r == budgetRegister.gpr ? ", or the instruction budget left" : ""
      return "pinned: register hint \(i)\(budget)"
    }
    switch r {
    case .x0: return "scratch, exit reason, host-call result"
    case .x16: return "scratch 0 (guest address)"
    case .x17: return "scratch 1"
    case .x18: return "unused (platform register)"
    case .x28: return "state pointer"
    case .x29: return "frame pointer"
    case .x30: return "link register, scratch 2"
    default: return "unassigned"
    }
  }
}

extension AArch64Assembler {
  /// d = n + offset for any offset (one or two add/sub immediates up to
  /// ±16 MiB, else a constant in x17 added). `d` may equal `n`; neither may
  /// be x17 when the offset is that large.
  mutating func addOffset(_ d: XReg, _ n: XReg, _ offset: Int) {
    guard let dsp = d.orSP, let nsp = n.orSP else {
      preconditionFailure("addOffset on xzr")
    }
    if offset == 0 {
      if d != n { mov(d, n) }
      return
    }
    let magnitude = offset.magnitude
    if magnitude < 1 << 24 {
      let high = Int(magnitude >> 12) << 12
      let low = Int(magnitude & 0xFFF)
      var source = nsp
      if high != 0, let imm = AddSubImmediate(exactly: high) {
        if offset > 0 { add(dsp, source, imm) } else { sub(dsp, source, imm) }
        source = dsp
      }
      if low != 0, let imm = AddSubImmediate(exactly: low) {
        if offset > 0 { add(dsp, source, imm) } else { sub(dsp, source, imm) }
        source = dsp
      }
      return
    }
    precondition(d != .x17 && n != .x17, "addOffset: x17 is the temporary")
    mov(.x17, imm: UInt64(bitPattern: Int64(offset)))
    add(d, n, .x17)
  }
}

extension BlockABI {
  /// The address `[x28 + offset]` for an access of `size`, through `temp`
  /// (x28 + offset computed there) when no immediate form reaches it.
  func field(_ offset: Int, size: AccessSize, temp: XReg, _ a: inout AArch64Assembler)
    -> Address
  {
    if let scaled = ScaledOffset(bytes: offset, size: size) {
      return .offset(Self.stateSP, scaled)
    }
    if let unscaled = SImm9(exactly: offset) { return .unscaled(Self.stateSP, unscaled) }
    a.addOffset(temp, Self.state, offset)
    guard let base = temp.orSP else { preconditionFailure("field through xzr") }
    return .base(base)
  }

  /// Stores every pinned register to its slot (and the budget register
  /// to `remaining`).
  func spillPinned(_ a: inout AArch64Assembler) {
    for (guest, host) in pinned {
      a.str(host, field(slotOffset(guest), size: .word, temp: .x17, &a))
    }
    if let budget = layout.budget {
      a.str(Self.budgetRegister, field(Int(budget.remaining), size: .doubleword, temp: .x17, &a))
    }
  }

  /// Loads every pinned register from its slot (and the budget register
  /// from `remaining`).
  func reloadPinned(_ a: inout AArch64Assembler) {
    for (guest, host) in pinned {
      a.ldr(host, field(slotOffset(guest), size: .word, temp: .x17, &a))
    }
    if let budget = layout.budget {
      a.ldr(Self.budgetRegister, field(Int(budget.remaining), size: .doubleword, temp: .x17, &a))
    }
  }

  /// The host-call sequence: x0 = x28 + hostContext, `blr` through the
  /// table (the caller has spilled the pinned registers and set x1–x3),
  /// then reload the pinned registers. The result is in x0.
  func emitCall(_ id: HostCall, _ a: inout AArch64Assembler) {
    a.addOffset(.x0, Self.state, Int(layout.hostContext))
    let entry = Int(layout.hostCalls) + 8 * id.rawValue
    a.ldr(XReg.x30, field(entry, size: .doubleword, temp: .x30, &a))
    a.blr(.x30)
    reloadPinned(&a)
  }
}
