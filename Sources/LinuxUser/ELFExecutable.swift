/// A static RV32 Linux executable, parsed and validated.
///
/// Only what a loader needs is kept: the PT_LOAD segments (sorted by
/// address, non-overlapping), the entry point and where the program headers
/// are in guest memory (for `AT_PHDR`). Parsing never traps: every malformed
/// input gives an `ELFError`.
public struct ELFExecutable: Sendable {
  /// One PT_LOAD segment.
  public struct Segment: Sendable, Equatable {
    /// Index of the program header that describes it.
    public var index: Int
    public var virtualAddress: UInt32
    public var memorySize: UInt32
    public var fileOffset: UInt32
    public var fileSize: UInt32
    /// `p_flags`: PF_X = 1, PF_W = 2, PF_R = 4.
    public var flags: UInt32

    public var isExecutable: Bool { flags & 1 != 0 }
    public var isWritable: Bool { flags & 2 != 0 }
    public var isReadable: Bool { flags & 4 != 0 }
    /// One past the last byte (may be 2^32).
    public var end: UInt64 { UInt64(virtualAddress) + UInt64(memorySize) }
  }

  /// Where a loader may put segments and how much memory they may use.
  public struct Limits: Sendable {
    /// Segments must end at or below this address (the stack and mmap area
    /// live above it).
    public var addressLimit: UInt32 = AddressSpace.segmentLimit
    /// Bytes of guest memory (whole pages) all segments together may use.
    public var memoryBytes: UInt64 = 64 << 20

    public init(addressLimit: UInt32 = AddressSpace.segmentLimit, memoryBytes: UInt64 = 64 << 20) {
      self.addressLimit = addressLimit
      self.memoryBytes = memoryBytes
    }
  }

  public static let pageSize: UInt64 = 4096
  static let headerSize = 52
  static let programHeaderSize = 32

  /// The whole file.
  public let bytes: [UInt8]
  public let entry: UInt32
  /// PT_LOAD segments sorted by `virtualAddress`.
  public let segments: [Segment]
  /// True if PT_GNU_STACK asks for an executable stack (`-z execstack`).
  /// Without that header, RISC-V Linux maps the stack without execute.
  public let executableStack: Bool
  /// Guest address of the program header table (`AT_PHDR`), 0 if unknown.
  public let programHeaderAddress: UInt32
  /// Number of program headers (`AT_PHNUM`).
  public let programHeaderCount: Int

  /// One past the highest byte of any segment.
  public var highestAddress: UInt64 { segments.map(\.end).max() ?? 0 }

  /// The file bytes of `segment` (its first `fileSize` bytes).
  public func fileBytes(of segment: Segment) -> ArraySlice<UInt8> {
    let start = Int(segment.fileOffset)
    return bytes[start..<start + Int(segment.fileSize)]
  }

  public init(parsing bytes: [UInt8], limits: Limits = Limits()) throws(ELFError) {
    let r = ByteReader(bytes)
    let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]  // "\x7fELF"
    guard bytes.prefix(4).elementsEqual(magic.prefix(bytes.count)) else { throw .badMagic }
    guard bytes.count >= Self.headerSize else {
      throw .truncated(what: "ELF header", needed: UInt64(Self.headerSize), fileSize: bytes.count)
    }
    // The reads below are inside the 52-byte header checked above.
    let fileClass = bytes[4]
    let data = bytes[5]
    guard fileClass == 1 else { throw .wrongClass(fileClass) }
    guard data == 1 else { throw .wrongEndianness(data) }
    guard bytes[6] == 1 else { throw .wrongVersion(UInt32(bytes[6])) }
    let type = r.u16(16) ?? 0
    let machine = r.u16(18) ?? 0
    let version = r.u32(20) ?? 0
    guard machine == 243 else { throw .wrongMachine(machine) }
    guard type == 2 else { throw .wrongType(type) }
    guard version == 1 else { throw .wrongVersion(version) }
    // RISC-V e_flags: EF_RISCV_RVC = 0x1, EF_RISCV_FLOAT_ABI = 0x6.
    let flags = r.u32(36) ?? 0
    guard flags & 0x1 == 0 else { throw .compressedInstructions(flags: flags) }
    guard flags & 0x6 == 0 else { throw .floatABI(flags: flags) }
    // Extensions that e_flags cannot tell (A, F and D with the soft-float ABI).
    let extensions = RISCVAttributes.unsupportedExtensions(bytes)
    guard extensions.isEmpty else { throw .unsupportedExtensions(extensions) }
    let entry = r.u32(24) ?? 0
    let phoff = r.u32(28) ?? 0
    let phentsize = r.u16(42) ?? 0
    let phnum = r.u16(44) ?? 0

