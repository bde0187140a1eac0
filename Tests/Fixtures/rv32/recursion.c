/* Deep and branchy recursion: fib, Ackermann, Takeuchi, and a recursive
 * permutation counter (exercises calls, returns and the stack). */
#include "rt.h"

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int ack(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static int tak(int x, int y, int z) {
  return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

static int queens(int row, int n, uint32_t cols, uint32_t d1, uint32_t d2) {
  if (row == n) return 1;
  int count = 0;
  for (int c = 0; c < n; c++) {
    uint32_t a = 1u << c, b = 1u << (row + c), d = 1u << (row - c + n);
    if ((cols & a) || (d1 & b) || (d2 & d)) continue;
    count += queens(row + 1, n, cols | a, d1 | b, d2 | d);
  }
  return count;
}

static int depth(int n) {
  volatile char pad[64];
  pad[n & 63] = (char)n;
  return n == 0 ? 0 : 1 + depth(n - 1) + (pad[n & 63] == (char)n ? 0 : 1000);
}

int main(void) {
  rt_printf("fib(22) = %d\n", fib(22));
  rt_printf("ack(2, 3) = %d\n", ack(2, 3));
  rt_printf("ack(3, 5) = %d\n", ack(3, 5));
  rt_printf("tak(14, 8, 2) = %d\n", tak(14, 8, 2));
  for (int n = 4; n <= 7; n++) rt_printf("queens(%d) = %d\n", n, queens(0, n, 0, 0, 0));
  rt_printf("depth(20000) = %d\n", depth(20000));
  return fib(10);
}
