import KilnIR
import Testing

@testable import Runtime

/// The state blocks of both memory modes: the fields `LayoutBuilder` handed
/// out do not overlap and lie inside the block, and neither do the extents
/// generated code reaches through the `StateLayout` ports get.
struct GuestStateLayoutTests {
  /// A span of the block that generated code or the runtime touches.
  struct Extent: CustomStringConvertible {
    let name: String
    let offset: Int
    let size: Int
    var description: String { "\(name) [\(offset), \(offset + size))" }
  }

  /// What generated code reaches through `layout`, sized from the layout
  /// and the runtime's constants (not from the builder).
  static func extents(of layout: StateLayout) -> [Extent] {
    var extents = [
      Extent(name: "registers", offset: Int(layout.registers), size: layout.registerCount * 4),
      Extent(
        name: "jumpCache", offset: Int(layout.jumpCache), size: (Int(layout.jumpCacheMask) + 1) * 16
      ),
      Extent(name: "exitPC", offset: Int(layout.exitPC), size: 4),
      Extent(name: "exitPatchSite", offset: Int(layout.exitPatchSite), size: 8),
      Extent(name: "hostCalls", offset: Int(layout.hostCalls), size: HostCall.allCases.count * 8),
      Extent(name: "hostContext", offset: Int(layout.hostContext), size: 8),
    ]
    switch layout.memory {
    case .paged(let tables):
      extents += [
        Extent(name: "pageTable", offset: Int(tables.pageTable), size: (1 << 20) * 2),
        Extent(name: "readTags", offset: Int(tables.readTags), size: Config.maxPages * 4),
        Extent(name: "writeTags", offset: Int(tables.writeTags), size: Config.maxPages * 4),
        Extent(name: "hostBias", offset: Int(tables.hostBias), size: Config.maxPages * 8),
      ]
      if let direct = tables.directTables {
        extents += [
          Extent(name: "readDirect", offset: Int(direct.read), size: (1 << 20) * 8),
          Extent(name: "writeDirect", offset: Int(direct.write), size: (1 << 20) * 8),
        ]
      }
    case .flat(let codePages):
      extents.append(Extent(name: "codePages", offset: Int(codePages), size: (1 << 20) + 1))
    }
    return extents
  }

  /// Every layout the runtime builds, with the block's extent from its pointer.
  static let layouts: [(name: String, layout: StateLayout, fields: FieldLayout)] = [
    (
      "paged, page-table walk", GuestState.Paged.layout(walk: .pageTable),
      GuestState.Paged.offsets.fields
    ),
    ("paged, direct walk", GuestState.Paged.layout(walk: .direct), GuestState.Paged.offsets.fields),
    ("flat", GuestState.Flat.layout, GuestState.Flat.offsets.fields),
  ]

  @Test(arguments: 0..<layouts.count)
  func builderFieldsAreSound(_ index: Int) {
    let (name, _, fields) = Self.layouts[index]
    #expect(fields.overlaps.isEmpty, "\(name): \(fields.overlaps)")
    #expect(fields.outside.isEmpty, "\(name): \(fields.outside)")
    #expect(fields.size % 4096 == 0, "\(name)")
  }

  @Test(arguments: 0..<layouts.count)
  func reachedExtentsAreSound(_ index: Int) {
    let (name, layout, fields) = Self.layouts[index]
    let extents = Self.extents(of: layout)
    for (i, a) in extents.enumerated() {
      #expect(a.offset >= fields.start && a.offset + a.size <= fields.end, "\(name): \(a)")
      for b in extents[(i + 1)...] {
        let disjoint = a.offset + a.size <= b.offset || b.offset + b.size <= a.offset
        #expect(disjoint, "\(name): \(a) overlaps \(b)")
      }
    }
  }

  /// The state block allocations are as big as the layouts say.
  @Test func blockSizes() {
    #expect(GuestState.Paged.size == GuestState.Paged.offsets.fields.size)
    #expect(GuestState.Flat.size == GuestState.Flat.offsets.fields.size)
    #expect(GuestState.Flat.offsets.fields.end == 0)
  }

  /// The offsets drawn in GuestStateLayout.swift (generated code addresses
  /// them: moving one changes every block's code).
  @Test func offsetsMatchTheDiagrams() throws {
    let paged = GuestState.Paged.layout(walk: .direct)
    #expect(paged.registers == 0)
    #expect(paged.exitPC == 0x100)
    #expect(paged.exitPatchSite == 0x108)
    #expect(paged.hostContext == 0x110)
    #expect(paged.hostCalls == 0x200)
    #expect(paged.jumpCache == 0x1000)
    guard case .paged(let tables) = paged.memory else {
      Issue.record("paged layout without page tables")
      return
    }
    #expect(tables.pageTable == 0x10_1000)
    #expect(tables.readTags == 0x30_1000)
    #expect(tables.writeTags == 0x34_1000)
    #expect(tables.hostBias == 0x38_1000)
    let direct = try #require(tables.directTables)
    #expect(direct.read == 0x40_1000)
    #expect(direct.write == 0xC0_1000)
    #expect(GuestState.Paged.size == 0x140_1000)

    let flat = GuestState.Flat.layout
    #expect(flat.registers == -0x84)
    #expect(Int(flat.registers) + flat.registerCount * 4 == 0)  // up to the pointer
    #expect(flat.hostContext == -0xF0)
    #expect(flat.exitPatchSite == -0xF8)
    #expect(flat.exitPC == -0x100)
    #expect(flat.hostCalls == -0x200)
    #expect(GuestState.Flat.codePages == -0x10_2000)
    #expect(flat.jumpCache == -0x20_2000)
    #expect(GuestState.Flat.size == 0x20_2000)
  }
}
