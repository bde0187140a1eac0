// The Thumb-2 JIT's code memory: a static buffer in SRAM (no mmap on the
// MCU; the Cortex-M4 executes from SRAM at 0x2000_0000), and the barrier
// that makes freshly written code executable.
#include "firmware.h"

__attribute__((aligned(8))) uint8_t kiln_code_buffer[KILN_CODE_CAPACITY];

uint8_t *kiln_code_memory(void) { return kiln_code_buffer; }

void kiln_code_sync(void) {
  // DSB: the stores of the code are complete; ISB: the pipeline refetches.
  // The M4 has no caches to clean or invalidate.
  __asm__ volatile("dsb\n\tisb" ::: "memory");
}
