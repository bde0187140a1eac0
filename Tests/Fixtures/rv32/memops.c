/* Loads and stores of every width and signedness, unaligned accesses,
 * struct copies (memcpy calls) and overlapping memmove. */
#include "rt.h"

struct __attribute__((packed)) packed {
  uint8_t tag;
  uint32_t word;
  uint16_t half;
  int32_t sword;
};

struct big {
  int v[40];
  char name[16];
};

static struct big make(int seed) {
  struct big b;
  for (int i = 0; i < 40; i++) b.v[i] = seed * i - 7;
  for (int i = 0; i < 15; i++) b.name[i] = (char)('A' + (seed + i) % 26);
  b.name[15] = 0;
  return b;
}

int main(void) {
  static uint8_t buf[64];
  for (int i = 0; i < 64; i++) buf[i] = (uint8_t)(0xF0 + i * 37);
  volatile int8_t *sb = (volatile int8_t *)buf;
  volatile int16_t *sh = (volatile int16_t *)(buf + 1);
  volatile uint16_t *uh = (volatile uint16_t *)(buf + 3);
  volatile int32_t *sw = (volatile int32_t *)(buf + 5);
  rt_printf("lb %d lbu %u lh(unaligned) %d lhu(unaligned) %u lw(unaligned) %d\n", sb[3], buf[3], *sh, *uh, *sw);

  struct packed p[4];
  for (int i = 0; i < 4; i++) {
    p[i].tag = (uint8_t)i;
    p[i].word = 0xDEADBEEFu ^ (uint32_t)i;
    p[i].half = (uint16_t)(0x8000 + i);
    p[i].sword = -i * 100000;
  }
  for (int i = 0; i < 4; i++)
    rt_printf("packed %u %08x %04x %d\n", p[i].tag, p[i].word, p[i].half, p[i].sword);

  struct big a = make(3), b = make(11);
  struct big c = a;
  a = b;
  rt_printf("struct copy %d %d %s %s\n", a.v[39], c.v[39], a.name, c.name);

  char s[32] = "0123456789abcdefghijklmnopqrstu";
  memmove(s + 4, s, 20);
  rt_printf("memmove fwd %s\n", s);
  memmove(s, s + 7, 20);
  rt_printf("memmove back %s\n", s);
  rt_printf("memcmp %d %d\n", memcmp("abc", "abd", 3) < 0, memcmp("same", "same", 4));

  uint32_t words[8];
  for (int i = 0; i < 8; i++) words[i] = 0x01020304u * (uint32_t)(i + 1);
  uint8_t *bytes = (uint8_t *)words;
  rt_printf("little endian: %02x %02x %02x %02x\n", bytes[0], bytes[1], bytes[2], bytes[3]);
  volatile uint16_t *halves = (volatile uint16_t *)words;
  halves[3] = 0xBEEF;
  bytes[9] = 0x7F;
  rt_printf("mixed stores %08x %08x\n", words[1], words[2]);
  return 0;
}
