// Dual mapping of JIT code memory on Linux (see CKilnCache.h).
#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include "CKilnCache.h"

#include <errno.h>
#include <stddef.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U // Linux 6.3: the memory object may be mapped executable
#endif

int kiln_map_dual(size_t size, void **writable, void **executable) {
  // MFD_EXEC asks for an executable object where vm.memfd_noexec is set;
  // kernels before 6.3 do not know the flag (EINVAL), so retry without it.
  int fd = memfd_create("kiln-jit-code", MFD_CLOEXEC | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = memfd_create("kiln-jit-code", MFD_CLOEXEC);
  if (fd < 0) return errno;
  int error = 0;
  void *w = MAP_FAILED, *x = MAP_FAILED;
  // The file's pages are allocated on first write, so a large size costs
  // only address space until code is written.
  if (ftruncate(fd, (off_t)size) != 0) {
    error = errno;
  } else if ((w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
    error = errno;
  } else if ((x = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0)) == MAP_FAILED) {
    error = errno;
    munmap(w, size);
  }
  close(fd); // the mappings keep the memory object alive
  if (error != 0) return error;
  *writable = w;
  *executable = x;
  return 0;
}
#else
int kiln_map_dual(size_t size, void **writable, void **executable) {
  (void)size;
  (void)writable;
  (void)executable;
  return ENOSYS;
}
#endif
