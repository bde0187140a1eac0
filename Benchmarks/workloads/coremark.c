/* coremark: a small CoreMark-like mix (our own code, not EEMBC CoreMark).
 *
 * Each iteration runs four kernels over data seeded by the iteration number
 * and folds every result into one CRC-16:
 *   - list:   a 256-node singly linked list: find, reverse, merge-sort by
 *             value, merge-sort back by index (pointer chasing, branches);
 *   - matrix: 32x32 int16 matrices: multiply, multiply-by-constant, add,
 *             and a bit-field extraction pass (multiply/add, loops);
 *   - state:  a character-class state machine that scans a generated text
 *             of numbers, floats, exponents and junk (unpredictable branches);
 *   - crc16:  bitwise CRC-16 over every result (shifts, xors).
 *
 * Usage: coremark [iterations]   (default 1800) */
#include "bench.h"

#define LIST_N 256
#define MAT_N 32
#define TEXT_N 2048

typedef struct node {
  struct node *next;
  int32_t value;
  int32_t index;
} node;

static node pool[LIST_N];
static int16_t mat_a[MAT_N * MAT_N], mat_b[MAT_N * MAT_N];
static int32_t mat_c[MAT_N * MAT_N];
static char text[TEXT_N + 1];

static uint32_t seed32;
static uint32_t rnd(void) {
  seed32 = seed32 * 1664525u + 1013904223u;
  return seed32 >> 8;
}

/* ---------------------------------------------------------------- list */

static node *list_build(uint32_t iter) {
  seed32 = 0x1234u + iter;
  for (int i = 0; i < LIST_N; i++) {
    pool[i].index = i;
    pool[i].value = (int32_t)(rnd() & 0xffff) - 0x8000;
    pool[i].next = i + 1 < LIST_N ? &pool[i + 1] : NULL;
  }
  return &pool[0];
}

static node *list_reverse(node *head) {
  node *prev = NULL;
  while (head) {
    node *next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

static int list_find(node *head, int32_t value) {
  for (int pos = 0; head; head = head->next, pos++)
    if (head->value == value) return pos;
  return -1;
}

static int cmp_value(const node *a, const node *b) {
  return a->value != b->value ? (a->value < b->value ? -1 : 1) : a->index - b->index;
}
static int cmp_index(const node *a, const node *b) { return a->index - b->index; }

/* Bottom-up merge sort of a linked list (as in CoreMark's core_list_mergesort). */
static node *list_sort(node *list, int (*cmp)(const node *, const node *)) {
  int insize = 1;
  for (;;) {
    node *p = list, *tail = NULL;
    list = NULL;
    int merges = 0;
    while (p) {
      merges++;
      node *q = p;
      int psize = 0;
      for (int i = 0; i < insize && q; i++) psize++, q = q->next;
      int qsize = insize;
      while (psize > 0 || (qsize > 0 && q)) {
        node *e;
        if (psize == 0) e = q, q = q->next, qsize--;
        else if (qsize == 0 || !q) e = p, p = p->next, psize--;
        else if (cmp(p, q) <= 0) e = p, p = p->next, psize--;
        else e = q, q = q->next, qsize--;
        if (tail) tail->next = e;
        else list = e;
        tail = e;
      }
      p = q;
    }
    tail->next = NULL;
    if (merges <= 1) return list;
    insize *= 2;
  }
}

static uint16_t bench_list(uint32_t iter, uint16_t crc) {
  node *head = list_build(iter);
  for (int k = 0; k < 8; k++) {
    int pos = list_find(head, pool[(iter * 7 + (uint32_t)k * 31) % LIST_N].value);
    crc = bench_crc16_u32(crc, (uint32_t)pos);
  }
  crc = bench_crc16_u32(crc, (uint32_t)list_find(head, 0x7fffffff));
  head = list_reverse(head);
  head = list_sort(head, cmp_value);
  uint32_t acc = 0;
  int i = 0;
  for (node *n = head; n; n = n->next, i++) acc += (uint32_t)n->value * (uint32_t)(i + 1) ^ (uint32_t)n->index;
  crc = bench_crc16_u32(crc, acc);
  head = list_sort(head, cmp_index);
  head = list_reverse(head);
  crc = bench_crc16_u32(crc, (uint32_t)head->index);
  return crc;
}

/* -------------------------------------------------------------- matrix */

static uint16_t bench_matrix(uint32_t iter, uint16_t crc) {
  seed32 = 0xbeefu ^ iter;
  for (int i = 0; i < MAT_N * MAT_N; i++) {
    mat_a[i] = (int16_t)((rnd() & 0x1ff) - 0x100);
    mat_b[i] = (int16_t)((rnd() & 0x1ff) - 0x100);
  }
  /* C = A * B */
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) {
      int32_t s = 0;
      for (int k = 0; k < MAT_N; k++) s += (int32_t)mat_a[i * MAT_N + k] * mat_b[k * MAT_N + j];
      mat_c[i * MAT_N + j] = s;
    }
  uint32_t sum = 0;
  for (int i = 0; i < MAT_N * MAT_N; i++) sum += (uint32_t)mat_c[i];
  crc = bench_crc16_u32(crc, sum);
  /* C = A * constant, then A += constant */
  int16_t konst = (int16_t)(iter | 0x13);
  for (int i = 0; i < MAT_N * MAT_N; i++) mat_c[i] = (int32_t)mat_a[i] * konst;
  for (int i = 0; i < MAT_N * MAT_N; i++) mat_a[i] = (int16_t)(mat_a[i] + konst);
  /* C = A * B with bit-field extraction of each product */
  uint32_t bits = 0;
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) {
      int32_t s = 0;
      for (int k = 0; k < MAT_N; k++) {
        int32_t t = (int32_t)mat_a[i * MAT_N + k] * mat_b[k * MAT_N + j];
        s += (t >> 2) & 0xf;
        s += (t >> 5) & 0x7f;
      }
      bits += (uint32_t)s;
    }
  crc = bench_crc16_u32(crc, bits);
  sum = 0;
  for (int i = 0; i < MAT_N * MAT_N; i++) sum = (sum << 1 | sum >> 31) ^ (uint32_t)mat_c[i];
  return bench_crc16_u32(crc, sum);
}

