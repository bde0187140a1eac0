#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include "CKilnStack.h"

#if defined(__linux__) || defined(__APPLE__)
#include <pthread.h>
#endif

#if defined(__linux__)
/// The calling thread's bound, looked up once per thread (glibc reads
/// /proc/self/maps for the main thread).
static _Thread_local uintptr_t cached_lower_bound;

static uintptr_t lookup_lower_bound(void) {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
  void *address = 0;
  size_t size = 0;
  int status = pthread_attr_getstack(&attr, &address, &size);
  pthread_attr_destroy(&attr);
  return status == 0 ? (uintptr_t)address : 0;
}
#endif

uintptr_t kiln_stack_lower_bound(void) {
#if defined(__linux__)
  if (cached_lower_bound == 0) cached_lower_bound = lookup_lower_bound();
  return cached_lower_bound;
#elif defined(__APPLE__)
  pthread_t self = pthread_self();
  return (uintptr_t)pthread_get_stackaddr_np(self) - pthread_get_stacksize_np(self);
#else
  return 0;
#endif
}
