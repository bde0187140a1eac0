/// Why an ELF file cannot be run. Each case has one readable line as its
/// description (the CLI prints it after `kiln: `).
public enum ELFError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file ends before a structure that it declares.
  case truncated(what: String, needed: UInt64, fileSize: Int)
  /// The first four bytes are not `\x7fELF`.
  case badMagic
  /// `EI_CLASS` is not ELFCLASS32.
  case wrongClass(UInt8)
  /// `EI_DATA` is not little-endian.
  case wrongEndianness(UInt8)
  /// `EI_VERSION` or `e_version` is not EV_CURRENT.
  case wrongVersion(UInt32)
  /// `e_machine` is not EM_RISCV (243).
  case wrongMachine(UInt16)
  /// `e_type` is not ET_EXEC.
  case wrongType(UInt16)
  /// `e_phentsize` is not the 32 bytes of an ELF32 program header.
  case badProgramHeaderSize(UInt16)
  /// The program header table does not fit in the file.
  case programHeadersOutOfRange(offset: UInt32, count: UInt16)
  /// A PT_LOAD segment has `p_filesz > p_memsz`.
  case fileSizeExceedsMemorySize(segment: Int, fileSize: UInt32, memorySize: UInt32)
  /// A PT_LOAD segment's file bytes lie (partly) outside the file.
  case segmentOutOfFile(segment: Int, offset: UInt32, size: UInt32, fileSize: Int)
  /// A PT_LOAD segment runs past the end of the 32-bit address space.
  case segmentWrapsAddressSpace(segment: Int, address: UInt32, size: UInt32)
  /// A PT_LOAD segment reaches into the region kept for the stack and mmap.
  case segmentInReservedRegion(segment: Int, address: UInt32, size: UInt32, limit: UInt32)
  /// Two PT_LOAD segments cover the same guest bytes.
  case overlappingSegments(first: Int, second: Int)
  /// The segments need more guest memory than the VM has.
  case tooLarge(bytes: UInt64, limit: UInt64)
  /// There is no PT_LOAD segment to run.
  case noLoadableSegments
  /// The entry point is not inside any PT_LOAD segment.
  case entryOutsideSegments(entry: UInt32)
  /// PT_INTERP: a dynamically linked executable.
  case dynamicExecutable(interpreter: String)
  /// `e_flags` has EF_RISCV_RVC (0x1): the code may use compressed
  /// (16-bit) instructions, which Kiln does not decode.
  case compressedInstructions(flags: UInt32)
  /// `e_flags` names a hardware float ABI (EF_RISCV_FLOAT_ABI bits 0x6:
  /// 0x2 single, 0x4 double, 0x6 quad); Kiln runs only the soft-float
  /// ILP32 ABI (no F/D/Q registers).
  case floatABI(flags: UInt32)
  /// `.riscv.attributes` (Tag_RISCV_arch) names extensions Kiln does not
  /// run: A (atomics), F, D, Q (floating point) or C, upper-case.
  case unsupportedExtensions([String])

  public var description: String {
    switch self {
    case .truncated(let what, let needed, let size):
      "truncated ELF file: \(what) needs \(needed) bytes, file has \(size)"
    case .badMagic: "not an ELF file (bad magic number)"
    case .wrongClass(let c):
      "unsupported ELF class \(c) (\(c == 2 ? "ELF64" : "unknown")); only 32-bit ELF (ELFCLASS32) is supported"
    case .wrongEndianness(let d):
      "unsupported ELF data encoding \(d) (\(d == 2 ? "big-endian" : "unknown")); only little-endian is supported"
    case .wrongVersion(let v): "unsupported ELF version \(v)"
    case .wrongMachine(let m):
      "ELF machine \(m) (\(machineName(m))) is not RISC-V (EM_RISCV = 243)"
    case .wrongType(let t):
      "ELF type \(t) (\(typeName(t))) is not a static executable (ET_EXEC)"
    case .badProgramHeaderSize(let s):
      "ELF program header entry size is \(s) bytes, expected 32"
    case .programHeadersOutOfRange(let off, let n):
      "ELF program header table (\(n) entries at offset \(off)) lies outside the file"
    case .fileSizeExceedsMemorySize(let i, let f, let m):
      "ELF segment \(i): file size \(f) is larger than memory size \(m)"
    case .segmentOutOfFile(let i, let off, let size, let fileSize):
      "ELF segment \(i): \(size) bytes at file offset \(off) lie outside the file (\(fileSize) bytes)"
    case .segmentWrapsAddressSpace(let i, let a, let s):
      "ELF segment \(i): \(s) bytes at \(hex32(a)) wrap around the 32-bit address space"
    case .segmentInReservedRegion(let i, let a, let s, let limit):
      "ELF segment \(i): \(s) bytes at \(hex32(a)) reach above \(hex32(limit)), where the stack and mmap area live"
    case .overlappingSegments(let a, let b): "ELF segments \(a) and \(b) overlap"
    case .tooLarge(let bytes, let limit):
      "ELF segments need \(bytes) bytes of guest memory, more than the \(limit) bytes available (raise --max-memory)"
    case .noLoadableSegments: "ELF file has no loadable (PT_LOAD) segment"
    case .entryOutsideSegments(let e):
      "ELF entry point \(hex32(e)) is not inside a loadable segment"
    case .dynamicExecutable(let interp):
      "dynamically linked executables are not supported (interpreter \(interp.isEmpty ? "?" : interp)); link with -static"
    case .compressedInstructions(let flags):
      "ELF file uses compressed instructions (EF_RISCV_RVC in e_flags \(hex32(flags))), which Kiln does not support; build with -march=rv32im"
    case .floatABI(let flags):
      "ELF file uses the \(floatABIName(flags)) float ABI (e_flags \(hex32(flags))), which Kiln does not support; build with -march=rv32im -mabi=ilp32"
    case .unsupportedExtensions(let names):
      "ELF file needs the RISC-V \(names.joined(separator: ", ")) extension\(names.count == 1 ? "" : "s") (.riscv.attributes), which Kiln does not support; build with -march=rv32im"
    }
  }
}

func hex32(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

private func machineName(_ m: UInt16) -> String {
  switch m {
  case 3: "x86"
  case 8: "MIPS"
  case 20: "PowerPC"
  case 40: "ARM"
  case 62: "x86-64"
  case 183: "AArch64"
  case 243: "RISC-V"
  case 247: "BPF"
  default: "unknown"
  }
}

private func floatABIName(_ flags: UInt32) -> String {
  switch flags & 0x6 {
  case 0x2: "single-precision (ilp32f)"
  case 0x4: "double-precision (ilp32d)"
  default: "quad-precision (ilp32q)"
  }
}

private func typeName(_ t: UInt16) -> String {
  switch t {
  case 0: "none"
  case 1: "relocatable object"
  case 2: "executable"
  case 3: "shared object or position-independent executable"
  case 4: "core dump"
  default: "unknown"
  }
}
