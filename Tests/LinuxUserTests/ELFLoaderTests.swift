import LinuxUser
import Testing

/// A malformed ELF and the typed error it must give.
struct MalformedELF: Sendable, CustomTestStringConvertible {
  var name: String
  var bytes: [UInt8]
  var error: ELFError
  var testDescription: String { name }
}

private func variant(_ change: (inout ELFBuilder) -> Void) -> [UInt8] {
  var b = ELFBuilder.program(RV.exit(0))
  change(&b)
  return b.bytes()
}

private let valid = ELFBuilder.program(RV.exit(0)).bytes()

let malformedELFs: [MalformedELF] = [
  // Features Kiln cannot run, told from e_flags (RISC-V psABI).
  MalformedELF(
    name: "compressed instructions (EF_RISCV_RVC)", bytes: variant { $0.elfFlags = 0x1 },
    error: .compressedInstructions(flags: 0x1)),
  MalformedELF(
    name: "RVC with double float ABI", bytes: variant { $0.elfFlags = 0x5 },
    error: .compressedInstructions(flags: 0x5)),
  MalformedELF(
    name: "single float ABI", bytes: variant { $0.elfFlags = 0x2 }, error: .floatABI(flags: 0x2)),
  MalformedELF(
    name: "double float ABI", bytes: variant { $0.elfFlags = 0x4 }, error: .floatABI(flags: 0x4)),
  MalformedELF(
    name: "quad float ABI", bytes: variant { $0.elfFlags = 0x6 }, error: .floatABI(flags: 0x6)),
  MalformedELF(
    name: "empty file", bytes: [],
    error: .truncated(what: "ELF header", needed: 52, fileSize: 0)),
  MalformedELF(
    name: "only the magic", bytes: [0x7f, 0x45, 0x4c, 0x46],
    error: .truncated(what: "ELF header", needed: 52, fileSize: 4)),
  MalformedELF(
    name: "header cut short", bytes: Array(valid.prefix(40)),
    error: .truncated(what: "ELF header", needed: 52, fileSize: 40)),
  MalformedELF(name: "text file", bytes: Array("#!/bin/sh\necho hi\n".utf8), error: .badMagic),
  MalformedELF(
    name: "bad magic", bytes: variant { $0.magic = [0x7f, 0x45, 0x4c, 0x47] }, error: .badMagic),
  MalformedELF(name: "ELF64", bytes: variant { $0.fileClass = 2 }, error: .wrongClass(2)),
  MalformedELF(name: "big-endian", bytes: variant { $0.data = 2 }, error: .wrongEndianness(2)),
  MalformedELF(
    name: "ident version", bytes: variant { $0.identVersion = 0 }, error: .wrongVersion(0)),
  MalformedELF(name: "e_version", bytes: variant { $0.version = 7 }, error: .wrongVersion(7)),
  MalformedELF(
    name: "x86-64 machine", bytes: variant { $0.machine = 62 }, error: .wrongMachine(62)),
  MalformedELF(name: "shared object / PIE", bytes: variant { $0.type = 3 }, error: .wrongType(3)),
  MalformedELF(name: "relocatable object", bytes: variant { $0.type = 1 }, error: .wrongType(1)),
  MalformedELF(
    name: "program header size", bytes: variant { $0.phentsize = 56 },
    error: .badProgramHeaderSize(56)),
  MalformedELF(
    name: "program headers past end", bytes: variant { $0.phoff = 0xFFFF_FFF0 },
    error: .programHeadersOutOfRange(offset: 0xFFFF_FFF0, count: 1)),
  MalformedELF(
    name: "too many program headers", bytes: variant { $0.phnum = 0xFFFF },
    error: .programHeadersOutOfRange(offset: 52, count: 0xFFFF)),
  MalformedELF(
    name: "no program headers", bytes: variant { $0.phnum = 0 }, error: .noLoadableSegments),
  MalformedELF(
    name: "no PT_LOAD", bytes: variant { $0.headers[0].type = 4 /* PT_NOTE */ },
    error: .noLoadableSegments),
  MalformedELF(
    name: "filesz > memsz",
    bytes: variant {
      $0.headers[0].memsz = 16
    }, error: .fileSizeExceedsMemorySize(segment: 0, fileSize: 268, memorySize: 16)),
  MalformedELF(
    name: "segment past end of file", bytes: variant { $0.headers[0].offset = 0x80 },
    error: .segmentOutOfFile(segment: 0, offset: 0x80, size: 268, fileSize: 268)),
  MalformedELF(
    name: "segment offset overflow",
    bytes: variant {
      $0.headers[0].offset = 0xFFFF_FF00
    }, error: .segmentOutOfFile(segment: 0, offset: 0xFFFF_FF00, size: 268, fileSize: 268)),
  MalformedELF(
    name: "segment wraps 4 GiB",
    bytes: variant {
      $0.headers[0].vaddr = 0xFFFF_F000
      $0.headers[0].memsz = 0x2000
    }, error: .segmentWrapsAddressSpace(segment: 0, address: 0xFFFF_F000, size: 0x2000)),
  MalformedELF(
    name: "segment in stack region",
    bytes: variant {
      $0.headers[0].vaddr = 0xC000_0000
      $0.entry = 0xC000_0100
    },
    error: .segmentInReservedRegion(
      segment: 0, address: 0xC000_0000, size: 268, limit: AddressSpace.segmentLimit)),
  MalformedELF(
    name: "huge memsz",
    bytes: variant {
      $0.headers[0].memsz = 0x7000_0000
    }, error: .tooLarge(bytes: 0x7000_0000, limit: 64 << 20)),
  MalformedELF(
    name: "overlapping segments",
    bytes: variant {
      $0.headers.append(
        ELFBuilder.ProgramHeader(offset: 0, vaddr: 0x10080, filesz: 16, memsz: 16, flags: 6))
    }, error: .overlappingSegments(first: 0, second: 1)),
  MalformedELF(
    name: "entry outside segments", bytes: variant { $0.entry = 0x5000 },
    error: .entryOutsideSegments(entry: 0x5000)),
  MalformedELF(
    name: "dynamic executable (PT_INTERP)",
    bytes: variant {
      $0.payload += Array("/lib/ld-linux-riscv32-ilp32.so.1".utf8) + [0]
      $0.headers[0].filesz += 33
      $0.headers[0].memsz += 33
      $0.headers.insert(
        ELFBuilder.ProgramHeader(type: 3, offset: 0x10c, filesz: 33, memsz: 33), at: 0)
    }, error: .dynamicExecutable(interpreter: "/lib/ld-linux-riscv32-ilp32.so.1")),
]

