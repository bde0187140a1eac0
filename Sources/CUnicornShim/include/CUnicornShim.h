// Non-variadic wrappers for the Unicorn calls Swift cannot make.
//
// Swift does not import C variadic functions, and Unicorn 2's `uc_ctl` and
// `uc_hook_add` are variadic (`uc_ctl_*` are macros over `uc_ctl`). Each
// wrapper here passes exactly the arguments the variadic callee reads, with
// the C types it reads them as (`int`, `uint64_t`), which is what makes a
// variadic call correct.
#ifndef CUNICORNSHIM_H
#define CUNICORNSHIM_H

#include <stdbool.h>
#include <stdint.h>
// Unicorn's declarations through the CUnicorn module's header, not
// <unicorn/unicorn.h> directly: as a header of that module it becomes an
// import of CUnicorn, so `uc_err` and friends belong to CUnicorn alone.
// (Included textually here too, they would belong to whichever module Clang
// built first, and Swift files importing only CUnicorn could lose sight of
// constants such as UC_ERR_OK.)
#include "../../CUnicorn/shim.h"

#ifdef __cplusplus
extern "C" {
#endif

/// 1 once Unicorn (libunicorn.so.2, loaded on first use; see lazy.c) is
/// usable, else 0.
int kiln_uc_available(void);

/// Why Unicorn could not be loaded ("" if it was).
const char *kiln_uc_load_error(void);

/// The resolved variadic entry points (for shim.c).
typedef uc_err (*kiln_uc_ctl_function)(uc_engine *, uc_control_type, ...);
typedef uc_err (*kiln_uc_hook_add_function)(uc_engine *, uc_hook *, int, void *, void *,
                                            uint64_t, uint64_t, ...);
kiln_uc_ctl_function kiln_uc_ctl(void);
kiln_uc_hook_add_function kiln_uc_hook_add(void);

/// `uc_ctl_set_cpu_model`: selects the CPU model (`UC_CPU_X86_*`,
/// `UC_CPU_ARM64_*`, `UC_CPU_ARM_*`). Only valid right after `uc_open`,
/// before anything (mapping memory, reading registers) initialises the CPU;
/// later calls fail with `UC_ERR_ARG`.
uc_err kiln_uc_set_cpu_model(uc_engine *uc, int model);

/// `uc_ctl_get_cpu_model`.
uc_err kiln_uc_get_cpu_model(uc_engine *uc, int *model);

/// `uc_ctl_remove_cache`: drops the translated blocks that overlap the
/// emulated address range [begin, end). Needed after code in memory is
/// written or patched behind Unicorn's back (host writes through an
/// identity mapping are not seen by Unicorn).
uc_err kiln_uc_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end);

/// `uc_ctl_flush_tlb` (`UC_CTL_TB_FLUSH`): drops every translated block and
/// empties the translation buffer. Only call it outside `uc_emu_start`.
uc_err kiln_uc_flush_tb(uc_engine *uc);

/// The callback type of UC_HOOK_CODE and UC_HOOK_BLOCK (`uc_cb_hookcode_t`).
typedef void (*kiln_uc_code_callback)(uc_engine *uc, uint64_t address,
                                      uint32_t size, void *user_data);

/// The callback type of the UC_HOOK_MEM_*_UNMAPPED / *_PROT hooks
/// (`uc_cb_eventmem_t`).
typedef bool (*kiln_uc_event_memory_callback)(uc_engine *uc, uc_mem_type type,
                                              uint64_t address, int size,
                                              int64_t value, void *user_data);

/// `uc_hook_add` for a code or block hook (`type` is UC_HOOK_CODE or
/// UC_HOOK_BLOCK) on the addresses [begin, end]; begin > end means all
/// addresses.
uc_err kiln_uc_hook_add_code(uc_engine *uc, uc_hook *hook, int type,
                             kiln_uc_code_callback callback, void *user_data,
                             uint64_t begin, uint64_t end);

/// `uc_hook_add` for an invalid-memory-event hook (`type` is a combination
/// of UC_HOOK_MEM_*_UNMAPPED and UC_HOOK_MEM_*_PROT) on all addresses.
uc_err kiln_uc_hook_add_event_memory(uc_engine *uc, uc_hook *hook, int type,
                                     kiln_uc_event_memory_callback callback,
                                     void *user_data);

#ifdef __cplusplus
}
#endif

#endif
