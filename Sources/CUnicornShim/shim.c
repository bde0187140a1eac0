#include "CUnicornShim.h"

// Unicorn is loaded at run time (lazy.c): its variadic entry points are
// called through the resolved pointers. Every caller here holds an engine,
// so Unicorn is loaded and the pointers are set.
#define uc_ctl (*kiln_uc_ctl())
#define uc_hook_add (*kiln_uc_hook_add())

uc_err kiln_uc_set_cpu_model(uc_engine *uc, int model) {
  return uc_ctl_set_cpu_model(uc, model);
}

uc_err kiln_uc_get_cpu_model(uc_engine *uc, int *model) {
  return uc_ctl_get_cpu_model(uc, model);
}

uc_err kiln_uc_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end) {
  return uc_ctl_remove_cache(uc, begin, end);
}

uc_err kiln_uc_flush_tb(uc_engine *uc) {
  return uc_ctl_flush_tlb(uc);  // UC_CTL_TB_FLUSH: every translated block
}

uc_err kiln_uc_hook_add_code(uc_engine *uc, uc_hook *hook, int type,
                             kiln_uc_code_callback callback, void *user_data,
                             uint64_t begin, uint64_t end) {
  return uc_hook_add(uc, hook, type, (void *)callback, user_data, begin, end);
}

uc_err kiln_uc_hook_add_event_memory(uc_engine *uc, uc_hook *hook, int type,
                                     kiln_uc_event_memory_callback callback,
                                     void *user_data) {
  // begin > end: the hook covers every address.
  return uc_hook_add(uc, hook, type, (void *)callback, user_data, 1, 0);
}