/* --------------------------------------------------------------- state */

enum { S_START, S_INT, S_FLOAT, S_EXP_SIGN, S_EXP, S_INVALID, S_COUNT };

static void make_text(uint32_t iter) {
  static const char *const pieces[] = {"5012", "1.23", "-874", "+122", "-.5e-3", "3.14e+2", "6e7",
                                       "abc",  "--1",  "7.",   ".",    "12e",    "0x1f",    "99999"};
  seed32 = 0x5eedu + iter * 3u;
  int n = 0;
  while (n < TEXT_N - 12) {
    const char *p = pieces[rnd() % 14u];
    while (*p) text[n++] = *p++;
    text[n++] = ',';
  }
  while (n < TEXT_N) text[n++] = ' ';
  text[n] = 0;
}

static int next_state(int state, char c) {
  int digit = c >= '0' && c <= '9';
  switch (state) {
  case S_START:
    if (digit) return S_INT;
    if (c == '+' || c == '-') return S_INT;
    if (c == '.') return S_FLOAT;
    return S_INVALID;
  case S_INT:
    if (digit) return S_INT;
    if (c == '.') return S_FLOAT;
    if (c == 'e' || c == 'E') return S_EXP_SIGN;
    return S_INVALID;
  case S_FLOAT:
    if (digit) return S_FLOAT;
    if (c == 'e' || c == 'E') return S_EXP_SIGN;
    return S_INVALID;
  case S_EXP_SIGN:
    if (c == '+' || c == '-' || digit) return S_EXP;
    return S_INVALID;
  case S_EXP:
    if (digit) return S_EXP;
    return S_INVALID;
  default:
    return S_INVALID;
  }
}

static uint16_t bench_state(uint32_t iter, uint16_t crc) {
  make_text(iter);
  uint32_t final_count[S_COUNT] = {0}, transitions[S_COUNT] = {0};
  for (int pass = 0; pass < 2; pass++) {
    int state = S_START;
    for (const char *p = text; *p; p++) {
      if (*p == ',' || *p == ' ') {
        final_count[state]++;
        state = S_START;
        continue;
      }
      int ns = next_state(state, *p);
      if (ns != state) transitions[ns]++;
      state = ns;
    }
    /* corrupt a few characters for the second pass, as CoreMark does */
    for (int i = (int)(iter % 7u); i < TEXT_N; i += 97)
      if (text[i] != ',') text[i] = (char)(text[i] ^ 1);
  }
  for (int s = 0; s < S_COUNT; s++) {
    crc = bench_crc16_u32(crc, final_count[s]);
    crc = bench_crc16_u32(crc, transitions[s]);
  }
  return crc;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
  uint32_t iterations = bench_iterations(argc, argv, 1800);
  uint16_t crc_list = 0, crc_matrix = 0, crc_state = 0, crc = 0xffff;
  for (uint32_t it = 0; it < iterations; it++) {
    crc_list = bench_list(it, crc_list);
    crc_matrix = bench_matrix(it, crc_matrix);
    crc_state = bench_state(it, crc_state);
    crc = bench_crc16(crc, (uint8_t)(crc_list ^ crc_matrix ^ crc_state));
  }
  bench_printf("coremark iterations=%u list=%04x matrix=%04x state=%04x crc=%04x\n", iterations,
               (uint32_t)crc_list, (uint32_t)crc_matrix, (uint32_t)crc_state, (uint32_t)crc);
  return 0;
}
