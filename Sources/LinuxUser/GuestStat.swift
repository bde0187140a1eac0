/// `struct stat64` of the 32-bit asm-generic ABI, which is what syscall 80
/// (`fstat`, i.e. `fstat64` on 32-bit) fills on rv32 — 104 bytes. This is
/// the layout qemu-riscv32 writes (checked by filling a buffer with 0xAA and
/// dumping it after the call):
///
/// ```
///  off size field          off size field
///    0  8   st_dev          56  4   st_blksize
///    8  8   st_ino          60  4   __pad2
///   16  4   st_mode         64  8   st_blocks
///   20  4   st_nlink        72  4   st_atime      76 4 st_atime_nsec
///   24  4   st_uid          80  4   st_mtime      84 4 st_mtime_nsec
///   28  4   st_gid          88  4   st_ctime      92 4 st_ctime_nsec
///   32  8   st_rdev         96  4   __unused4
///   40  8   __pad1         100  4   __unused5
///   48  8   st_size
/// ```
struct GuestStat: Equatable {
  var device: UInt64
  var inode: UInt64
  var mode: UInt32
  var links: UInt32
  var uid: UInt32
  var gid: UInt32
  var rdev: UInt64
  var size: Int64
  var blockSize: Int32
  var blocks: Int64
  var accessed: (seconds: Int64, nanoseconds: UInt32)
  var modified: (seconds: Int64, nanoseconds: UInt32)
  var changed: (seconds: Int64, nanoseconds: UInt32)

  static let size = 104

  static func == (a: GuestStat, b: GuestStat) -> Bool { a.bytes == b.bytes }

  var bytes: [UInt8] {
    var b: [UInt8] = []
    b.reserveCapacity(Self.size)
    b.appendLE(device)
    b.appendLE(inode)
    b.appendLE(mode)
    b.appendLE(links)
    b.appendLE(uid)
    b.appendLE(gid)
    b.appendLE(rdev)
    b.appendLE(UInt64(0))  // __pad1
    b.appendLE(UInt64(bitPattern: size))
    b.appendLE(UInt32(bitPattern: blockSize))
    b.appendLE(UInt32(0))  // __pad2
    b.appendLE(UInt64(bitPattern: blocks))
    for (seconds, nanoseconds) in [accessed, modified, changed] {
      b.appendLE(UInt32(truncatingIfNeeded: seconds))
      b.appendLE(nanoseconds)
    }
    b.appendLE(UInt32(0))  // __unused4
    b.appendLE(UInt32(0))  // __unused5
    return b
  }
}
