/// A position in a `CodeBuffer` that branches can refer to before it is known.
public struct Label: Hashable, Sendable {
  public let id: Int

  @inlinable public init(id: Int) { self.id = id }
}

/// How a branch refers to a label; each host defines its own kinds (`rel32`,
/// `b26`, `bcond19`, …). A kind knows its range and how to patch itself.
public protocol FixupKind: Sendable, CustomStringConvertible {
  /// Rewrites the reference at `site` so that it reaches `target` (both are
  /// offsets into `buffer`). Throws `.branchOutOfRange` when it cannot.
  func apply(to buffer: inout CodeBuffer, site: Int, target: Int) throws(CodeGenError)
}

/// Labels and their pending fixups for one assembly unit.
///
/// Binding a label twice or finishing with a used but unbound label is an
/// internal error (`CodeGenError`), never silently ignored.
///
/// `@inlinable`, so that each port's assembler gets a version specialized
/// for its fixup kind: unspecialized, every call looked up the generic
/// metadata of the fixup array at run time (a tenth of a block's compile
/// time, callgrind). Positions are `Int.min` while unbound, not optionals, to
/// keep the table one flat array.
public struct LabelTable<Kind: FixupKind>: Sendable {
  @usableFromInline var positions: [Int] = []
  @usableFromInline var fixups: [Fixup] = []

  @usableFromInline struct Fixup: Sendable {
    @usableFromInline var label: Label
    @usableFromInline var site: Int
    @usableFromInline var kind: Kind

    @inlinable init(label: Label, site: Int, kind: Kind) {
      self.label = label
      self.site = site
      self.kind = kind
    }
  }

  @usableFromInline static var unbound: Int { Int.min }

  @inlinable public init() {
    positions.reserveCapacity(16)
    fixups.reserveCapacity(16)
  }

  /// A table with room for `capacity` labels and uses reserved (0: no
  /// allocation at all, for a table that is about to be swapped with a
  /// reused one).
  @inlinable public init(capacity: Int) {
    if capacity > 0 {
      positions.reserveCapacity(capacity)
      fixups.reserveCapacity(capacity)
    }
  }

  @inlinable public mutating func make() -> Label {
    positions.append(Self.unbound)
    return Label(id: positions.count - 1)
  }

  @inlinable public func position(of label: Label) -> Int? {
    let p = positions[label.id]
    return p == Self.unbound ? nil : p
  }

  @inlinable public mutating func bind(_ label: Label, at offset: Int) throws(CodeGenError) {
    guard positions[label.id] == Self.unbound else { throw .labelBoundTwice(label.id) }
    positions[label.id] = offset
  }

  /// Records that the instruction whose patchable field is at `site` refers to `label`.
  @inlinable public mutating func use(_ label: Label, site: Int, kind: Kind) {
    fixups.append(Fixup(label: label, site: site, kind: kind))
  }

  /// Forgets every label and use, keeping the storage: a port that
  /// assembles many units reuses one table instead of allocating two arrays
  /// per unit.
  @inlinable public mutating func reset() {
    positions.removeAll(keepingCapacity: true)
    fixups.removeAll(keepingCapacity: true)
  }

  /// Patches every recorded use. Call once, after the last `bind`.
  @inlinable public mutating func resolve(in buffer: inout CodeBuffer) throws(CodeGenError) {
    for fixup in fixups {
      let target = positions[fixup.label.id]
      guard target != Self.unbound else { throw .labelUnbound(fixup.label.id) }
      try fixup.kind.apply(to: &buffer, site: fixup.site, target: target)
    }
    fixups.removeAll(keepingCapacity: true)
  }
}
