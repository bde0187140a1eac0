#include "workloads.h"
/* A packet-filter loop: the buffer holds 64-byte Ethernet/IPv4/TCP-or-UDP
 * frames (filled here from a seed, so runs are identical); each frame's
 * headers are parsed with bounds tests and big-endian loads, and counted
 * against a small rule set. */
static inline u16 be16(const u8 *q) { return (u16)(q[0] << 8 | q[1]); }
static inline u32 be32(const u8 *q) { return (u32)q[0] << 24 | (u32)q[1] << 16 | (u32)q[2] << 8 | q[3]; }

u64 entry(u8 *p, u64 n) {
  u64 frames = n / 64;
  u32 x = 7;
  for (u64 i = 0; i < n; i++) {
    x = x * 1664525u + 1013904223u;
    p[i] = (u8)(x >> 24);
  }
  for (u64 f = 0; f < frames; f++) {  /* make most frames IPv4 */
    u8 *e = p + f * 64;
    if (e[20] & 3) { e[12] = 0x08; e[13] = 0x00; e[14] = 0x45; }
  }
  u64 accepted = 0, bytes = 0;
  for (u64 f = 0; f < frames; f++) {
    const u8 *e = p + f * 64;
    if (be16(e + 12) != 0x0800) continue;
    const u8 *ip = e + 14;
    if ((ip[0] >> 4) != 4) continue;
    u32 ihl = (ip[0] & 15) * 4;
    if (ihl < 20 || 14 + ihl + 4 > 64) continue;
    u8 proto = ip[9];
    u32 src = be32(ip + 12);
    const u8 *l4 = ip + ihl;
    u16 dport = be16(l4 + 2);
    if ((proto == 6 && (dport == 80 || dport == 443 || (dport & 0xFF00) == 0x1F00)) ||
        (proto == 17 && dport < 0x4000) || (src & 0xFF000000) == 0x0A000000) {
      accepted++;
      bytes += be16(ip + 2);
    }
  }
  return accepted << 32 | (bytes & 0xFFFFFFFF);
}
