// Instruction-cache maintenance after generated code is written (Arm hosts).
#ifndef CKILNCACHE_H
#define CKILNCACHE_H

#ifdef __cplusplus
extern "C" {
#endif

/// Makes instruction fetch see the bytes written to [begin, end): on
/// AArch64 Linux `dc cvau` + `ic ivau` per line (the compiler's
/// __builtin___clear_cache), on Apple platforms sys_icache_invalidate, and
/// nothing on hosts whose instruction cache is coherent (x86).
void kiln_clear_cache(void *begin, void *end);

#ifdef __cplusplus
}
#endif

#endif
