// Drives the flat-memory SIGSEGV handler (Sources/CKilnFault) from a plain C
// process, so that tests can watch real crashes happen: the kernel's exit
// status is the oracle. Built and run by Tests/RuntimeTests/FaultHandlerTests.
//
//   probe outside     fault outside every region          -> killed by SIGSEGV
//   probe inside      fault in a region, not from "generated code" -> SIGSEGV
//   probe chain       as outside, with an earlier SA_SIGINFO handler -> it runs (exit 42)
//   probe map         region covering this program's code: first touch is mapped,
//                     the next page is over the quota and goes to the recovery
//                     address (exit 7 after checking what was recorded)
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "CKilnFault.h"

#define REGION ((size_t)1 << 20)

static kiln_flat_region *region;
static uintptr_t base;

static void earlier(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)info;
  (void)context;
  _exit(42);
}

static void recovered(void) {
  // Entered instead of the faulting store (rsp as it was: just leave).
  int ok = region->fault_address == base + 2 * 4096 && region->mapped == 1;
  _exit(ok ? 7 : 8);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  if (strcmp(argv[1], "chain") == 0) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = earlier;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, NULL);
  }
  void *p = mmap(NULL, REGION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  static uint64_t bits[(1 << 20) / 64];
  if (p == MAP_FAILED) return 3;
  base = (uintptr_t)p;
  region = kiln_flat_register(base, base + REGION, bits, 1);
  if (!region) return 4;
  volatile char *guest = (volatile char *)p;
  if (strcmp(argv[1], "map") == 0) {
    kiln_flat_set_code(region, 0, UINTPTR_MAX, (uintptr_t)recovered, (uintptr_t)kiln_signal_pc_offset());
    guest[4096] = 1;  // mapped by the handler (quota 1)
    if (guest[4096] != 1 || region->mapped != 1 || bits[0] != 2) return 5;
    guest[2 * 4096] = 1;  // over quota: resumes at `recovered`
    return 6;
  }
  // A code range that does not contain this program.
  kiln_flat_set_code(region, 0x1000, 0x2000, 0x1800, (uintptr_t)kiln_signal_pc_offset());
  if (strcmp(argv[1], "inside") == 0) {
    guest[4096] = 1;
  } else {
    *(volatile char *)16 = 1;
  }
  return 0;  // the fault was swallowed
}
