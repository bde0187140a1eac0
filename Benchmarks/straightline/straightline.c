// straightline: writes a static RV32IM Linux ELF executable that runs N
// register-only ALU instructions without a single branch, then exits with
// a checksum of its registers as the status (0..255). Such code runs once:
// it measures what compiling and installing code costs (issue 11, "Code
// memory" and "Compile speed"), not how fast the code runs.
//
// Build and run on the host (the output is not committed: 25 M
// instructions are 100 MB):
//   clang -O2 -o straightline Benchmarks/straightline/straightline.c
//   ./straightline 2000000 > s2m.elf && chmod +x s2m.elf
//   qemu-riscv32 s2m.elf; echo $?      # the reference status
//   kiln run s2m.elf; echo $?
// Programs above ~16 M instructions need more than kiln's default 64 MiB
// of guest memory: kiln run --max-memory 256.
//
// Layout: one PT_LOAD segment (R+X) at 0x10000 holding the ELF header, one
// program header and the code; the entry point is the first instruction.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BASE = 0x10000, HEADERS = 52 + 32 };

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

// I-type: imm[11:0] | rs1 | funct3 | rd | opcode
static uint32_t itype(uint32_t op, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) {
  return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
// R-type: funct7 | rs2 | rs1 | funct3 | rd | opcode
static uint32_t rtype(uint32_t f7, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x33;
}
#define ADDI(rd, rs, i) itype(0x13, 0, rd, rs, i)
#define XORI(rd, rs, i) itype(0x13, 4, rd, rs, i)
#define ANDI(rd, rs, i) itype(0x13, 7, rd, rs, i)
#define SLLI(rd, rs, s) itype(0x13, 1, rd, rs, s)
#define SRLI(rd, rs, s) itype(0x13, 5, rd, rs, s)
#define ADD(rd, a, b) rtype(0x00, 0, rd, a, b)
#define SUB(rd, a, b) rtype(0x20, 0, rd, a, b)
#define XOR(rd, a, b) rtype(0x00, 4, rd, a, b)
#define OR(rd, a, b) rtype(0x00, 6, rd, a, b)
#define MUL(rd, a, b) rtype(0x01, 0, rd, a, b)

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
  if (n < 16 || n > 100000000) {
    fprintf(stderr, "usage: straightline INSTRUCTIONS (16...100000000) > out.elf\n");
    return 2;
  }
  // t0..t2 = x5..x7, t3..t6 = x28..x31, a0 = x10, a7 = x17.
  const uint32_t body[] = {
      ADDI(5, 5, 1),  ADD(6, 6, 5),  XOR(7, 7, 6),  SLLI(28, 7, 1),
      OR(29, 29, 28), SUB(30, 30, 29), SRLI(31, 30, 3), ADD(5, 5, 31),
      XORI(6, 6, 0x5a5), MUL(7, 7, 5), ADDI(28, 28, -7), ADD(29, 29, 7),
  };
  const uint32_t tail[] = {
      XOR(10, 5, 6), XOR(10, 10, 7), XOR(10, 10, 28), XOR(10, 10, 29),
      XOR(10, 10, 30), XOR(10, 10, 31), ANDI(10, 10, 255),
      ADDI(17, 0, 93), 0x00000073 /* ecall: exit(a0) */,
  };
  const long tailCount = sizeof tail / sizeof tail[0];
  const long bodyCount = sizeof body / sizeof body[0];
  size_t size = HEADERS + (size_t)n * 4;
  uint8_t *image = calloc(size, 1);
  if (!image) { perror("calloc"); return 1; }

  // ELF header (ELF32, little endian, ET_EXEC, EM_RISCV, e_flags 0: no RVC, soft float).
  memcpy(image, "\177ELF\1\1\1", 7);
  put16(image + 16, 2);              // e_type ET_EXEC
  put16(image + 18, 243);            // e_machine EM_RISCV
  put32(image + 20, 1);              // e_version
  put32(image + 24, BASE + HEADERS); // e_entry
  put32(image + 28, 52);             // e_phoff
  put16(image + 40, 52);             // e_ehsize
  put16(image + 42, 32);             // e_phentsize
  put16(image + 44, 1);              // e_phnum
  put16(image + 46, 40);             // e_shentsize
  // Program header: PT_LOAD, the whole file at BASE, R+X.
  uint8_t *ph = image + 52;
  put32(ph + 0, 1);
  put32(ph + 4, 0);
  put32(ph + 8, BASE);
  put32(ph + 12, BASE);
  put32(ph + 16, (uint32_t)size);
  put32(ph + 20, (uint32_t)size);
  put32(ph + 24, 5);
  put32(ph + 28, 0x1000);

  uint8_t *code = image + HEADERS;
  for (long i = 0; i < n - tailCount; i++) put32(code + 4 * i, body[i % bodyCount]);
  for (long i = 0; i < tailCount; i++) put32(code + 4 * (n - tailCount + i), tail[i]);
  if (fwrite(image, 1, size, stdout) != size) { perror("write"); return 1; }
  free(image);
  return 0;
}
