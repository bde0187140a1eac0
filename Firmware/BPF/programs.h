// Shared by the eBPF programs (clang -target bpf), their native Cortex-M4
// builds (the benchmark's "native C" column) and the host reference
// (Host/reference.c): one source, three compilers.
#ifndef KILN_FIRMWARE_PROGRAMS_H
#define KILN_FIRMWARE_PROGRAMS_H

// eBPF helper ids the firmware registers.
#define KILN_HELPER_READ_PULSE 1

// DHT22 pulse classification: a high pulse of 26-28 us is a 0 bit, about
// 70 us a 1 bit; anything outside [MIN, MAX] is a glitch.
#define DHT22_MIN_US 15
#define DHT22_THRESHOLD_US 48
#define DHT22_MAX_US 100
#define DHT22_BITS 40

// Results of dht22_decode: on success, humidity x10 in bits 0-15 and the
// temperature x10 as a 16-bit two's-complement value in bits 16-31 (so a
// success is in [0, 2^32)); the errors are negative.
#define DHT22_BAD_CHECKSUM (-1LL)
#define DHT22_BAD_PULSE (-2LL)

#ifdef __bpf__
// eBPF: a helper is a call to a constant id (`call 1`), no relocation.
static unsigned long (*const dht_read_pulse)(unsigned long index) = (void *)KILN_HELPER_READ_PULSE;
#else
// Native: the same helper as a C function (firmware: Runtime/board.c; host: Host/reference.c).
unsigned long dht_read_pulse(unsigned long index);
#endif

unsigned long fletcher16(const unsigned char *data, unsigned long length);
long long dht22_decode(void);

#endif
