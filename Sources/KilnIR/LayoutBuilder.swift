/// Hands out the offsets of a block's fields, so that no state block of
/// Kiln has hand-typed offsets, and records every field so that a test can
/// check that none overlap and all lie inside the block (`FieldLayout`).
///
/// Fields are placed in the order they are asked for. Growing upward, a
/// field goes at the first aligned offset past the previous ones; growing
/// downward (a block that ends at its pointer, as flat memory's state block
/// does), at the last aligned offset below them. A field may also be placed
/// at a fixed offset, and a group of fields laid out upward may be placed as
/// one block:
///
///     upward:      0 ─▶ [a][b]··[c]······[d] ─▶ size
///     downward:   −size ◀─ [d]······[c]··[b][a] ◀─ 0 (the pointer)
///
/// Offsets are `Int32`, as ports address state fields with 32-bit
/// displacements; a layout that does not fit is a bug of its builder and
/// traps. Alignments are powers of two.
public struct LayoutBuilder: Sendable {
  /// Which way fields are added from the pointer.
  public enum Direction: Sendable {
    case upward, downward
  }

  public let direction: Direction
  /// The edge of the space used so far: the end of the highest field
  /// (upward) or the offset of the lowest one (downward).
  public private(set) var cursor = 0
  /// Every field placed so far, in order.
  public private(set) var fields: [LayoutField] = []

  public init(_ direction: Direction = .upward) {
    self.direction = direction
  }

  /// Places `size` bytes at the next offset aligned to `alignment` in the
  /// builder's direction and returns that offset.
  @discardableResult
  public mutating func field(_ name: String, size: Int, alignment: Int) -> Int32 {
    field(name, size: size, at: nextOffset(size: size, alignment: alignment))
  }

  /// Places `size` bytes at exactly `offset` (a fixed position, such as
  /// registers that end at the pointer: `at: -size`) and moves the cursor
  /// past them. Nothing stops a fixed field from landing on another one:
  /// that is what `FieldLayout.overlaps` reports.
  @discardableResult
  public mutating func field(_ name: String, size: Int, at offset: Int) -> Int32 {
    fields.append(LayoutField(name: name, offset: offset, size: size))
    advance(over: offset, size: size)
    return Int32(offset)
  }

  /// Lays out the fields of `body` upward from 0, then places them as one
  /// block aligned to `alignment` in the builder's direction; their names
  /// get the prefix `name.`. Returns the group's offset and what `body`
  /// returned (offsets relative to the group: add the group's offset).
  @discardableResult
  public mutating func group<Result>(
    _ name: String, alignment: Int, _ body: (inout LayoutBuilder) -> Result
  ) -> (offset: Int32, result: Result) {
    var inner = LayoutBuilder(.upward)
    let result = body(&inner)
    let base = nextOffset(size: inner.cursor, alignment: alignment)
    advance(over: base, size: inner.cursor)
    for f in inner.fields {
      fields.append(LayoutField(name: name + "." + f.name, offset: base + f.offset, size: f.size))
    }
    return (Int32(base), result)
  }

  /// The block: from 0 up to the cursor, or from the cursor up to 0,
  /// widened to a multiple of `alignment`.
  public func build(alignment: Int = 1) -> FieldLayout {
    switch direction {
    case .upward:
      return FieldLayout(fields: fields, start: 0, size: Self.align(up: cursor, alignment))
    case .downward:
      let start = Self.align(down: cursor, alignment)
      return FieldLayout(fields: fields, start: start, size: -start)
    }
  }

  /// Moves the cursor past `size` bytes at `offset`.
  mutating func advance(over offset: Int, size: Int) {
    precondition(size >= 0, "negative field size")
    switch direction {
    case .upward: cursor = max(cursor, offset + size)
    case .downward: cursor = min(cursor, offset)
    }
  }

  /// Where a field of `size` bytes aligned to `alignment` goes next.
  func nextOffset(size: Int, alignment: Int) -> Int {
    switch direction {
    case .upward: Self.align(up: cursor, alignment)
    case .downward: Self.align(down: cursor - size, alignment)
    }
  }

  /// `value` rounded up to a multiple of `alignment` (a power of two).
  public static func align(up value: Int, _ alignment: Int) -> Int {
    align(down: value + alignment - 1, alignment)
  }

  /// `value` rounded down (toward −∞) to a multiple of `alignment`.
  public static func align(down value: Int, _ alignment: Int) -> Int {
    precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment not a power of two")
    return value & ~(alignment - 1)
  }
}

/// One field of a layout: `size` bytes at `offset` from the block's pointer.
public struct LayoutField: Sendable, Equatable {
  public let name: String
  public let offset: Int
  public let size: Int

  public init(name: String, offset: Int, size: Int) {
    self.name = name
    self.offset = offset
    self.size = size
  }

  /// One past the last byte.
  public var end: Int { offset + size }

  /// Whether the two share a byte (empty fields share none).
  public func overlaps(_ other: LayoutField) -> Bool {
    offset < other.end && other.offset < end
  }
}

/// A finished layout: the block's extent and its fields.
public struct FieldLayout: Sendable {
  public let fields: [LayoutField]
  /// Offset of the block's first byte from its pointer: 0 for a block that
  /// grows upward, −`size` for one that ends at its pointer.
  public let start: Int
  /// Bytes in the block.
  public let size: Int

  public init(fields: [LayoutField], start: Int, size: Int) {
    self.fields = fields
    self.start = start
    self.size = size
  }

  /// One past the block's last byte.
  public var end: Int { start + size }

  /// Pairs of fields that share a byte; empty in a sound layout.
  public var overlaps: [(LayoutField, LayoutField)] {
    var pairs: [(LayoutField, LayoutField)] = []
    for (i, a) in fields.enumerated() {
      for b in fields[(i + 1)...] where a.overlaps(b) { pairs.append((a, b)) }
    }
    return pairs
  }

  /// Fields with a byte outside the block; empty in a sound layout.
  public var outside: [LayoutField] {
    fields.filter { $0.offset < start || $0.end > end }
  }

  /// The field called `name`, if there is one.
  public func field(named name: String) -> LayoutField? {
    fields.first { $0.name == name }
  }
}
