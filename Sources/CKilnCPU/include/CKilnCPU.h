// Run-time detection of the CPU features generated AArch64 code may use.
#ifndef CKILNCPU_H
#define CKILNCPU_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 if this machine is an AArch64 CPU with FEAT_LSE (the ARMv8.1 atomics:
/// ldadd, ldset, ldclr, ldeor, swp, cas), else 0: on Linux
/// getauxval(AT_HWCAP) & HWCAP_ATOMICS, on Apple platforms
/// sysctlbyname("hw.optional.arm.FEAT_LSE"); 0 on every other host.
int kiln_cpu_has_lse(void);

#ifdef __cplusplus
}
#endif

#endif
