// Start-up for the mps2-an386 image: vector table, reset handler (.data
// copy, .bss zeroing, static constructors), fault handlers, and the
// semihosting calls the firmware prints and exits with.
//
// Semihosting (Arm "Semihosting for AArch32 and AArch64", v2): on M-profile
// the call is `bkpt 0xab` with the operation in r0 and its argument in r1;
// QEMU serves it with `-semihosting-config enable=on,target=native`.
#include "firmware.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
typedef void (*kiln_constructor)(void);
extern kiln_constructor __init_array_start[], __init_array_end[];

int kiln_main(void);  // Swift: Sources/Main.swift

enum {
  SYS_WRITEC = 0x03,
  SYS_WRITE0 = 0x04,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_Stopped_ApplicationExit = 0x20026,
};

static uint32_t semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void kiln_write(const char *text) { semihost(SYS_WRITE0, text); }

__attribute__((noreturn)) void kiln_exit(int status) {
  // SYS_EXIT_EXTENDED passes the status (QEMU exits with it); plain
  // SYS_EXIT on AArch32 can only say "success" or not, used as a fallback.
  uint32_t block[2] = {ADP_Stopped_ApplicationExit, (uint32_t)status};
  semihost(SYS_EXIT_EXTENDED, block);
  semihost(SYS_EXIT, (const void *)(status == 0 ? ADP_Stopped_ApplicationExit : 0));
  for (;;) __asm__ volatile("wfi");
}

void kiln_init(void) {
  // Swift compiles for the Cortex-M4F (FPv4-SP, soft-float calling
  // convention), so its code may use FPU instructions: grant full access to
  // coprocessors 10 and 11 (CPACR, ARMv7-M B3.2.20) before any of it runs.
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm__ volatile("dsb\n isb" ::: "memory");

  uint32_t *src = __data_load;
  for (uint32_t *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t *dst = __bss_start; dst < __bss_end;) *dst++ = 0;
  for (kiln_constructor *f = __init_array_start; f < __init_array_end; f++) (*f)();
}

__attribute__((noreturn)) void Reset_Handler(void) {
  kiln_init();
  kiln_paint_stack();
  kiln_exit(kiln_main());
}

// Any fault ends the run with status 3 and a line saying which, with the
// faulting PC (from the exception frame) and the fault status registers.
static void put_hex(const char *label, uint32_t v) {
  char text[20] = " ";
  size_t n = 1;
  while (*label) text[n++] = *label++;
  text[n++] = '=';
  for (int shift = 28; shift >= 0; shift -= 4) text[n++] = "0123456789abcdef"[(v >> shift) & 15];
  text[n] = 0;
  kiln_write(text);
}

__attribute__((used, noreturn)) void kiln_fault(const char *name, const uint32_t *frame) {
  kiln_flush();
  kiln_write("FAULT: ");
  kiln_write(name);
  if (frame) {
    put_hex("pc", frame[6]);
    put_hex("lr", frame[5]);
  }
  put_hex("cfsr", *(volatile uint32_t *)0xE000ED28);
  put_hex("hfsr", *(volatile uint32_t *)0xE000ED2C);
  put_hex("bfar", *(volatile uint32_t *)0xE000ED38);
  kiln_write("\n");
  kiln_exit(3);
}

// Handlers start in assembly to hand the exception frame (on MSP: the
// firmware never switches to PSP) to `kiln_fault`.
#define FAULT_HANDLER(handler, text)                     \
  const char handler##_name[] = text;                    \
  __attribute__((naked)) void handler(void) {            \
    __asm__ volatile("mrs r1, msp\n"                     \
                     "movw r0, :lower16:" #handler "_name\n" \
                     "movt r0, :upper16:" #handler "_name\n" \
                     "b kiln_fault\n");                  \
  }
FAULT_HANDLER(NMI_Handler, "NMI")
FAULT_HANDLER(HardFault_Handler, "HardFault")
FAULT_HANDLER(MemManage_Handler, "MemManage")
FAULT_HANDLER(BusFault_Handler, "BusFault")
FAULT_HANDLER(UsageFault_Handler, "UsageFault")
FAULT_HANDLER(Default_Handler, "unexpected exception")

// The Cortex-M vector table: initial MSP, then the exception handlers
// (Thumb addresses; the linker sets bit 0). No device interrupts are enabled.
__attribute__((section(".vectors"), used)) const void *const kiln_vectors[16] = {
    __stack_top,        Reset_Handler,    NMI_Handler,        HardFault_Handler,
    MemManage_Handler,  BusFault_Handler, UsageFault_Handler, 0,
    0,                  0,                0,                  Default_Handler,  // SVCall
    Default_Handler,    0,                Default_Handler,    Default_Handler,  // DebugMon, PendSV, SysTick
};
