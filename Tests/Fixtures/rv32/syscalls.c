/* Results of a few Linux syscalls, printed in a form that is the same on
 * any correct implementation (no addresses, times or pids). */
#include "rt.h"

struct utsname_ {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
struct timespec64 {
  int64_t sec, nsec;
};
struct iovec_ {
  const void *base;
  size_t len;
};

int main(int argc, char **argv) {
  (void)argc;
  struct utsname_ u;
  long r = rt_syscall1(SYS_uname, &u);
  rt_printf("uname: %ld %s %s\n", r, u.sysname, u.machine);

  uint8_t random[64];
  rt_printf("getrandom 16: %ld\n", rt_syscall3(SYS_getrandom, random, 16, 0));
  rt_printf("getrandom 0: %ld\n", rt_syscall3(SYS_getrandom, random, 0, 0));
  rt_printf("getrandom bad flags: %ld\n", rt_syscall3(SYS_getrandom, random, 16, 0x100));

  struct timespec64 t1, t2;
  r = rt_syscall2(SYS_clock_gettime64, 0, &t1);
  rt_printf("clock realtime: %ld after 2020: %d nsec ok: %d\n", r, (int)(t1.sec > 1577836800),
            (int)(t1.nsec >= 0 && t1.nsec < 1000000000));
  rt_syscall2(SYS_clock_gettime64, 1, &t1);
  rt_syscall2(SYS_clock_gettime64, 1, &t2);
  rt_printf("clock monotonic: nonzero %d ordered %d\n", (int)(t1.sec || t1.nsec),
            (int)(t2.sec > t1.sec || (t2.sec == t1.sec && t2.nsec >= t1.nsec)));
  rt_printf("clock bad id: %ld\n", rt_syscall2(SYS_clock_gettime64, 99, &t1));

  uint32_t st[26];
  r = rt_syscall2(SYS_fstat, 1, st);
  uint32_t type = st[4] & 0170000;
  rt_printf("fstat stdout: %ld type %s blksize>0 %d\n", r,
            type == 0010000 ? "fifo" : type == 0100000 ? "file" : type == 0020000 ? "chr" : "other",
            (int)(st[14] > 0));
  rt_printf("fstat bad fd: %ld\n", rt_syscall2(SYS_fstat, 99, st));

  /* open our own executable read-only */
  int fd = rt_openat(AT_FDCWD, argv[0], O_RDONLY);
  rt_printf("openat self: %d\n", (int)(fd >= 3));
  char head[4] = {0};
  rt_printf("read: %d %c%c%c\n", (int)rt_read(fd, head, 4), head[1], head[2], head[3]);
  int64_t pos = -1;
  r = rt_syscall6(SYS_llseek, fd, 0, 0, (long)&pos, SEEK_END, 0);
  r |= rt_syscall2(SYS_fstat, fd, st);
  rt_printf("llseek end: %ld size matches fstat: %d\n", r, (int)(pos == (int64_t)st[12]));
  r = rt_syscall6(SYS_llseek, fd, 0, 1, (long)&pos, SEEK_SET, 0);
  rt_printf("llseek set: %ld pos %lld read %d %c%c%c\n", r, pos, (int)rt_read(fd, head, 3), head[0], head[1], head[2]);
  rt_printf("llseek bad whence: %ld\n", rt_syscall6(SYS_llseek, fd, 0, 0, (long)&pos, 9, 0));
  rt_printf("close: %d again: %d\n", rt_close(fd), rt_close(fd));
  rt_printf("read closed: %d\n", (int)rt_read(fd, head, 1));
  rt_printf("openat missing: %d\n", rt_openat(AT_FDCWD, "/nonexistent/kiln-test", O_RDONLY));
  rt_printf("llseek pipe: %ld\n", rt_syscall6(SYS_llseek, 1, 0, 0, (long)&pos, SEEK_CUR, 0));

  uint8_t termios[64];
  rt_printf("ioctl TCGETS on pipe: %ld\n", rt_syscall3(SYS_ioctl, 1, 0x5401, termios));
  rt_printf("unknown syscall: %ld\n", rt_syscall0(500));
  rt_printf("set_tid_address positive: %d\n", (int)(rt_syscall1(SYS_set_tid_address, 0) > 0));
  rt_printf("write bad fd: %d\n", (int)rt_write(-1, "x", 1));

  rt_flush();
  struct iovec_ iov[3] = {{"wri", 3}, {"tev ", 4}, {"works\n", 6}};
  long n = rt_syscall3(SYS_writev, 1, iov, 3);
  rt_printf("writev returned %ld\n", n);
  return 7;
}
