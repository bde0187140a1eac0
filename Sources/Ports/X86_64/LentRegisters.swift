import KilnCore
import KilnIR

/// Pinned host registers lent to a region (`RegisterCache.swift`).
///
/// The seven pinned registers hold sp and a0–a5 for the whole run, also in
/// regions that never touch some of them (coremark's matrix loops use none
/// of a1–a5, and want six cache registers where there are four). A region
/// that does not use pinned guest register P at all (no operation, no
/// terminator operand, no link) may borrow P's host register H as one more
/// cache register for a guest register G that its loops use:
///
///     region entry   mov [slot P], H          P's value goes home
///                    mov H, [slot G]          (if G needs an entry load)
///     inside         G lives in H, written back on exits like any cached register
///     host call      mov [slot G], H ... call ... mov H, [slot G]
///                    (H is caller-saved; P's slot is left alone)
///     every exit     mov H, [slot P]          after the write-back, before
///                                             leaving: P is pinned again
///
/// Every way out of region code goes through `restoreLent()`: `jump(to:)`
/// (direct and chained jumps; a conditional jump out of a region that
/// lends never goes straight to its target), `indirectJump()`, `exit(_:)`,
/// `fault`, ECALL and EBREAK. The flat-memory fault stub saves the pinned
/// registers on the stack, not in their slots, so a fault inside a region
/// that lends leaves P's slot intact.
extension BlockLowering {
  /// The pinned guest registers `region` does not use at all, with their
  /// host registers: those the region may borrow.
  func idlePinned(_ analysis: RegionAnalysis) -> [(guest: GuestRegister, host: GPR)] {
    var links = RegisterSet()
    for block in region.blocks {
      if case .jumpIndirect(_, _, let link?, _, _) = block.terminator { links.insert(link) }
    }
    return abi.pinned.filter { p in
      let slot = Int(p.guest.index)
      return (slot >= analysis.counts.count || analysis.counts[slot] == 0)
        && !links.contains(p.guest)
    }
  }

  /// Borrows `host`, the host register of pinned `pinned`, for the rest of
  /// the region: stores `pinned` to its slot (region entry only).
  mutating func borrow(_ host: GPR, from pinned: GuestRegister) {
    a.mov(.dword, abi.slot(pinned), host)
    lent.append((pinned, host))
  }

  /// Gives every borrowed host register its pinned guest register back
  /// (after the write-back of the cached registers, before leaving).
  /// Plain loads: flags and rax are untouched.
  mutating func restoreLent() {
    for (pinned, host) in lent { a.mov(.dword, host, abi.slot(pinned)) }
  }

  /// The guest register whose value `host` holds in this region: a cached
  /// one if the region borrowed `host`, else the pinned one.
  private func holder(of host: GPR, pinned: GuestRegister) -> GuestRegister {
    guard lent.contains(where: { $0.host == host }) else { return pinned }
    return cacheOrder.first { cached[Int($0.index)] == host } ?? pinned
  }

  /// Before a host call from inside the region: every pinned host register
  /// to the slot of the guest register it holds here.
  mutating func spillForCall() {
    for (guest, host) in abi.pinned {
      a.mov(.dword, abi.slot(holder(of: host, pinned: guest)), host)
    }
  }

  /// `abi.emitCall`, reloading each pinned host register with the guest
  /// register it holds here (`spillForCall` stored them).
  mutating func callHost(_ id: HostCall) {
    a.lea(.qword, .rdi, abi.field(abi.layout.hostContext))
    a.call(abi.field(abi.layout.hostCalls + 8 * Int32(id.rawValue)))
    for (guest, host) in abi.pinned {
      a.mov(.dword, host, abi.slot(holder(of: host, pinned: guest)))
    }
  }
}
