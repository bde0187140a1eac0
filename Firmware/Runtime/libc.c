// The C library Embedded Swift needs on the bare board, and nothing more:
// memory functions (and the __aeabi_* names LLVM emits for them on ARM EABI),
// an allocator (posix_memalign/malloc/free), putchar over semihosting, and
// arc4random_buf (Hasher's seed). 64-bit division (__aeabi_uldivmod,
// __aeabi_ldivmod) comes from libgcc.
#include "firmware.h"

// ---- Memory functions -------------------------------------------------------
// Built with -fno-builtin so that the compiler does not turn these loops into
// calls to themselves.

__attribute__((noinline)) void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
    for (; n >= 4; n -= 4, d += 4, s += 4) *(uint32_t *)d = *(const uint32_t *)s;
  }
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return memcpy(dst, src, n);
  while (n--) d[n] = s[n];
  return dst;
}

__attribute__((noinline)) void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  uint32_t word = (uint8_t)c * 0x01010101u;
  while (n && ((uintptr_t)d & 3)) { *d++ = (uint8_t)c; n--; }
  // 256 bytes per iteration (eight STMs of eight words), then 64 (two):
  // the JIT and the interpreter zero a 4 KiB eBPF stack on every run.
  size_t blocks = n / 256, rest = (n & 255) / 64;
  if (blocks || rest) {
    __asm__ volatile(
        "mov r4, %[w]\n\tmov r5, %[w]\n\tmov r6, %[w]\n\tmov r8, %[w]\n\t"
        "mov r9, %[w]\n\tmov r10, %[w]\n\tmov r12, %[w]\n\tmov lr, %[w]\n\t"
        "cbz %[b], 2f\n"
        "1:\n\tstmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "subs %[b], %[b], #1\n\tbne 1b\n"
        "2:\n\tcbz %[r], 4f\n"
        "3:\n\tstmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "stmia %[d]!, {r4-r6, r8-r10, r12, lr}\n\t"
        "subs %[r], %[r], #1\n\tbne 3b\n"
        "4:"
        : [d] "+l"(d), [b] "+l"(blocks), [r] "+l"(rest)
        : [w] "r"(word)
        : "r4", "r5", "r6", "r8", "r9", "r10", "r12", "lr", "cc", "memory");
    n &= 63;
  }
  for (; n >= 4; n -= 4, d += 4) *(uint32_t *)d = word;
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *p = a, *q = b;
  for (; n; n--, p++, q++) {
    if (*p != *q) return *p - *q;
  }
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

