/* The tiny runtime: syscall wrappers, strings, malloc over brk, printf-lite,
 * 64-bit division helpers (no compiler-rt with -nostdlib), qsort, startup. */
#include "rt.h"

int main(int argc, char **argv, char **envp);

char **rt_environ;
uint32_t *rt_auxv;

long rt_syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d;
  register long a4 __asm__("a4") = e;
  register long a5 __asm__("a5") = f;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall"
                   : "+r"(a0)
                   : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                   : "memory");
  return a0;
}

ssize_t rt_read(int fd, void *buf, size_t n) {
  if (fd == 0) rt_flush();
  return rt_syscall3(SYS_read, fd, buf, n);
}
ssize_t rt_write(int fd, const void *buf, size_t n) { return rt_syscall3(SYS_write, fd, buf, n); }
int rt_openat(int dirfd, const char *path, int flags) {
  return rt_syscall6(SYS_openat, dirfd, (long)path, flags, 0, 0, 0);
}
int rt_close(int fd) { return rt_syscall1(SYS_close, fd); }
void *rt_mmap(void *addr, size_t len, int prot, int flags) {
  return (void *)rt_syscall6(SYS_mmap2, (long)addr, len, prot, flags, -1, 0);
}
int rt_munmap(void *addr, size_t len) { return rt_syscall2(SYS_munmap, addr, len); }

__attribute__((noreturn)) void rt_exit(int status) {
  rt_flush();
  rt_syscall1(SYS_exit_group, status);
  for (;;) {
  }
}

/* ---- strings ---- */

void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

void *memmove(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  if (p < q) {
    while (n--) *p++ = *q++;
  } else {
    while (n--) p[n] = q[n];
  }
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p - *q;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

/* ---- heap: first-fit free list over brk ---- */

typedef struct block {
  size_t size; /* payload bytes */
  struct block *next; /* next free block (when free) */
} block;

static block *free_list;
static char *heap_end;

void *rt_sbrk(int increment) {
  if (!heap_end) heap_end = (char *)rt_syscall1(SYS_brk, 0);
  char *old = heap_end;
  char *want = old + increment;
  char *got = (char *)rt_syscall1(SYS_brk, want);
  if (got != want) return (void *)-1;
  heap_end = got;
  return old;
}

void *malloc(size_t n) {
  n = (n + 15) & ~15u;
  block **link = &free_list;
  for (block *b = free_list; b; link = &b->next, b = b->next) {
    if (b->size >= n) {
      *link = b->next;
      return b + 1;
    }
  }
  block *b = rt_sbrk(sizeof(block) + n + 8);
  if (b == (void *)-1) return NULL;
  /* keep payloads 16-byte aligned: block header is 8 bytes */
  if (((uintptr_t)(b + 1)) & 15) b = (block *)((char *)b + 8);
  b->size = n;
  return b + 1;
}

void free(void *p) {
  if (!p) return;
  block *b = (block *)p - 1;
  b->next = free_list;
  free_list = b;
}

void *calloc(size_t count, size_t size) {
  size_t n = count * size;
  if (size && n / size != count) return NULL;
  void *p = malloc(n);
  if (p) memset(p, 0, n);
  return p;
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  block *b = (block *)p - 1;
  if (b->size >= n) return p;
  void *q = malloc(n);
  if (!q) return NULL;
  memcpy(q, p, b->size);
  free(p);
  return q;
}

/* ---- 64-bit division (what compiler-rt would provide) ---- */

static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem) {
  uint64_t q = 0, r = 0;
  if (d == 0) { /* match RISC-V: quotient all ones, remainder n */
    if (rem) *rem = n;
    return ~0ull;
  }
  for (int i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= 1ull << i;
    }
  }
  if (rem) *rem = r;
  return q;
}

uint64_t __udivdi3(uint64_t a, uint64_t b) { return udivmod64(a, b, NULL); }
uint64_t __umoddi3(uint64_t a, uint64_t b) {
  uint64_t r;
  udivmod64(a, b, &r);
  return r;
}
int64_t __divdi3(int64_t a, int64_t b) {
  int neg = (a < 0) != (b < 0);
  uint64_t q = udivmod64(a < 0 ? -(uint64_t)a : (uint64_t)a, b < 0 ? -(uint64_t)b : (uint64_t)b, NULL);
  return neg ? -(int64_t)q : (int64_t)q;
}
int64_t __moddi3(int64_t a, int64_t b) {
  uint64_t r;
  udivmod64(a < 0 ? -(uint64_t)a : (uint64_t)a, b < 0 ? -(uint64_t)b : (uint64_t)b, &r);
  return a < 0 ? -(int64_t)r : (int64_t)r;
}

