#include "CKilnCache.h"

#if defined(__APPLE__)
#include <libkern/OSCacheControl.h>
#endif

void kiln_clear_cache(void *begin, void *end) {
#if defined(__APPLE__)
  sys_icache_invalidate(begin, (size_t)((char *)end - (char *)begin));
#else
  __builtin___clear_cache((char *)begin, (char *)end);
#endif
}
