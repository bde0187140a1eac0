// Code memory helpers for generated code: instruction-cache maintenance
// after code is written (Arm hosts) and the dual mapping of W^X code
// memory (Linux).
#ifndef CKILNCACHE_H
#define CKILNCACHE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Makes instruction fetch see the bytes written to [begin, end): on
/// AArch64 Linux `dc cvau` + `ic ivau` per line (the compiler's
/// __builtin___clear_cache), on Apple platforms sys_icache_invalidate, and
/// nothing on hosts whose instruction cache is coherent (x86).
void kiln_clear_cache(void *begin, void *end);

/// Maps one anonymous memory object of `size` bytes (a multiple of the page
/// size) twice: `*writable` read+write and `*executable` read+execute, so
/// code written through the first view runs from the second without a
/// protection change (W^X with no system call per write, as V8, .NET and
/// Firefox do on Linux). Linux only (memfd_create); returns 0, or an errno
/// value (ENOSYS elsewhere) and maps nothing.
int kiln_map_dual(size_t size, void **writable, void **executable);

#ifdef __cplusplus
}
#endif

#endif