/* ---- output ---- */

static char out_buf[4096];
static size_t out_len;

void rt_flush(void) {
  size_t done = 0;
  while (done < out_len) {
    ssize_t n = rt_write(1, out_buf + done, out_len - done);
    if (n <= 0) break;
    done += n;
  }
  out_len = 0;
}

void rt_putchar(int c) {
  if (out_len == sizeof out_buf) rt_flush();
  out_buf[out_len++] = (char)c;
}

static void put_str(const char *s) {
  while (*s) rt_putchar(*s++);
}

int rt_puts(const char *s) {
  put_str(s);
  rt_putchar('\n');
  return 0;
}

static void put_padded(const char *s, int len, int width, int left, char pad) {
  if (!left)
    for (int i = len; i < width; i++) rt_putchar(pad);
  for (int i = 0; i < len; i++) rt_putchar(s[i]);
  if (left)
    for (int i = len; i < width; i++) rt_putchar(' ');
}

/* Digits of u in reverse order; 32-bit arithmetic when the value fits,
 * since 64-bit division is a slow software loop on rv32. */
static int put_digits(char *digits, uint64_t u, unsigned base, const char *set) {
  int n = 0;
  while (u > 0xFFFFFFFFu) digits[n++] = set[u % base], u /= base;
  uint32_t w = (uint32_t)u;
  do digits[n++] = set[w % base], w /= base;
  while (w);
  return n;
}

int rt_printf(const char *fmt, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      rt_putchar(*p);
      continue;
    }
    p++;
    int left = 0, width = 0, longs = 0;
    char pad = ' ';
    if (*p == '-') left = 1, p++;
    if (*p == '0') pad = '0', p++;
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    while (*p == 'l') longs++, p++;
    char tmp[24];
    int len = 0;
    switch (*p) {
    case 'd':
    case 'i': {
      int64_t v = longs >= 2 ? __builtin_va_arg(ap, int64_t) : __builtin_va_arg(ap, int);
      uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
      char digits[24];
      int n = 0;
      n = put_digits(digits, u, 10, "0123456789");
      if (v < 0) tmp[len++] = '-';
      while (n) tmp[len++] = digits[--n];
      put_padded(tmp, len, width, left, pad);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'p': {
      uint64_t u;
      if (*p == 'p')
        u = (uintptr_t)__builtin_va_arg(ap, void *);
      else
        u = longs >= 2 ? __builtin_va_arg(ap, uint64_t) : __builtin_va_arg(ap, unsigned);
      unsigned base = *p == 'u' ? 10 : 16;
      const char *set = *p == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
      char digits[24];
      int n = 0;
      n = put_digits(digits, u, base, set);
      if (*p == 'p') tmp[len++] = '0', tmp[len++] = 'x';
      while (n) tmp[len++] = digits[--n];
      put_padded(tmp, len, width, left, pad);
      break;
    }
    case 's': {
      const char *s = __builtin_va_arg(ap, const char *);
      if (!s) s = "(null)";
      put_padded(s, (int)strlen(s), width, left, ' ');
      break;
    }
    case 'c':
      tmp[0] = (char)__builtin_va_arg(ap, int);
      put_padded(tmp, 1, width, left, ' ');
      break;
    case '%':
      rt_putchar('%');
      break;
    case 0:
      p--;
      break;
    default:
      rt_putchar('%');
      rt_putchar(*p);
    }
  }
  __builtin_va_end(ap);
  return 0;
}

/* ---- sorting (insertion + shell gaps; small and deterministic) ---- */

static void swap_bytes(char *a, char *b, size_t n) {
  while (n--) {
    char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

void rt_qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *)) {
  char *a = base;
  for (size_t gap = count / 2; gap > 0; gap /= 2)
    for (size_t i = gap; i < count; i++)
      for (size_t j = i; j >= gap && cmp(a + (j - gap) * size, a + j * size) > 0; j -= gap)
        swap_bytes(a + (j - gap) * size, a + j * size, size);
}

/* ---- startup ---- */

uint32_t rt_getauxval(uint32_t type) {
  for (uint32_t *a = rt_auxv; a && a[0]; a += 2)
    if (a[0] == type) return a[1];
  return 0;
}

__attribute__((noreturn)) void __rt_start(uint32_t *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  char **e = envp;
  while (*e) e++;
  rt_environ = envp;
  rt_auxv = (uint32_t *)(e + 1);
  rt_exit(main(argc, argv, envp));
}
