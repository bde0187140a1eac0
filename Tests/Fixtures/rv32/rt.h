/* A tiny libc-ish runtime for static RV32 Linux test programs (-nostdlib).
 *
 * Syscalls use the Linux rv32 numbers; errors come back as -errno (no errno
 * variable). Output through rt_printf/rt_puts is buffered and flushed at
 * exit, when the buffer fills, and before reading stdin. */
#ifndef KILN_RT_H
#define KILN_RT_H

typedef unsigned int size_t;
typedef int ssize_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned long uintptr_t;
#define NULL ((void *)0)
#define INT_MIN (-2147483647 - 1)
#define INT_MAX 2147483647

/* Linux rv32 syscall numbers */
#define SYS_ioctl 29
#define SYS_openat 56
#define SYS_close 57
#define SYS_llseek 62
#define SYS_read 63
#define SYS_write 64
#define SYS_writev 66
#define SYS_fstat 80
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_set_tid_address 96
#define SYS_uname 160
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_mmap2 222
#define SYS_getrandom 278
#define SYS_clock_gettime64 403

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 1
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

long rt_syscall6(long n, long a, long b, long c, long d, long e, long f);
#define rt_syscall0(n) rt_syscall6(n, 0, 0, 0, 0, 0, 0)
#define rt_syscall1(n, a) rt_syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define rt_syscall2(n, a, b) rt_syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define rt_syscall3(n, a, b, c) rt_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

ssize_t rt_read(int fd, void *buf, size_t n);
ssize_t rt_write(int fd, const void *buf, size_t n);
int rt_openat(int dirfd, const char *path, int flags);
int rt_close(int fd);
void *rt_mmap(void *addr, size_t len, int prot, int flags);
int rt_munmap(void *addr, size_t len);
void *rt_sbrk(int increment);
__attribute__((noreturn)) void rt_exit(int status);

/* memory and strings (also what clang emits calls to) */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* heap over brk: first-fit free list */
void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

/* output */
int rt_printf(const char *fmt, ...);
int rt_puts(const char *s);
void rt_putchar(int c);
void rt_flush(void);

/* sorting */
void rt_qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *));

/* process */
extern char **rt_environ;
extern uint32_t *rt_auxv;
uint32_t rt_getauxval(uint32_t type);

#endif
