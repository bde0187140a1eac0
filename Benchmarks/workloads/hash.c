/* hash: hashing several MiB of generated data.
 *
 * Fills a 4 MiB buffer from a xorshift32 generator, then for each pass:
 *   - FNV-1a 32-bit over every byte (a load + xor + multiply chain),
 *   - FNV-1a 64-bit over every byte (64-bit multiply: mul/mulhu on RV32),
 *   - a MurmurHash3-style 32-bit block hash over every word
 *     (multiply, rotate, xor, and the fmix32 finaliser),
 *   - a xorshift-multiply mix per 64-byte line (a little like xxHash lanes),
 * then perturbs one word so the next pass hashes different data.
 *
 * Usage: hash [passes]   (default 20; each pass reads 16 MiB in total) */
#include "bench.h"

#define DATA_BYTES (4u << 20)

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t fnv1a32(const uint8_t *p, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static uint64_t fnv1a64(const uint8_t *p, uint32_t n) {
  uint64_t h = 14695981039346656037ull;
  for (uint32_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static uint32_t murmur3_words(const uint32_t *w, uint32_t nwords, uint32_t seed) {
  uint32_t h = seed;
  for (uint32_t i = 0; i < nwords; i++) {
    uint32_t k = w[i];
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    k *= 0x1b873593u;
    h ^= k;
    h = rotl32(h, 13);
    h = h * 5u + 0xe6546b64u;
  }
  return fmix32(h ^ (nwords * 4u));
}

/* Four independent lanes per 64-byte line, folded per line. */
static uint32_t lanes(const uint32_t *w, uint32_t nwords) {
  uint32_t a = 0x9e3779b9u, b = 0x85ebca77u, c = 0xc2b2ae3du, d = 0x27d4eb2fu, acc = 0;
  for (uint32_t i = 0; i + 16 <= nwords; i += 16) {
    for (int j = 0; j < 16; j += 4) {
      a = rotl32(a + w[i + j] * 0x85ebca77u, 13) * 0x9e3779b1u;
      b = rotl32(b + w[i + j + 1] * 0x85ebca77u, 13) * 0x9e3779b1u;
      c = rotl32(c + w[i + j + 2] * 0x85ebca77u, 13) * 0x9e3779b1u;
      d = rotl32(d + w[i + j + 3] * 0x85ebca77u, 13) * 0x9e3779b1u;
    }
    uint32_t x = a ^ rotl32(b, 7) ^ rotl32(c, 12) ^ rotl32(d, 18);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    acc = acc * 31u + x;
  }
  return fmix32(acc);
}

int main(int argc, char **argv) {
  uint32_t passes = bench_iterations(argc, argv, 20);
  uint32_t *words = bench_alloc(DATA_BYTES);
  const uint8_t *bytes = (const uint8_t *)words;
  uint32_t nwords = DATA_BYTES / 4;

  uint32_t x = 2463534242u;
  for (uint32_t i = 0; i < nwords; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    words[i] = x;
  }

  uint32_t h32 = 0, hm = 0, hl = 0;
  uint64_t h64 = 0;
  for (uint32_t pass = 0; pass < passes; pass++) {
    h32 ^= fnv1a32(bytes, DATA_BYTES);
    h64 ^= fnv1a64(bytes, DATA_BYTES);
    hm ^= murmur3_words(words, nwords, pass);
    hl ^= lanes(words, nwords);
    words[(pass * 2654435761u) % nwords] ^= h32 ^ hm;
  }
  bench_printf("hash passes=%u MiB=%u fnv1a32=%08x fnv1a64=%08x%08x murmur3=%08x lanes=%08x\n", passes,
               DATA_BYTES >> 20, h32, (uint32_t)(h64 >> 32), (uint32_t)h64, hm, hl);
  free(words);
  return 0;
}
