// The C side of the firmware, as Swift sees it (the bridging header of the
// firmware module) and as the C files share it.
#ifndef KILN_FIRMWARE_H
#define KILN_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

// ---- startup.c / libc.c ----
/// Writes a NUL-terminated string over semihosting (unbuffered).
void kiln_write(const char *text);
/// Writes out the line buffer of putchar.
void kiln_flush(void);
/// Ends the run: QEMU exits with `status` (SYS_EXIT_EXTENDED).
__attribute__((noreturn)) void kiln_exit(int status);
/// Enables the FPU, copies .data, zeroes .bss, runs static constructors (the
/// reset handler's first step; the benchmark calls it in Unicorn).
void kiln_init(void);
void kiln_paint_stack(void);
size_t kiln_stack_peak(void);
size_t kiln_heap_in_use(void);
size_t kiln_heap_peak(void);


// ---- Generated data (build dir: conformance_data.c, program_data.c) ----
/// One bpf_conformance file, encoded on the host (Host/conformance.swift).
struct kiln_conformance_case {
  const char *name;
  const uint8_t *code;
  uint32_t code_size;
  const uint8_t *memory;  ///< the `-- mem` bytes (copied to RAM before a run)
  uint32_t memory_size;
  uint32_t has_memory;    ///< 0: the program runs with r1 = r2 = 0
  uint64_t result;        ///< expected r0 (when `error` is null)
  const char *error;      ///< the expected error text, or null
};
extern const struct kiln_conformance_case kiln_conformance_cases[];
extern const uint32_t kiln_conformance_count;
extern const uint32_t kiln_conformance_skipped;

// The eBPF programs of BPF/ (clang -target bpf -O2), their inputs and the
// results the host computed (Host/reference.c).
extern const uint8_t kiln_fletcher16_bpf[];
extern const uint32_t kiln_fletcher16_bpf_size;
extern const uint8_t kiln_dht22_bpf[];
extern const uint32_t kiln_dht22_bpf_size;
extern const uint8_t kiln_fletcher16_input[];
extern const uint32_t kiln_fletcher16_input_size;
extern const uint32_t kiln_fletcher16_expected;
extern const uint32_t kiln_dht22_frame_count;
extern const uint8_t kiln_dht22_pulses[][40];
extern const int64_t kiln_dht22_expected[];
extern const char *const kiln_dht22_names[];

// ---- board.c: the simulated sensor and the native builds of the programs ----
/// Selects the pulse train that dht_read_pulse reads.
void kiln_dht22_select(uint32_t frame);
/// The eBPF helper KILN_HELPER_READ_PULSE (and the native decoder's input):
/// the length in microseconds of high pulse `index` of the selected frame,
/// or ~0 past the end.
unsigned long dht_read_pulse(unsigned long index);
/// The same reader as eBPF helper `(r1) -> r0` of one argument (AAPCS: r1
/// in r0:r1) and a 32-bit result (in r0; eBPF r0 is its zero extension):
/// `dht_read_pulse(r1)`, 0xFFFFFFFF for an index past the last bit. The
/// Thumb-2 JIT calls it directly (no Swift closure or thunk in between);
/// the interpreter's helper table has the same code as a Swift closure.
uint32_t kiln_helper_read_pulse(uint64_t index);
/// Accessors for Swift (which does not import C arrays of unknown size).
struct kiln_bytes {
  const uint8_t *bytes;
  uint32_t size;
};
const struct kiln_conformance_case *kiln_conformance_at(uint32_t index);
struct kiln_bytes kiln_fletcher16_program(void);
struct kiln_bytes kiln_dht22_program(void);
struct kiln_bytes kiln_fletcher16_data(void);
int64_t kiln_dht22_expected_at(uint32_t frame);
const char *kiln_dht22_name(uint32_t frame);
/// The native C programs (BPF/*.c built for the Cortex-M4) on the fixed inputs.
uint32_t kiln_native_fletcher16(void);
int64_t kiln_native_dht22(uint32_t frame);

// ---- jit.c: the Thumb-2 JIT's code memory -----------------------------------
/// Bytes of the static code buffer.
#define KILN_CODE_CAPACITY 32768u
/// The code buffer (KILN_CODE_CAPACITY bytes, 8-byte aligned, in SRAM).
uint8_t *kiln_code_memory(void);
/// DSB + ISB after writing code.
void kiln_code_sync(void);

#endif