// ARM EABI run-time ABI names: aliases where the signature matches, calls
// otherwise (note the argument order of __aeabi_memset).
#define ALIAS(name) __attribute__((alias(name)))
void __aeabi_memcpy(void *d, const void *s, size_t n) ALIAS("memcpy");
void __aeabi_memcpy4(void *d, const void *s, size_t n) ALIAS("memcpy");
void __aeabi_memcpy8(void *d, const void *s, size_t n) ALIAS("memcpy");
void __aeabi_memmove(void *d, const void *s, size_t n) ALIAS("memmove");
void __aeabi_memmove4(void *d, const void *s, size_t n) ALIAS("memmove");
void __aeabi_memmove8(void *d, const void *s, size_t n) ALIAS("memmove");
void __aeabi_memset(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset4(void *d, size_t n, int c) ALIAS("__aeabi_memset");
void __aeabi_memset8(void *d, size_t n, int c) ALIAS("__aeabi_memset");
void __aeabi_memclr(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr4(void *d, size_t n) ALIAS("__aeabi_memclr");
void __aeabi_memclr8(void *d, size_t n) ALIAS("__aeabi_memclr");

// ---- Allocator --------------------------------------------------------------
// First fit over an address-ordered free list, coalescing on free. Every
// block is a multiple of 16 bytes and starts with a 16-byte header, so every
// payload is 16-byte aligned; larger alignments are refused (ENOMEM), which
// Embedded Swift reports as an allocation failure. The heap is the RAM
// between .bss and the stack (link.ld).
//
//   block: | size (incl. header) | next free (if free) | pad | payload ...
//          ^ 16-byte aligned                                 ^ +16

extern uint8_t __heap_start[], __heap_end[];

typedef struct block {
  size_t size;
  struct block *next;
  uint32_t pad[2];
} block;

enum { HEADER = sizeof(block), GRAIN = 16, ENOMEM_ = 12, EINVAL_ = 22 };

static block *free_list;
static int heap_ready;
static size_t heap_in_use, heap_peak;

static void heap_init(void) {
  free_list = (block *)__heap_start;
  free_list->size = (size_t)(__heap_end - __heap_start) & ~(size_t)(GRAIN - 1);
  free_list->next = 0;
  heap_ready = 1;
}

void *malloc(size_t n) {
  if (!heap_ready) heap_init();
  if (n > (size_t)(__heap_end - __heap_start)) return 0;
  size_t need = (n + HEADER + GRAIN - 1) & ~(size_t)(GRAIN - 1);
  for (block **link = &free_list; *link; link = &(*link)->next) {
    block *b = *link;
    if (b->size < need) continue;
    if (b->size - need >= 2 * GRAIN) {  // split: the tail stays free
      block *rest = (block *)((uint8_t *)b + need);
      rest->size = b->size - need;
      rest->next = b->next;
      b->size = need;
      *link = rest;
    } else {
      *link = b->next;
    }
    heap_in_use += b->size;
    if (heap_in_use > heap_peak) heap_peak = heap_in_use;
    return (uint8_t *)b + HEADER;
  }
  return 0;
}

void free(void *p) {
  if (!p) return;
  block *b = (block *)((uint8_t *)p - HEADER);
  heap_in_use -= b->size;
  block **link = &free_list;
  while (*link && *link < b) link = &(*link)->next;
  block *after = *link;
  b->next = after;
  *link = b;
  if (after && (uint8_t *)b + b->size == (uint8_t *)after) {  // merge with the next
    b->size += after->size;
    b->next = after->next;
  }
  if (link != &free_list) {  // merge with the previous (link points into it)
    block *before = (block *)((uint8_t *)link - offsetof(block, next));
    if ((uint8_t *)before + before->size == (uint8_t *)b) {
      before->size += b->size;
      before->next = b->next;
    }
  }
}

int posix_memalign(void **out, size_t alignment, size_t n) {
  if (alignment == 0 || (alignment & (alignment - 1)) || alignment % sizeof(void *)) return EINVAL_;
  if (alignment > GRAIN) return ENOMEM_;
  void *p = malloc(n);
  if (!p) return ENOMEM_;
  *out = p;
  return 0;
}

void *calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return 0;
  void *p = malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

size_t kiln_heap_in_use(void) { return heap_in_use; }
size_t kiln_heap_peak(void) { return heap_peak; }

// ---- Stack high-water mark ---------------------------------------------------
extern uint32_t __stack_top[];
#define STACK_PAINT 0x5A5A5A5Au

// Fills the unused stack below the caller's frame with a pattern.
void kiln_paint_stack(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = (uint32_t *)__heap_end; p < sp - 16; p++) *p = STACK_PAINT;
}

// Bytes of stack ever used since kiln_paint_stack (lowest overwritten word).
size_t kiln_stack_peak(void) {
  uint32_t *p = (uint32_t *)__heap_end;
  while (p < __stack_top && *p == STACK_PAINT) p++;
  return (size_t)((uint8_t *)__stack_top - (uint8_t *)p);
}

// ---- Output -------------------------------------------------------------------
// Line-buffered: one semihosting call per line, not per character.
static char line[256];
static size_t line_length;

void kiln_flush(void) {
  if (line_length == 0) return;
  line[line_length] = 0;
  kiln_write(line);
  line_length = 0;
}

int putchar(int c) {
  line[line_length++] = (char)c;
  if (c == '\n' || line_length == sizeof line - 1) kiln_flush();
  return (uint8_t)c;
}

// ---- Randomness ---------------------------------------------------------------
// Hasher's per-process seed. The board has no entropy source the firmware
// uses; a fixed seed makes runs (and instruction counts) reproducible.
void arc4random_buf(void *buf, size_t n) {
  uint32_t x = 0x9E3779B9u;
  uint8_t *p = buf;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (uint8_t)x;
  }
}

// ---- Math -----------------------------------------------------------------------
// Dictionary's capacity computation (_HashTable.scale) calls ceil. Values
// here are small and non-negative, but this is the full function for finite
// doubles: truncate toward zero, then step up for positive fractions.
double ceil(double x) {
  if (!(x == x) || x >= 4503599627370496.0 || x <= -4503599627370496.0) return x;  // NaN, |x| >= 2^52
  double t = (double)(long long)x;
  return t < x ? t + 1.0 : t;
}

// ---- Unwinding ----------------------------------------------------------------
// Nothing unwinds on this board (link.ld discards the unwind tables), but
// objects still name the EHABI personality routines; defining them here keeps
// libgcc's unwinder out of the image. Never called.
void __aeabi_unwind_cpp_pr0(void) { kiln_exit(4); }
void __aeabi_unwind_cpp_pr1(void) { kiln_exit(4); }
void __aeabi_unwind_cpp_pr2(void) { kiln_exit(4); }
