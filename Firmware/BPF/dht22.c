// A DHT22 (AM2302) frame decoder. The sensor sends 40 bits, most significant
// first, each as a low pulse of ~50 us followed by a high pulse whose length
// is the bit: ~26-28 us for 0, ~70 us for 1. The helper returns the length
// of high pulse `index` in microseconds. Bytes: humidity x10 (2 bytes),
// temperature x10 (2 bytes, bit 15 = sign, magnitude in the rest),
// checksum = low byte of the sum of the first four.
#include "programs.h"

long long dht22_decode(void) {
  unsigned char bytes[5] = {0, 0, 0, 0, 0};
  for (unsigned long i = 0; i < DHT22_BITS; i++) {
    unsigned long us = dht_read_pulse(i);
    if (us < DHT22_MIN_US || us > DHT22_MAX_US) return DHT22_BAD_PULSE;
    bytes[i / 8] = (unsigned char)(bytes[i / 8] << 1 | (us > DHT22_THRESHOLD_US));
  }
  unsigned char sum = (unsigned char)(bytes[0] + bytes[1] + bytes[2] + bytes[3]);
  if (sum != bytes[4]) return DHT22_BAD_CHECKSUM;
  unsigned int humidity = (unsigned int)bytes[0] << 8 | bytes[1];
  int temperature = (int)((bytes[2] & 0x7F) << 8 | bytes[3]);
  if (bytes[2] & 0x80) temperature = -temperature;
  return (long long)((unsigned int)(unsigned short)temperature << 16 | humidity);
}
