/* argv and the auxiliary vector as the kernel lays them out. */
#include "rt.h"

extern void _start(void);

int main(int argc, char **argv, char **envp) {
  rt_printf("argc = %d\n", argc);
  for (int i = 0; i < argc; i++) rt_printf("argv[%d] = \"%s\" (%u bytes)\n", i, argv[i], (unsigned)strlen(argv[i]));
  rt_printf("argv[argc] is NULL: %d\n", (int)(argv[argc] == NULL));
  rt_printf("envp follows argv: %d\n", (int)(envp == argv + argc + 1));
  rt_printf("sp-aligned argv: %d\n", (int)(((uintptr_t)(argv - 1)) % 16 == 0));
  rt_printf("AT_PAGESZ = %u\n", rt_getauxval(6));
  rt_printf("AT_PHENT = %u\n", rt_getauxval(4));
  rt_printf("AT_ENTRY is _start: %d\n", (int)(rt_getauxval(9) == (uint32_t)(uintptr_t)_start));
  const uint32_t *phdr = (const uint32_t *)(uintptr_t)rt_getauxval(3);
  uint32_t phnum = rt_getauxval(5);
  int loads = 0;
  for (uint32_t i = 0; phdr && i < phnum; i++) loads += phdr[i * 8] == 1;
  rt_printf("AT_PHDR has %d PT_LOAD of %u\n", loads, phnum);
  const uint8_t *random = (const uint8_t *)(uintptr_t)rt_getauxval(25);
  rt_printf("AT_RANDOM present: %d\n", (int)(random != NULL));
  int sum = 0;
  for (int i = 0; i < argc; i++) sum += (int)strlen(argv[i]);
  return argc + sum;
}
