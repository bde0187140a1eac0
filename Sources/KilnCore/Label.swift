/// A position in a `CodeBuffer` that branches can refer to before it is known.
public struct Label: Hashable, Sendable {
  public let id: Int
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
public struct LabelTable<Kind: FixupKind>: Sendable {
  private var positions: [Int?] = []
  private var fixups: [(label: Label, site: Int, kind: Kind)] = []

  public init() {}

  public mutating func make() -> Label {
    positions.append(nil)
    return Label(id: positions.count - 1)
  }

  public func position(of label: Label) -> Int? { positions[label.id] }

  public mutating func bind(_ label: Label, at offset: Int) throws(CodeGenError) {
    guard positions[label.id] == nil else { throw .labelBoundTwice(label.id) }
    positions[label.id] = offset
  }

  /// Records that the instruction whose patchable field is at `site` refers to `label`.
  public mutating func use(_ label: Label, site: Int, kind: Kind) {
    fixups.append((label, site, kind))
  }

  /// Patches every recorded use. Call once, after the last `bind`.
  public mutating func resolve(in buffer: inout CodeBuffer) throws(CodeGenError) {
    for fixup in fixups {
      guard let target = positions[fixup.label.id] else {
        throw .labelUnbound(fixup.label.id)
      }
      try fixup.kind.apply(to: &buffer, site: fixup.site, target: target)
    }
    fixups.removeAll(keepingCapacity: true)
  }
}
