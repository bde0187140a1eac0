/* brk and malloc: a linked list, many allocations and frees, realloc
 * growth, calloc zeroing, raw brk behaviour, and anonymous mmap2/munmap. */
#include "rt.h"

typedef struct node {
  struct node *next;
  int value;
  char name[20];
} node;

int main(void) {
  uintptr_t start = (uintptr_t)rt_syscall1(SYS_brk, 0);
  rt_printf("brk page aligned: %d\n", (int)(start % 4096 == 0));
  uintptr_t grown = (uintptr_t)rt_syscall1(SYS_brk, start + 100000);
  rt_printf("brk grow ok: %d\n", (int)(grown == start + 100000));
  uintptr_t query = (uintptr_t)rt_syscall1(SYS_brk, 0);
  rt_printf("brk query: %d\n", (int)(query == grown));
  uintptr_t below = (uintptr_t)rt_syscall1(SYS_brk, start - 4096);
  rt_printf("brk below start refused: %d\n", (int)(below == grown));
  /* shrink, dirty, regrow: new memory must be zero again */
  volatile uint8_t *p = (uint8_t *)start;
  p[5000] = 0xAB;
  rt_syscall1(SYS_brk, start + 4096);
  rt_syscall1(SYS_brk, start + 100000);
  rt_printf("regrown byte: %d\n", p[5000]);

  node *head = NULL;
  for (int i = 0; i < 1000; i++) {
    node *n = malloc(sizeof *n);
    n->next = head;
    n->value = i * i;
    for (int k = 0; k < 19; k++) n->name[k] = (char)('a' + (i + k) % 26);
    n->name[19] = 0;
    head = n;
  }
  long long total = 0;
  int count = 0;
  for (node *n = head; n; n = n->next) total += n->value, count++;
  rt_printf("list %d nodes, sum %lld, head %s\n", count, total, head->name);
  while (head) {
    node *n = head->next;
    free(head);
    head = n;
  }

  int *v = NULL;
  int cap = 0;
  for (int i = 0; i < 50000; i++) {
    if (i == cap) {
      cap = cap ? cap * 2 : 4;
      v = realloc(v, cap * sizeof *v);
    }
    v[i] = i ^ (i >> 3);
  }
  long long s = 0;
  for (int i = 0; i < 50000; i++) s += v[i];
  rt_printf("realloc vector cap %d sum %lld\n", cap, s);

  uint8_t *z = calloc(300000, 1);
  uint32_t nz = 0;
  for (int i = 0; i < 300000; i++) nz += z[i];
  rt_printf("calloc zero: %u\n", nz);

  /* anonymous mmap2 */
  size_t len = 1536 * 1024 + 123;
  uint8_t *m = rt_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  rt_printf("mmap ok: %d aligned: %d\n", (int)((long)m > 0 || (long)m < -4096),
            (int)((uintptr_t)m % 4096 == 0));
  uint32_t mz = 0;
  for (size_t i = 0; i < len; i += 4096) mz += m[i];
  for (size_t i = 0; i < len; i += 61) m[i] = (uint8_t)(i * 7);
  uint32_t ms = 0;
  for (size_t i = 0; i < len; i += 333) ms += m[i];
  rt_printf("mmap zero %u sum %u\n", mz, ms);
  rt_printf("munmap: %d\n", rt_munmap(m, len));
  uint8_t *m2 = rt_mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  rt_printf("mmap again zero: %d %d\n", m2[0], m2[8191]);
  rt_printf("mmap bad length: %d\n", (int)(long)rt_mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS));
  rt_printf("munmap unaligned: %d\n", rt_munmap(m2 + 1, 100));
  return 0;
}
