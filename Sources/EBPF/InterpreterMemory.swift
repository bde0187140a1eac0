/// The interpreter's loads and stores: a fast bounds check against one
/// region (the slot's `region` hint, see ``DecodedSlot``), then, only when
/// it fails, the full check of `Memory.swift` (`State.pointer`), which
/// decides every access the fast one does not allow. The fast check allows
/// a subset of what the full one allows, so the semantics and the errors
/// are those of `State.pointer`.
extension Interpreter {
  /// A region as the fast check reads it: an access of `n` bytes at
  /// `address` is inside when `address &- base < room(n)`, where `room(n)`
  /// is the number of addresses an `n`-byte access may start at
  /// (`length - n + 1`, or 0). One subtraction and one unsigned compare:
  /// an address below `base` wraps to a value above every room, because
  /// `base + length` does not wrap (a region that would wrap or end above
  /// `UInt.max`, or that starts at 0, gets rooms of 0 and is left to the
  /// full check).
  struct FastRegion {
    var base: UInt64 = 0
    var room1: UInt64 = 0
    var room2: UInt64 = 0
    var room4: UInt64 = 0
    var room8: UInt64 = 0

    /// A checked run's `region` (as `MemoryRegion.contains` sees it).
    init(_ region: MemoryRegion) {
      let top = UInt64(UInt.max)
      guard region.base != 0, region.base <= top, region.length <= top - region.base else {
        return
      }
      base = region.base
      func room(_ n: UInt64) -> UInt64 { region.length >= n ? region.length - n + 1 : 0 }
      room1 = room(1)
      room2 = room(2)
      room4 = room(4)
      room8 = room(8)
    }

    /// An unchecked run: every address from 1 to `UInt.max` (what
    /// `State.pointer` accepts without checks; 0 and, on 32-bit hosts,
    /// addresses above `UInt.max` go to it and fail there).
    init(unchecked: ()) {
      base = 1
      let all = UInt64(UInt.max)
      room1 = all
      room2 = all
      room4 = all
      room8 = all
    }

    @inline(__always)
    func room(_ size: AccessSize) -> UInt64 {
      switch size {
      case .byte: room1
      case .half: room2
      case .word: room4
      case .double: room8
      }
    }
  }

  /// The two fast regions of a run, stack (0) then context (1), in
  /// `memory` (2 entries).
  static func initializeFastRegions(_ memory: UnsafeMutablePointer<FastRegion>, _ s: State) {
    if s.checked {
      memory.initialize(to: FastRegion(s.stack))
      (memory + 1).initialize(to: FastRegion(s.context))
    } else {
      memory.initialize(repeating: FastRegion(unchecked: ()), count: 2)
    }
  }

  /// The host pointer for the access of slot `i` at `address`, of `size`
  /// (a constant where this is inlined).
  @inline(always)
  static func pointer(
    _ i: UnsafePointer<DecodedSlot>, _ address: UInt64, _ size: AccessSize, write: Bool,
    _ s: State, fast: UnsafePointer<FastRegion>, slots: UnsafePointer<DecodedSlot>
  ) throws(EBPFError) -> UnsafeMutableRawPointer {
    let region = fast + Int(i.pointee.region)
    if address &- region.pointee.base < region.pointee.room(size),
      let p = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: address))
    {
      return p
    }
    return try slowPointer(s, address, size, write: write, index: i - slots)
  }

  /// The full check, out of line (the cold path of `pointer`).
  @inline(never)
  static func slowPointer(
    _ s: State, _ address: UInt64, _ size: AccessSize, write: Bool, index: Int
  ) throws(EBPFError) -> UnsafeMutableRawPointer {
    try s.pointer(address, size.byteCount, write: write, index: index)
  }

  /// `dst = *(size *)(src + offset)`, zero-extended, or sign-extended when `signed`.
  @inline(always)
  static func load(
    _ i: UnsafePointer<DecodedSlot>, _ size: AccessSize, signed: Bool, _ s: State,
    fast: UnsafePointer<FastRegion>, slots: UnsafePointer<DecodedSlot>
  ) throws(EBPFError) {
    let regs = s.regs
    let address = regs[Int(i.pointee.src)] &+ UInt64(bitPattern: Int64(i.pointee.offset))
    let p = try pointer(i, address, size, write: false, s, fast: fast, slots: slots)
    let v = load(p, size)
    regs[Int(i.pointee.dst)] = signed ? signExtend(v, size) : v
  }

  /// `*(size *)(dst + offset) = value`.
  @inline(always)
  static func store(
    _ i: UnsafePointer<DecodedSlot>, _ size: AccessSize, _ value: UInt64, _ s: State,
    fast: UnsafePointer<FastRegion>, slots: UnsafePointer<DecodedSlot>
  ) throws(EBPFError) {
    let address = s.regs[Int(i.pointee.dst)] &+ UInt64(bitPattern: Int64(i.pointee.offset))
    let p = try pointer(i, address, size, write: true, s, fast: fast, slots: slots)
    store(p, size, value)
  }
}
