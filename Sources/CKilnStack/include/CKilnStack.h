// The calling thread's stack bounds (for engines that recurse on the host stack).
#ifndef CKILNSTACK_H
#define CKILNSTACK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The lowest usable address of the calling thread's stack, or 0 where the
/// platform cannot tell. Linux: pthread_getattr_np (for the main thread
/// glibc derives it from RLIMIT_STACK and /proc/self/maps: a file read, so
/// it is cached per thread). Apple platforms: pthread_get_stackaddr_np (the top)
/// minus pthread_get_stacksize_np.
uintptr_t kiln_stack_lower_bound(void);

#ifdef __cplusplus
}
#endif

#endif
