// The firmware's simulated DHT22 sensor (the pulse trains of the generated
// program data) and the entry points of the native C builds of the programs
// (the benchmark's baseline; the firmware also checks their results).
#include "firmware.h"
#include "../BPF/programs.h"

static uint32_t selected_frame;

void kiln_dht22_select(uint32_t frame) { selected_frame = frame; }

unsigned long dht_read_pulse(unsigned long index) {
  if (selected_frame >= kiln_dht22_frame_count || index >= DHT22_BITS) return ~0ul;
  return kiln_dht22_pulses[selected_frame][index];
}

uint32_t kiln_helper_read_pulse(uint64_t index) {
  return index < DHT22_BITS ? (uint32_t)dht_read_pulse((unsigned long)index) : 0xFFFFFFFFu;
}

uint32_t kiln_native_fletcher16(void) {
  return (uint32_t)fletcher16(kiln_fletcher16_input, kiln_fletcher16_input_size);
}

int64_t kiln_native_dht22(uint32_t frame) {
  kiln_dht22_select(frame);
  return dht22_decode();
}

const struct kiln_conformance_case *kiln_conformance_at(uint32_t index) {
  return index < kiln_conformance_count ? &kiln_conformance_cases[index] : 0;
}
struct kiln_bytes kiln_fletcher16_program(void) {
  return (struct kiln_bytes){kiln_fletcher16_bpf, kiln_fletcher16_bpf_size};
}
struct kiln_bytes kiln_dht22_program(void) {
  return (struct kiln_bytes){kiln_dht22_bpf, kiln_dht22_bpf_size};
}
struct kiln_bytes kiln_fletcher16_data(void) {
  return (struct kiln_bytes){kiln_fletcher16_input, kiln_fletcher16_input_size};
}
int64_t kiln_dht22_expected_at(uint32_t frame) {
  return frame < kiln_dht22_frame_count ? kiln_dht22_expected[frame] : 0;
}
const char *kiln_dht22_name(uint32_t frame) {
  return frame < kiln_dht22_frame_count ? kiln_dht22_names[frame] : "";
}
