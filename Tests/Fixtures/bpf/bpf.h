/* Shared by the eBPF test programs: compiled both with
 *   clang --target=bpf -O2 -c prog.c            (run by Kiln through EBPFObject)
 * and natively with harness.c                   (the outside oracle).
 *
 * Every program's entry point has the shape of a context-taking eBPF program:
 *   unsigned long NAME(unsigned char *mem, unsigned long len)
 * (r1 = mem, r2 = len on entry, r0 = the result).
 *
 * Helpers: in eBPF a call by id; natively a plain C function in harness.c.
 * The Swift tests register the same semantics under the same ids. */
#ifndef KILN_BPF_H
#define KILN_BPF_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;

#ifdef __bpf__
#define SEC(name) __attribute__((section(name), used))
#define HELPER(id, name, ...) static u64 (*const name)(__VA_ARGS__) = (void *)(id)
#else
#define SEC(name)
#define HELPER(id, name, ...) u64 name(__VA_ARGS__)
#endif

#define NOINLINE static __attribute__((noinline))

/* 5: returns its argument (the bpf_conformance helper). */
HELPER(5, identity, u64);
/* 20: a * 0x9E3779B97F4A7C15 ^ b (wrapping). */
HELPER(20, mix, u64, u64);
/* 21: min(a + b, limit) (wrapping add). */
HELPER(21, clamp_add, u64, u64, u64);
/* 22: a + 2b + 3c + 4d + 5e (wrapping): all five argument registers. */
HELPER(22, weigh5, u64, u64, u64, u64, u64);

#endif
