/* Function pointers: tables of operations, callbacks, sorting with
 * comparators, and a struct of methods (indirect calls through JALR). */
#include "rt.h"

typedef int (*binop)(int, int);
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int maxi(int a, int b) { return a > b ? a : b; }
static int shl(int a, int b) { return a << (b & 31); }
static const binop ops[] = {add, sub, mul, maxi, shl};
static const char *const names[] = {"add", "sub", "mul", "max", "shl"};

static int fold(const int *v, int n, binop f, int init) {
  for (int i = 0; i < n; i++) init = f(init, v[i]);
  return init;
}

static int by_value(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int by_value_desc(const void *a, const void *b) { return by_value(b, a); }

typedef struct shape {
  const struct shape_ops *ops;
  int a, b;
} shape;
struct shape_ops {
  const char *name;
  int (*area)(const shape *);
  int (*perimeter)(const shape *);
};
static int rect_area(const shape *s) { return s->a * s->b; }
static int rect_perim(const shape *s) { return 2 * (s->a + s->b); }
static int tri_area(const shape *s) { return s->a * s->b / 2; }
static int tri_perim(const shape *s) { return s->a + s->b + (s->a > s->b ? s->a : s->b); }
static const struct shape_ops rect = {"rect", rect_area, rect_perim};
static const struct shape_ops tri = {"tri", tri_area, tri_perim};

int main(void) {
  int v[] = {5, -3, 12, 7, 0, 44, -19, 8, 8, 1};
  int n = (int)(sizeof v / sizeof v[0]);
  for (int i = 0; i < 5; i++) rt_printf("%s -> %d\n", names[i], fold(v, n, ops[i], i));

  rt_qsort(v, n, sizeof v[0], by_value);
  for (int i = 0; i < n; i++) rt_printf("%d ", v[i]);
  rt_printf("\n");
  rt_qsort(v, n, sizeof v[0], by_value_desc);
  for (int i = 0; i < n; i++) rt_printf("%d ", v[i]);
  rt_printf("\n");

  shape shapes[] = {{&rect, 3, 4}, {&tri, 6, 10}, {&rect, 7, 7}, {&tri, 9, 2}};
  int total = 0;
  for (int i = 0; i < 4; i++) {
    const shape *s = &shapes[i];
    rt_printf("%s %d %d\n", s->ops->name, s->ops->area(s), s->ops->perimeter(s));
    total += s->ops->area(s);
  }
  /* a pointer to a function returning a function pointer */
  binop (*pick)(int) = 0;
  binop choose(int);
  pick = choose;
  rt_printf("chosen %d\n", pick(2)(6, 7));
  return total & 0xff;
}

binop choose(int i) { return ops[i % 5]; }