@Suite("ELF loader")
struct ELFLoaderTests {
  @Test func validProgramParses() throws {
    let elf = try ELFExecutable(parsing: valid)
    #expect(elf.entry == 0x10100)
    #expect(elf.segments.count == 1)
    #expect(elf.segments[0].virtualAddress == 0x10000)
    #expect(
      elf.segments[0].isExecutable && elf.segments[0].isReadable && !elf.segments[0].isWritable)
    #expect(elf.programHeaderAddress == 0x10034)  // file offset 52 in the segment at offset 0
    #expect(elf.programHeaderCount == 1)
    #expect(elf.highestAddress == 0x10000 + UInt64(valid.count))
    #expect(Array(elf.fileBytes(of: elf.segments[0])) == valid)
  }

  @Test(arguments: malformedELFs)
  func malformedGivesTypedError(_ c: MalformedELF) {
    #expect(throws: c.error) { try ELFExecutable(parsing: c.bytes) }
  }

  @Test(arguments: malformedELFs)
  func descriptionIsOneReadableLine(_ c: MalformedELF) {
    let text = c.error.description
    #expect(!text.isEmpty && !text.contains("\n"))
    #expect(text.count < 200)
  }

  @Test func memoryLimitIsConfigurable() throws {
    let b = ELFBuilder.program(RV.exit(0), extraMemory: 3 << 20)  // ~3 MiB of bss
    let bytes = b.bytes()
    #expect(throws: ELFError.tooLarge(bytes: 0x301000, limit: 2 << 20)) {
      try ELFExecutable(parsing: bytes, limits: .init(memoryBytes: 2 << 20))
    }
    _ = try ELFExecutable(parsing: bytes, limits: .init(memoryBytes: 4 << 20))
  }

  @Test func segmentsAreSortedAndBssAllowed() throws {
    var b = ELFBuilder.program(RV.exit(0))
    // A data segment below the code, listed after it, with bss.
    b.headers.append(
      ELFBuilder.ProgramHeader(offset: 0x100, vaddr: 0x8000, filesz: 4, memsz: 0x3000, flags: 6))
    let elf = try ELFExecutable(parsing: b.bytes())
    #expect(elf.segments.map(\.virtualAddress) == [0x8000, 0x10000])
    #expect(elf.segments[0].index == 1 && elf.segments[0].isWritable)
  }

  @Test func segmentsSharingAPageDoNotOverlap() throws {
    var b = ELFBuilder.program(RV.exit(0))
    let end = b.headers[0].vaddr + b.headers[0].memsz
    b.headers.append(
      ELFBuilder.ProgramHeader(offset: 0x100, vaddr: end, filesz: 4, memsz: 8, flags: 6))
    #expect(throws: Never.self) { try ELFExecutable(parsing: b.bytes()) }
  }

  @Test func zeroSizedLoadSegmentsAreIgnored() throws {
    var b = ELFBuilder.program(RV.exit(0))
    b.headers.append(ELFBuilder.ProgramHeader(offset: 0, vaddr: 0x10010, filesz: 0, memsz: 0))
    let elf = try ELFExecutable(parsing: b.bytes())
    #expect(elf.segments.count == 1)
  }

  @Test func ptPhdrGivesATPhdr() throws {
    var b = ELFBuilder.program(RV.exit(0))
    b.headers.insert(
      ELFBuilder.ProgramHeader(type: 6, offset: 52, vaddr: 0x10034, filesz: 64, memsz: 64), at: 0)
    let elf = try ELFExecutable(parsing: b.bytes())
    #expect(elf.programHeaderAddress == 0x10034)
    #expect(elf.programHeaderCount == 2)
  }
}
