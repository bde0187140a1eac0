// Host-side generator of the firmware's program data (run by build.sh).
//
//   reference OUT.c FLETCHER16.bin DHT22.bin
//
// * Builds the inputs: the Fletcher-16 buffer and the DHT22 pulse trains.
// * Computes the expected results with the programs' C source compiled
//   natively for the host (not with Kiln), after checking that build against
//   independent facts: published Fletcher-16 check values, and the readings
//   each pulse train was made from.
// * Writes OUT.c: the eBPF bytecode (from clang -target bpf, extracted by
//   llvm-objcopy), the inputs and the expected results, as const arrays.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../BPF/dht22.c"
#include "../BPF/fletcher16.c"

static int failures;
#define CHECK(cond, ...)                     \
  do {                                       \
    if (!(cond)) {                           \
      fprintf(stderr, "reference: " __VA_ARGS__); \
      fprintf(stderr, "\n");                 \
      failures++;                            \
    }                                        \
  } while (0)

// ---- Fletcher-16 ----
enum { FLETCHER_INPUT = 1024 };
static uint8_t fletcher_input[FLETCHER_INPUT];

static void check_fletcher_vectors(void) {
  // Check values from the Fletcher's checksum article (Wikipedia, "Fletcher-16").
  static const struct { const char *text; unsigned long sum; } vectors[] = {
      {"abcde", 0xC8F0}, {"abcdef", 0x2057}, {"abcdefgh", 0x0627}};
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    unsigned long got = fletcher16((const unsigned char *)vectors[i].text, strlen(vectors[i].text));
    CHECK(got == vectors[i].sum, "fletcher16(\"%s\") = 0x%04lx, expected 0x%04lx", vectors[i].text,
          got, vectors[i].sum);
  }
}

// ---- DHT22 ----
enum { FRAMES_MAX = 8 };
static uint8_t pulses[FRAMES_MAX][DHT22_BITS];
static long long expected_dht[FRAMES_MAX];
static const char *frame_names[FRAMES_MAX];
static int frame_count;
static int current_frame;

unsigned long dht_read_pulse(unsigned long index) {
  return index < DHT22_BITS ? pulses[current_frame][index] : ~0ul;
}

static uint32_t jitter_state = 0x2545F491u;
static unsigned jitter(unsigned span) {  // xorshift32, deterministic
  jitter_state ^= jitter_state << 13;
  jitter_state ^= jitter_state >> 17;
  jitter_state ^= jitter_state << 5;
  return jitter_state % span;
}

// A pulse train for bytes b[0..4]: 0 bits 24-30 us, 1 bits 66-75 us.
static int add_frame(const char *name, const uint8_t b[5]) {
  int f = frame_count++;
  frame_names[f] = name;
  for (int i = 0; i < DHT22_BITS; i++) {
    int bit = b[i / 8] >> (7 - i % 8) & 1;
    pulses[f][i] = (uint8_t)(bit ? 66 + jitter(10) : 24 + jitter(7));
  }
  return f;
}

// A frame for a reading (humidity and temperature x10), with its checksum.
static int add_reading(const char *name, unsigned humidity, int temperature) {
  unsigned t = temperature < 0 ? 0x8000u | (unsigned)-temperature : (unsigned)temperature;
  uint8_t b[5] = {(uint8_t)(humidity >> 8), (uint8_t)humidity, (uint8_t)(t >> 8), (uint8_t)t, 0};
  b[4] = (uint8_t)(b[0] + b[1] + b[2] + b[3]);
  int f = add_frame(name, b);
  long long reading = (long long)((unsigned)(uint16_t)(int16_t)temperature << 16 | humidity);
  current_frame = f;
  long long got = dht22_decode();
  CHECK(got == reading, "dht22 %s: decoded 0x%llx, expected 0x%llx", name, got, reading);
  expected_dht[f] = got;
  return f;
}

