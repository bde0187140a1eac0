/* Reads all of stdin in small chunks: counts bytes, lines and words
 * (like wc), a checksum, and echoes the input upper-cased. */
#include "rt.h"

int main(void) {
  static char data[1 << 16];
  size_t len = 0;
  for (;;) {
    ssize_t n = rt_read(0, data + len, len + 100 < sizeof data ? 100 : sizeof data - len);
    if (n < 0) {
      rt_printf("read error %d\n", (int)n);
      return 1;
    }
    if (n == 0) break;
    len += (size_t)n;
    if (len == sizeof data) break;
  }
  unsigned lines = 0, words = 0, in_word = 0;
  uint32_t h = 5381;
  for (size_t i = 0; i < len; i++) {
    char c = data[i];
    h = h * 33 + (uint8_t)c;
    if (c == '\n') lines++;
    int space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) words++;
    in_word = !space;
  }
  rt_printf("%u %u %u %08x\n", lines, words, (unsigned)len, h);
  for (size_t i = 0; i < len; i++) {
    char c = data[i];
    rt_putchar(c >= 'a' && c <= 'z' ? c - 32 : c);
  }
  rt_printf("-- end --\n");
  rt_printf("read after EOF: %d\n", (int)rt_read(0, data, 10));
  return (int)(lines & 0xff);
}
