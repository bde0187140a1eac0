// Unicorn, loaded when first used rather than linked.
//
// libunicorn.so.2 is a 19 MB library: linked into kiln, its loading and
// relocation cost every kiln process about 18.6 million instructions
// (callgrind, ~5 ms) before main, although only emulated runs (--host of
// another architecture, --emulate, the tests' Unicorn rows) need it. So
// Kiln does not link it: the Unicorn functions the Emulation module calls
// are defined here with Unicorn's own names and signatures, and forward to
// the library, opened with dlopen on the first call. Without the library,
// uc_open fails with UC_ERR_HANDLE and `kiln_uc_load_error` says why.
#include "CUnicornShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
  void *library;
  char error[256];
  uc_err (*open)(uc_arch, uc_mode, uc_engine **);
  uc_err (*close)(uc_engine *);
  uc_err (*ctl)(uc_engine *, uc_control_type, ...);
  const char *(*strerror)(uc_err);
  uc_err (*reg_write)(uc_engine *, int, const void *);
  uc_err (*reg_read)(uc_engine *, int, void *);
  uc_err (*mem_read)(uc_engine *, uint64_t, void *, size_t);
  uc_err (*emu_start)(uc_engine *, uint64_t, uint64_t, uint64_t, size_t);
  uc_err (*emu_stop)(uc_engine *);
  uc_err (*hook_add)(uc_engine *, uc_hook *, int, void *, void *, uint64_t, uint64_t, ...);
  uc_err (*hook_del)(uc_engine *, uc_hook);
  uc_err (*mem_map_ptr)(uc_engine *, uint64_t, size_t, uint32_t, void *);
  uc_err (*mem_unmap)(uc_engine *, uint64_t, size_t);
  uc_err (*mem_protect)(uc_engine *, uint64_t, size_t, uint32_t);
} unicorn;

static pthread_once_t loaded = PTHREAD_ONCE_INIT;

#define RESOLVE(field, name)                                  \
  if (!(*(void **)&unicorn.field = dlsym(unicorn.library, name))) { \
    snprintf(unicorn.error, sizeof unicorn.error, "%s has no %s", opened, name); \
    unicorn.library = NULL;                                   \
    return;                                                   \
  }

static void load(void) {
  static const char *const names[] = {"libunicorn.so.2", "libunicorn.so", "libunicorn.2.dylib",
                                      "libunicorn.dylib"};
  const char *opened = NULL;
  for (size_t i = 0; i < sizeof names / sizeof names[0] && !unicorn.library; i++) {
    unicorn.library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    opened = names[i];
  }
  if (!unicorn.library) {
    const char *why = dlerror();
    snprintf(unicorn.error, sizeof unicorn.error, "cannot load Unicorn (%s)",
             why ? why : "libunicorn.so.2 not found");
    return;
  }
  RESOLVE(open, "uc_open")
  RESOLVE(close, "uc_close")
  RESOLVE(ctl, "uc_ctl")
  RESOLVE(strerror, "uc_strerror")
  RESOLVE(reg_write, "uc_reg_write")
  RESOLVE(reg_read, "uc_reg_read")
  RESOLVE(mem_read, "uc_mem_read")
  RESOLVE(emu_start, "uc_emu_start")
  RESOLVE(emu_stop, "uc_emu_stop")
  RESOLVE(hook_add, "uc_hook_add")
  RESOLVE(hook_del, "uc_hook_del")
  RESOLVE(mem_map_ptr, "uc_mem_map_ptr")
  RESOLVE(mem_unmap, "uc_mem_unmap")
  RESOLVE(mem_protect, "uc_mem_protect")
}

int kiln_uc_available(void) {
  pthread_once(&loaded, load);
  return unicorn.library != NULL;
}

const char *kiln_uc_load_error(void) {
  pthread_once(&loaded, load);
  return unicorn.library ? "" : unicorn.error;
}

// Every other entry point needs an engine, which only uc_open (after a
// successful load) hands out, so they need not check the load again.

uc_err uc_open(uc_arch arch, uc_mode mode, uc_engine **uc) {
  if (!kiln_uc_available()) return UC_ERR_HANDLE;
  return unicorn.open(arch, mode, uc);
}

uc_err uc_close(uc_engine *uc) { return unicorn.close(uc); }

const char *uc_strerror(uc_err code) {
  if (!kiln_uc_available()) return kiln_uc_load_error();
  return unicorn.strerror(code);
}

uc_err uc_reg_write(uc_engine *uc, int regid, const void *value) {
  return unicorn.reg_write(uc, regid, value);
}

uc_err uc_reg_read(uc_engine *uc, int regid, void *value) {
  return unicorn.reg_read(uc, regid, value);
}

uc_err uc_mem_read(uc_engine *uc, uint64_t address, void *bytes, size_t size) {
  return unicorn.mem_read(uc, address, bytes, size);
}

uc_err uc_emu_start(uc_engine *uc, uint64_t begin, uint64_t until, uint64_t timeout,
                    size_t count) {
  return unicorn.emu_start(uc, begin, until, timeout, count);
}

uc_err uc_emu_stop(uc_engine *uc) { return unicorn.emu_stop(uc); }

uc_err uc_hook_del(uc_engine *uc, uc_hook hh) { return unicorn.hook_del(uc, hh); }

uc_err uc_mem_map_ptr(uc_engine *uc, uint64_t address, size_t size, uint32_t perms, void *ptr) {
  return unicorn.mem_map_ptr(uc, address, size, perms, ptr);
}

uc_err uc_mem_unmap(uc_engine *uc, uint64_t address, size_t size) {
  return unicorn.mem_unmap(uc, address, size);
}

uc_err uc_mem_protect(uc_engine *uc, uint64_t address, size_t size, uint32_t perms) {
  return unicorn.mem_protect(uc, address, size, perms);
}

// The variadic two, for shim.c (which cannot forward `...`): the resolved
// pointers themselves.
kiln_uc_ctl_function kiln_uc_ctl(void) { return unicorn.ctl; }
kiln_uc_hook_add_function kiln_uc_hook_add(void) { return unicorn.hook_add; }
