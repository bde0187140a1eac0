/* eBPF benchmark workloads. Each is compiled twice from this same source:
 *   clang --target=bpf -O2 -c      (run by Kiln's interpreter and JIT)
 *   clang -O2 -shared -fPIC        (native x86-64, the reference)
 * Every entry point has the eBPF calling convention: r1 = buffer, r2 = its
 * length; the result is returned in r0. No globals and no helpers, so the
 * .text section is the whole program (static calls are resolved by clang).
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define NOINLINE static __attribute__((noinline))
