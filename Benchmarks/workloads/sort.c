/* sort: sorting 1M 32-bit integers from an LCG.
 *
 * Per round: fill an array of n ints from a 32-bit LCG, sort a copy with an
 * iterative quicksort (median of three, insertion sort for short ranges,
 * explicit stack), sort another copy with a top-down merge sort through a
 * temporary buffer, check both are sorted and equal, and checksum the result.
 * Memory: three arrays of n ints (12 MiB for the default n = 1M).
 *
 * Usage: sort [rounds [n]]   (defaults 2 and 1048576; n at most 2097152) */
#include "bench.h"

#define N_DEFAULT (1u << 20)
#define N_MAX (1u << 21)

static void insertion(int32_t *a, int32_t lo, int32_t hi) {
  for (int32_t i = lo + 1; i <= hi; i++) {
    int32_t v = a[i], j = i - 1;
    while (j >= lo && a[j] > v) a[j + 1] = a[j], j--;
    a[j + 1] = v;
  }
}

static void quicksort(int32_t *a, int32_t n) {
  int32_t stack[128];
  int sp = 0;
  stack[sp++] = 0;
  stack[sp++] = n - 1;
  while (sp) {
    int32_t hi = stack[--sp], lo = stack[--sp];
    while (hi - lo > 16) {
      int32_t mid = lo + (hi - lo) / 2;
      /* median of three into a[mid] */
      if (a[mid] < a[lo]) { int32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
      if (a[hi] < a[lo]) { int32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
      if (a[hi] < a[mid]) { int32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
      int32_t pivot = a[mid], i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) {
          int32_t t = a[i]; a[i] = a[j]; a[j] = t;
          i++, j--;
        }
      }
      /* push the larger half, loop on the smaller one: stack depth <= log2 n */
      if (j - lo > hi - i) {
        stack[sp++] = lo, stack[sp++] = j;
        lo = i;
      } else {
        stack[sp++] = i, stack[sp++] = hi;
        hi = j;
      }
    }
    insertion(a, lo, hi);
  }
}

static void merge_sort(int32_t *a, int32_t *tmp, uint32_t n) {
  if (n <= 16) {
    insertion(a, 0, (int32_t)n - 1);
    return;
  }
  uint32_t h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  if (a[h - 1] <= a[h]) return;
  uint32_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  for (uint32_t m = 0; m < n; m++) a[m] = tmp[m];
}

int main(int argc, char **argv) {
  uint32_t rounds = bench_iterations(argc, argv, 2);
  uint32_t N = bench_arg(argc, argv, 2, N_DEFAULT);
  if (N < 2 || N > N_MAX) N = N_DEFAULT;
  int32_t *q = bench_alloc(N * 4), *m = bench_alloc(N * 4), *tmp = bench_alloc(N * 4);
  uint32_t checksum = 0, bad = 0;
  uint32_t seed = 12345u;
  for (uint32_t r = 0; r < rounds; r++) {
    for (uint32_t i = 0; i < N; i++) {
      seed = seed * 1103515245u + 12345u;
      q[i] = m[i] = (int32_t)(seed ^ (seed >> 15)) >> (int)(r & 3);
    }
    quicksort(q, (int32_t)N);
    merge_sort(m, tmp, N);
    for (uint32_t i = 0; i < N; i++) {
      if (q[i] != m[i] || (i && q[i - 1] > q[i])) bad++;
      checksum = (checksum ^ (uint32_t)q[i]) * 16777619u + i;
    }
  }
  bench_printf("sort rounds=%u n=%u min=%d max=%d median=%d checksum=%08x unsorted=%u\n", rounds, N, q[0],
               q[N - 1], q[N / 2], checksum, bad);
  free(tmp);
  free(m);
  free(q);
  return bad != 0;
}