static void make_dht_frames(void) {
  // The datasheet's example frame: 0x02 0x8C 0x01 0x5F 0xEE = 65.2 %RH, 35.1 C.
  static const uint8_t datasheet[5] = {0x02, 0x8C, 0x01, 0x5F, 0xEE};
  int f = add_frame("datasheet 65.2%RH 35.1C", datasheet);
  current_frame = f;
  expected_dht[f] = dht22_decode();
  CHECK(expected_dht[f] == (351LL << 16 | 652), "dht22 datasheet frame: 0x%llx", expected_dht[f]);
  add_reading("48.7%RH -10.1C", 487, -101);
  add_reading("100.0%RH -40.0C", 1000, -400);
  add_reading("0.0%RH 80.0C", 0, 800);

  // The datasheet frame with one bit of the checksum flipped (a long pulse made short).
  int bad = add_frame("corrupted checksum", datasheet);
  pulses[bad][39] = pulses[bad][39] > DHT22_THRESHOLD_US ? 27 : 70;
  current_frame = bad;
  expected_dht[bad] = dht22_decode();
  CHECK(expected_dht[bad] == DHT22_BAD_CHECKSUM, "dht22 bad checksum: %lld", expected_dht[bad]);

  // A 5 us glitch in bit 17.
  int glitch = add_frame("glitch pulse", datasheet);
  pulses[glitch][17] = 5;
  current_frame = glitch;
  expected_dht[glitch] = dht22_decode();
  CHECK(expected_dht[glitch] == DHT22_BAD_PULSE, "dht22 glitch: %lld", expected_dht[glitch]);
}

// ---- Output ----
static void emit_bytes(FILE *out, const char *name, const uint8_t *bytes, size_t n) {
  fprintf(out, "const uint8_t %s[%zu] __attribute__((aligned(8))) = {", name, n);
  for (size_t i = 0; i < n; i++)
    fprintf(out, "%s0x%02x", i == 0 ? "\n  " : i % 16 ? ", " : ",\n  ", bytes[i]);
  fprintf(out, "\n};\nconst uint32_t %s_size = %zu;\n\n", name, n);
}

static uint8_t *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  static uint8_t buffer[1 << 16];
  *n = fread(buffer, 1, sizeof buffer, f);
  fclose(f);
  uint8_t *copy = malloc(*n ? *n : 1);
  memcpy(copy, buffer, *n);
  if (*n == 0 || *n % 8 != 0 || *n == sizeof buffer) {
    fprintf(stderr, "reference: %s: %zu bytes is not an eBPF program\n", path, *n);
    exit(1);
  }
  return copy;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: reference OUT.c FLETCHER16.bin DHT22.bin\n");
    return 2;
  }
  check_fletcher_vectors();
  uint32_t x = 0x12345678u;
  for (int i = 0; i < FLETCHER_INPUT; i++) {
    x = x * 1664525u + 1013904223u;  // LCG (Numerical Recipes)
    fletcher_input[i] = (uint8_t)(x >> 24);
  }
  unsigned long fletcher_expected = fletcher16(fletcher_input, FLETCHER_INPUT);
  make_dht_frames();
  if (failures) return 1;

  size_t fletcher_size, dht_size;
  uint8_t *fletcher_code = read_file(argv[2], &fletcher_size);
  uint8_t *dht_code = read_file(argv[3], &dht_size);

  FILE *out = fopen(argv[1], "w");
  if (!out) {
    perror(argv[1]);
    return 1;
  }
  fprintf(out, "// Generated by Firmware/Host/reference.c (build.sh); do not edit.\n");
  fprintf(out, "#include \"firmware.h\"\n\n");
  emit_bytes(out, "kiln_fletcher16_bpf", fletcher_code, fletcher_size);
  emit_bytes(out, "kiln_dht22_bpf", dht_code, dht_size);
  emit_bytes(out, "kiln_fletcher16_input", fletcher_input, FLETCHER_INPUT);
  fprintf(out, "const uint32_t kiln_fletcher16_expected = 0x%04lx;\n\n", fletcher_expected);
  fprintf(out, "const uint32_t kiln_dht22_frame_count = %d;\n", frame_count);
  fprintf(out, "const uint8_t kiln_dht22_pulses[%d][%d] = {\n", frame_count, DHT22_BITS);
  for (int f = 0; f < frame_count; f++) {
    fprintf(out, "  {");
    for (int i = 0; i < DHT22_BITS; i++) fprintf(out, "%s%u", i ? ", " : "", pulses[f][i]);
    fprintf(out, "},\n");
  }
  fprintf(out, "};\nconst int64_t kiln_dht22_expected[%d] = {", frame_count);
  for (int f = 0; f < frame_count; f++) fprintf(out, "%s%lldLL", f ? ", " : "", expected_dht[f]);
  fprintf(out, "};\nconst char *const kiln_dht22_names[%d] = {", frame_count);
  for (int f = 0; f < frame_count; f++) fprintf(out, "%s\"%s\"", f ? ", " : "", frame_names[f]);
  fprintf(out, "};\n");
  fclose(out);
  return 0;
}
