import EBPF

/// A data section copied to host memory for a program.
public struct LoadedSection: Hashable, Sendable {
  public let name: String
  /// Host address of the copy (what the program's pointers hold).
  public let address: UInt64
  public let size: Int
  /// `.data`, `.bss`: writable; `.rodata*`: read-only to bounds-checked runs.
  public let writable: Bool
}

/// An `lddw` of the program that loads the address of a global.
public struct DataReference: Hashable, Sendable {
  /// The `lddw`'s slot in the program.
  public let index: Int
  /// The data section and the offset in it that the address points to.
  public let section: String
  public let offset: UInt64
}

/// Where a ``LoadedObject`` puts the host copies of its data sections.
///
/// The linked program holds the copies' addresses as constants (`lddw` of
/// a global, pointers inside data), so the engine that runs it must reach
/// them at exactly those addresses: anywhere for the interpreter and for
/// 64-bit ports (``heap``, the default); below 4 GiB for a 32-bit port
/// emulated on a 64-bit machine, whose pointers are 32 bits (give an
/// allocator of low memory, such as `Emulator.allocatePages(_:below4GiB:)`
/// of the `Emulation` module). Executors cannot move such memory for the
/// program (`Executor.expose` lends a 32-bit port a low *copy* of a high
/// buffer, at another address than the constants hold).
public struct SectionMemory: Sendable {
  /// `byteCount` zeroed or uninitialised bytes aligned to `alignment` (a
  /// power of two, at most 4096), or nil when there are none.
  public var allocate:
    @Sendable (_ byteCount: Int, _ alignment: Int) -> UnsafeMutableRawBufferPointer?
  /// Frees a buffer from `allocate`.
  public var deallocate: @Sendable (UnsafeMutableRawBufferPointer) -> Void

  public init(
    allocate:
      @escaping @Sendable (_ byteCount: Int, _ alignment: Int) ->
      UnsafeMutableRawBufferPointer?,
    deallocate: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void
  ) {
    self.allocate = allocate
    self.deallocate = deallocate
  }

  /// The Swift heap.
  public static let heap = SectionMemory(
    allocate: { UnsafeMutableRawBufferPointer.allocate(byteCount: $0, alignment: $1) },
    deallocate: { $0.deallocate() })
}

/// A program linked from an object, with host copies of the data sections it
/// uses. The copies live as long as this object (stable addresses, freed in
/// `deinit`): keep it alive while the program runs.
///
/// eBPF pointers are host addresses (see `EBPF/Memory.swift`), so each `lddw`
/// of a global holds the address of the global's host copy, and
/// ``memoryMap`` lets bounds-checked runs reach the copies: `.rodata*`
/// read-only, `.data` and `.bss` writable. Runs share the copies the way
/// calls of a C function share its globals: what one run writes, the next sees.
public final class LoadedObject {
  /// Largest data section the loader copies (NOBITS sizes are not bounded by the file).
  public static let maxSectionSize: UInt64 = 64 << 20

  /// The linked program: the entry function at slot 0, its callees after it.
  public let program: Program
  /// The function the program starts at.
  public let entry: ObjectFunction
  /// Where each linked function went, in program order.
  public let functions: [LinkedFunction]
  /// The data sections copied for the program.
  public let dataSections: [LoadedSection]
  /// Regions covering ``dataSections``, for the engines' bounds checks.
  public let memoryMap: MemoryMap
  /// Every `lddw` that loads a data address, in program order (for listings).
  public let dataReferences: [DataReference]

  private let buffers: [UnsafeMutableRawBufferPointer]
  private let memory: SectionMemory

  init(linking link: LinkResult, memory: SectionMemory = .heap) throws(EBPFObjectError) {
    // Everything that can fail happens before allocating.
    let object = link.object
    var slots = link.slots
    var buffers: [UnsafeMutableRawBufferPointer] = []
    var bases: [Int: UInt64] = [:]
    var loaded: [LoadedSection] = []
    var map = MemoryMap()
    for index in link.dataSections {
      let section = object.sections[index]
      let contents = object.contents(of: section)
      let alignment = max(16, min(4096, Int(clamping: section.alignment)))
      // One spare byte so that an empty section still has an address of its own.
      guard let buffer = memory.allocate(contents.count + 1, alignment),
        buffer.count >= contents.count + 1
      else {
        for b in buffers { memory.deallocate(b) }
        throw .sectionAllocationFailed(section: section.name, size: contents.count + 1)
      }
      buffer.initializeMemory(as: UInt8.self, repeating: 0)
      buffer.copyBytes(from: contents)
      let base = UInt64(UInt(bitPattern: buffer.baseAddress))
      buffers.append(buffer)
      bases[index] = base
      loaded.append(
        LoadedSection(
          name: section.name, address: base, size: contents.count, writable: section.isWritable))
      map.addRegion(base: base, length: UInt64(contents.count), writable: section.isWritable)
    }
    func address(_ a: DataAddress) -> UInt64 { bases[a.section, default: 0] &+ a.offset }
    for (at, target) in link.dataWords {
      guard let i = link.dataSections.firstIndex(of: at.section) else { continue }
      let value = address(target)
      for k in 0..<8 {
        buffers[i][Int(at.offset) + k] = UInt8(truncatingIfNeeded: value >> UInt64(8 * k))
      }
    }
    for (slot, target) in link.immediates {
      let value = address(target)
      slots[slot].imm = Int32(truncatingIfNeeded: value)
      slots[slot + 1].imm = Int32(truncatingIfNeeded: value >> 32)
    }
    let program: Program
    do {
      program = try Program(slots: slots)
    } catch {
      for b in buffers { memory.deallocate(b) }
      throw .invalidProgram(function: link.entry.name, error: error)
    }
    self.program = program
    self.entry = link.entry
    self.functions = link.functions
    self.dataSections = loaded
    self.memoryMap = map
    self.dataReferences = link.immediates.map {
      DataReference(
        index: $0.slot, section: object.sections[$0.address.section].name, offset: $0.address.offset
      )
    }
    self.buffers = buffers
    self.memory = memory
  }

  deinit {
    for b in buffers { memory.deallocate(b) }
  }

  /// The current bytes of a loaded data section (what the program has written
  /// so far), or nil if no section of that name was loaded.
  public func contents(of name: String) -> [UInt8]? {
    guard let i = dataSections.firstIndex(where: { $0.name == name }) else { return nil }
    return Array(UnsafeRawBufferPointer(rebasing: buffers[i][0..<dataSections[i].size]))
  }
}
