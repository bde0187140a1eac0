// Guest-memory faults of Kiln's flat memory mode (Linux; the port gives the pc's place in ucontext_t).
//
// A flat VM reserves 4 GiB of PROT_NONE address space (plus a guard) and maps
// guest pages on first touch. Generated code touches them directly, so the
// first access to a page is a SIGSEGV. The handler here, installed once per
// process, looks the faulting address up in a fixed-size registry of regions:
//
//   * inside a registered region, raised by generated code (the RIP is in the
//     region's code buffer), in the 4 GiB and within the page quota:
//     mprotect the 4 KiB page read-write, count it, return (the access retries);
//   * inside a region, from generated code, but over quota or in the guard
//     (an access that wrapped past 0xFFFF_FFFF): record the fault and resume
//     at the region's recovery stub, which hands the access to the runtime's
//     slow path;
//   * anywhere else: not ours; the previous handler runs (the default action
//     re-raises), so real crashes still crash.
//
// The handler is async-signal-safe: it reads the registry (C11 atomics),
// calls only mprotect, and allocates nothing.
#ifndef CKILNFAULT_H
#define CKILNFAULT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Regions that can be registered at once (one per live flat VM).
#define KILN_FLAT_MAX_REGIONS 1024

/// One flat guest memory, as the handler sees it. Owned by one VM and only
/// touched by the thread running it (the handler runs on that thread too).
typedef struct kiln_flat_region {
  /// Host address of guest address 0.
  uintptr_t base;
  /// End of the reservation (base + 4 GiB + guard): faults in [base, end) are this region's.
  uintptr_t end;
  /// One bit per guest page (2^20 bits), set when the page is mapped read-write.
  uint64_t *mapped_bits;
  /// Pages that may be mapped, and pages mapped so far (by the handler or the runtime).
  uint32_t quota;
  uint32_t mapped;
  /// Generated code of this VM: only faults raised with the RIP in
  /// [code_start, code_end) are handled; `recovery` is where they resume
  /// when the handler cannot map the page (0 = no JIT attached).
  uintptr_t code_start;
  uintptr_t code_end;
  uintptr_t recovery;
  /// Byte offset of the pc in the handler's ucontext_t (the port's `signalContextPC`).
  uintptr_t pc_offset;
  /// The last fault sent to `recovery`: host RIP of the access, host address.
  uintptr_t fault_rip;
  uintptr_t fault_address;
  /// Guard pages [guard_first, guard_end) are never mapped: a touch goes to
  /// `recovery`, whose slow path reports the access (a stack guard gap).
  uint32_t guard_first;
  uint32_t guard_end;
} kiln_flat_region;

/// 1 if this build can run flat memory (Linux), else 0.
int kiln_flat_supported(void);

/// Installs the process-wide SIGSEGV handler (once) and registers a region;
/// returns its record, or NULL when the registry is full or flat memory is
/// not supported. `mapped_bits` must hold 2^20 zeroed bits, or be NULL with
/// `quota` 0: a region that never maps a page, whose every fault from
/// generated code resumes at the recovery stub (the miss region of paged
/// memory's faulting page walk).
kiln_flat_region *kiln_flat_register(uintptr_t base, uintptr_t end, uint64_t *mapped_bits,
                                     uint32_t quota);

/// Tells the handler where the region's generated code and recovery stub
/// are, and where in a signal's ucontext_t the port's pc is.
void kiln_flat_set_code(kiln_flat_region *region, uintptr_t code_start, uintptr_t code_end,
                        uintptr_t recovery, uintptr_t pc_offset);

/// offsetof the pc in this host's ucontext_t as the C compiler lays it out
/// (the oracle the ports' `signalContextPC` is tested against); -1 if unknown.
long kiln_signal_pc_offset(void);

/// Removes a region from the registry (before its memory is unmapped).
void kiln_flat_unregister(kiln_flat_region *region);

#ifdef __cplusplus
}
#endif

#endif