    guard phnum > 0 else { throw .noLoadableSegments }
    guard phentsize == UInt16(Self.programHeaderSize) else {
      throw .badProgramHeaderSize(phentsize)
    }
    guard r.contains(offset: UInt64(phoff), count: UInt64(phnum) * UInt64(Self.programHeaderSize))
    else { throw .programHeadersOutOfRange(offset: phoff, count: phnum) }

    var loads: [Segment] = []
    var phdrSegmentAddress: UInt32?
    var stackFlags: UInt32 = 0x6  // no PT_GNU_STACK: read-write (RISC-V Linux)
    for i in 0..<Int(phnum) {
      let base = Int(phoff) + i * Self.programHeaderSize
      // In range: the whole table was checked above.
      let pType = r.u32(base) ?? 0
      let pOffset = r.u32(base + 4) ?? 0
      let pVaddr = r.u32(base + 8) ?? 0
      let pFilesz = r.u32(base + 16) ?? 0
      let pMemsz = r.u32(base + 20) ?? 0
      let pFlags = r.u32(base + 24) ?? 0
      switch pType {
      case 1:  // PT_LOAD
        guard pFilesz <= pMemsz else {
          throw .fileSizeExceedsMemorySize(segment: i, fileSize: pFilesz, memorySize: pMemsz)
        }
        guard r.contains(offset: UInt64(pOffset), count: UInt64(pFilesz)) else {
          throw .segmentOutOfFile(segment: i, offset: pOffset, size: pFilesz, fileSize: bytes.count)
        }
        let end = UInt64(pVaddr) + UInt64(pMemsz)
        guard end <= 1 << 32 else {
          throw .segmentWrapsAddressSpace(segment: i, address: pVaddr, size: pMemsz)
        }
        guard end <= UInt64(limits.addressLimit) else {
          throw .segmentInReservedRegion(
            segment: i, address: pVaddr, size: pMemsz, limit: limits.addressLimit)
        }
        if pMemsz == 0 { continue }
        loads.append(
          Segment(
            index: i, virtualAddress: pVaddr, memorySize: pMemsz, fileOffset: pOffset,
            fileSize: pFilesz, flags: pFlags))
      case 3:  // PT_INTERP
        let name =
          r.contains(offset: UInt64(pOffset), count: 1) ? r.cString(Int(pOffset), limit: 256) : nil
        throw .dynamicExecutable(interpreter: name ?? "")
      case 6:  // PT_PHDR
        phdrSegmentAddress = pVaddr
      case 0x6474_e551:  // PT_GNU_STACK
        stackFlags = pFlags
      default:
        continue
      }
    }
    guard !loads.isEmpty else { throw .noLoadableSegments }
    loads.sort { $0.virtualAddress < $1.virtualAddress }

    // Overlap check and page count over the sorted segments.
    var pages: UInt64 = 0
    var coveredPagesEnd: UInt64 = 0
    for (n, segment) in loads.enumerated() {
      if n > 0, UInt64(segment.virtualAddress) < loads[n - 1].end {
        throw .overlappingSegments(
          first: min(loads[n - 1].index, segment.index),
          second: max(loads[n - 1].index, segment.index))
      }
      let firstPage = max(UInt64(segment.virtualAddress) / Self.pageSize, coveredPagesEnd)
      let endPage = (segment.end + Self.pageSize - 1) / Self.pageSize
      if endPage > firstPage { pages += endPage - firstPage }
      coveredPagesEnd = max(coveredPagesEnd, endPage)
    }
    guard pages * Self.pageSize <= limits.memoryBytes else {
      throw .tooLarge(bytes: pages * Self.pageSize, limit: limits.memoryBytes)
    }
    guard
      loads.contains(where: { UInt64(entry) >= UInt64($0.virtualAddress) && UInt64(entry) < $0.end }
      )
    else { throw .entryOutsideSegments(entry: entry) }

    // AT_PHDR: PT_PHDR if present, else the segment whose file bytes hold the table.
    var phdrAddress: UInt32 = 0
    if let address = phdrSegmentAddress {
      phdrAddress = address
    } else if let s = loads.first(where: {
      UInt64(phoff) >= UInt64($0.fileOffset)
        && UInt64(phoff) < UInt64($0.fileOffset) + UInt64($0.fileSize)
    }) {
      phdrAddress = s.virtualAddress &+ (phoff - s.fileOffset)
    }

    self.bytes = bytes
    self.entry = entry
    self.segments = loads
    self.executableStack = stackFlags & 1 != 0
    self.programHeaderAddress = phdrAddress
    self.programHeaderCount = Int(phnum)
  }
}
