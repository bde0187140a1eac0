// The SIGSEGV handler of the flat memory mode; see include/CKilnFault.h.
#define _GNU_SOURCE
#include "CKilnFault.h"

#if defined(__linux__)

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <stddef.h>
#include <ucontext.h>

// The registry. Records never move or get freed, so a handler running on one
// thread never reads freed memory while another thread unregisters. A slot is
// live while `active_base` is non-zero; the handler reads only the atomic
// bounds of other threads' slots, and the plain fields of its own.
static kiln_flat_region regions[KILN_FLAT_MAX_REGIONS];
static atomic_int claimed[KILN_FLAT_MAX_REGIONS];
static _Atomic uintptr_t active_base[KILN_FLAT_MAX_REGIONS];
static _Atomic uintptr_t active_end[KILN_FLAT_MAX_REGIONS];
static atomic_int high_water;  // slots at or above this index were never used

static struct sigaction previous;  // written once, before any region exists
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int installed;

#define GUEST_SPACE ((uintptr_t)1 << 32)
#define PAGE_SHIFT 12

// A fault that is not ours: hand it to whoever had SIGSEGV before us. With the
// default (or ignore) action, restore the default and raise again: the signal
// is delivered when this handler returns and ends the process as it would
// have without Kiln.
static void chain(int sig, siginfo_t *info, void *context) {
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction) {
      previous.sa_sigaction(sig, info, context);
      return;
    }
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  struct sigaction fallback;
  memset(&fallback, 0, sizeof fallback);
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(sig, &fallback, NULL);
  raise(sig);
}

// Maps guest page `page` of `r` read-write if it is unmapped and the quota
// allows. Returns 1 on success.
// A region with quota 0 (a paged VM's miss region) may have no bits.
static int map_page(kiln_flat_region *r, uintptr_t page) {
  if (r->mapped >= r->quota || r->mapped_bits == NULL) return 0;
  uint64_t *word = &r->mapped_bits[page >> 6];
  uint64_t bit = (uint64_t)1 << (page & 63);
  if ((*word & bit) != 0) return 0;
  if (page >= r->guard_first && page < r->guard_end) return 0;
  void *host = (void *)(r->base + (page << PAGE_SHIFT));
  if (mprotect(host, (size_t)1 << PAGE_SHIFT, PROT_READ | PROT_WRITE) != 0) return 0;
  *word |= bit;
  r->mapped += 1;
  return 1;
}

static void handle(int sig, siginfo_t *info, void *context) {
  uintptr_t address = (uintptr_t)info->si_addr;
  int saved_errno = errno;
  int n = atomic_load(&high_water);
  for (int i = 0; i < n; i++) {
    uintptr_t base = atomic_load(&active_base[i]);
    if (base == 0 || address < base || address >= atomic_load(&active_end[i])) continue;
    kiln_flat_region *r = &regions[i];
    if (r->recovery == 0) break;  // no generated code attached
    // The pc, where the port says the signal context keeps it.
    uintptr_t *pc = (uintptr_t *)((char *)context + r->pc_offset);
    uintptr_t rip = *pc;
    if (rip < r->code_start || rip >= r->code_end) break;  // not generated code
    uintptr_t offset = address - base;
    if (offset < GUEST_SPACE && info->si_code == SEGV_ACCERR &&
        map_page(r, offset >> PAGE_SHIFT)) {
      errno = saved_errno;
      return;  // the access runs again
    }
    // Over quota, or past 0xFFFF_FFFF into the guard: the runtime's slow path
    // decides (it reports the error with the guest pc, or wraps to address 0).
    r->fault_rip = rip;
    r->fault_address = address;
    *pc = r->recovery;
    errno = saved_errno;
    return;
  }
  errno = saved_errno;
  chain(sig, info, context);
}

static void install(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = handle;
  sigemptyset(&action.sa_mask);
  // SA_ONSTACK: if the thread has an alternate signal stack (the Swift runtime
  // or a host app may set one for stack overflows), chained handlers use it.
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  installed = sigaction(SIGSEGV, &action, &previous) == 0;
}

int kiln_flat_supported(void) { return 1; }

#if defined(__x86_64__)
long kiln_signal_pc_offset(void) { return (long)offsetof(ucontext_t, uc_mcontext.gregs[REG_RIP]); }
#elif defined(__aarch64__)
long kiln_signal_pc_offset(void) { return (long)offsetof(ucontext_t, uc_mcontext.pc); }
#else
long kiln_signal_pc_offset(void) { return -1; }
#endif

kiln_flat_region *kiln_flat_register(uintptr_t base, uintptr_t end, uint64_t *mapped_bits,
                                     uint32_t quota) {
  pthread_once(&install_once, install);
  if (!installed || base == 0) return NULL;
  for (int i = 0; i < KILN_FLAT_MAX_REGIONS; i++) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&claimed[i], &expected, 1)) continue;
    kiln_flat_region *r = &regions[i];
    memset(r, 0, sizeof *r);
    r->base = base;
    r->end = end;
    r->mapped_bits = mapped_bits;
    r->quota = quota;
    int top = atomic_load(&high_water);
    while (top < i + 1 && !atomic_compare_exchange_weak(&high_water, &top, i + 1)) {
    }
    atomic_store(&active_end[i], end);
    atomic_store(&active_base[i], base);
    return r;
  }
  return NULL;
}

void kiln_flat_set_code(kiln_flat_region *region, uintptr_t code_start, uintptr_t code_end,
                        uintptr_t recovery, uintptr_t pc_offset) {
  region->code_start = code_start;
  region->code_end = code_end;
  region->pc_offset = pc_offset;
  region->recovery = recovery;
}

void kiln_flat_unregister(kiln_flat_region *region) {
  int i = (int)(region - regions);
  if (i < 0 || i >= KILN_FLAT_MAX_REGIONS) return;
  atomic_store(&active_base[i], 0);
  atomic_store(&active_end[i], 0);
  atomic_store(&claimed[i], 0);
}

#else  // no flat memory on this host: the runtime uses paged memory

int kiln_flat_supported(void) { return 0; }

long kiln_signal_pc_offset(void) { return -1; }

kiln_flat_region *kiln_flat_register(uintptr_t base, uintptr_t end, uint64_t *mapped_bits,
                                     uint32_t quota) {
  (void)base;
  (void)end;
  (void)mapped_bits;
  (void)quota;
  return 0;
}

void kiln_flat_set_code(kiln_flat_region *region, uintptr_t code_start, uintptr_t code_end,
                        uintptr_t recovery, uintptr_t pc_offset) {
  (void)pc_offset;
  (void)region;
  (void)code_start;
  (void)code_end;
  (void)recovery;
}

void kiln_flat_unregister(kiln_flat_region *region) { (void)region; }

#endif
