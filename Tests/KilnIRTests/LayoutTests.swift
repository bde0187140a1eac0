import KilnIR
import Testing

/// `LayoutBuilder` places fields as documented, and `FieldLayout` finds
/// overlapping fields and fields outside the block.
struct LayoutBuilderTests {
  @Test func upwardPlacesInOrderAligned() {
    var b = LayoutBuilder(.upward)
    #expect(b.field("a", size: 4, alignment: 4) == 0)
    #expect(b.field("b", size: 8, alignment: 8) == 8)
    #expect(b.field("c", size: 1, alignment: 1) == 16)
    #expect(b.field("d", size: 16, alignment: 0x100) == 0x100)
    let layout = b.build(alignment: 0x1000)
    #expect(layout.start == 0)
    #expect(layout.size == 0x1000)
    #expect(layout.fields.map(\.name) == ["a", "b", "c", "d"])
    #expect(layout.overlaps.isEmpty)
    #expect(layout.outside.isEmpty)
  }

  @Test func downwardEndsAtThePointer() {
    var b = LayoutBuilder(.downward)
    #expect(b.field("registers", size: 0x84, at: -0x84) == -0x84)
    #expect(b.field("word", size: 8, alignment: 8) == -0x90)
    #expect(b.field("table", size: 0x30, alignment: 0x100) == -0x100)
    #expect(b.field("page", size: 0x1001, alignment: 0x1000) == -0x2000)
    let layout = b.build(alignment: 0x1000)
    #expect(layout.start == -0x2000)
    #expect(layout.size == 0x2000)
    #expect(layout.end == 0)
    #expect(layout.overlaps.isEmpty)
    #expect(layout.outside.isEmpty)
  }

  @Test(arguments: [LayoutBuilder.Direction.upward, .downward])
  func groupKeepsItsInnerLayout(direction: LayoutBuilder.Direction) throws {
    var b = LayoutBuilder(direction)
    b.field("first", size: 4, alignment: 4)
    let (offset, inner) = b.group("g", alignment: 0x40) { g in
      (x: g.field("x", size: 4, alignment: 4), y: g.field("y", size: 8, alignment: 8))
    }
    #expect(inner.x == 0)
    #expect(inner.y == 8)
    #expect(offset % 0x40 == 0)
    #expect(offset == (direction == .upward ? 0x40 : -0x40))
    let layout = b.build()
    let y = try #require(layout.field(named: "g.y"))
    #expect(y.offset == Int(offset) + 8)
    #expect(y.size == 8)
    #expect(layout.overlaps.isEmpty)
    #expect(layout.outside.isEmpty)
  }

  /// The checks the layout tests rely on do find a bad layout.
  @Test func overlapAndOutsideAreFound() {
    var b = LayoutBuilder(.upward)
    b.field("a", size: 8, alignment: 8)
    b.field("b", size: 8, at: 4)
    b.field("empty", size: 0, at: 12)
    b.field("c", size: 4, at: 16)
    let layout = b.build()
    #expect(layout.overlaps.map { [$0.0.name, $0.1.name] } == [["a", "b"]])  // not the empty field
    #expect(layout.outside.isEmpty)
    let short = FieldLayout(fields: layout.fields, start: 0, size: 16)
    #expect(short.outside.map(\.name) == ["c"])
    let below = FieldLayout(fields: layout.fields, start: 8, size: 16)
    #expect(below.outside.map(\.name) == ["a", "b"])
  }

  @Test func alignment() {
    #expect(LayoutBuilder.align(up: 0x84, 0x100) == 0x100)
    #expect(LayoutBuilder.align(up: 0x100, 0x100) == 0x100)
    #expect(LayoutBuilder.align(down: -0x9C, 0x100) == -0x100)
    #expect(LayoutBuilder.align(down: -0x100201, 0x1000) == -0x101000)
    #expect(LayoutBuilder.align(up: 0x100001, 0x1000) == 0x101000)
  }
}

/// Every `FunctionEnvironment` state block: the fields do not overlap, lie
/// inside the block, and are where the formulas ports use say they are.
struct FunctionEnvironmentLayoutTests {
  @Test(arguments: [0, 2, 20])
  func soundLayout(regionCount: Int) throws {
    typealias Env = FunctionEnvironment
    let layout = Env.layout(regionCount: regionCount)
    #expect(layout.start == 0)
    #expect(layout.size == Env.stateSize(regionCount: regionCount))
    #expect(layout.overlaps.isEmpty, "\(layout.overlaps)")
    #expect(layout.outside.isEmpty, "\(layout.outside)")
    #expect(layout.fields.count == 15 + 5 * regionCount)
    for i in 0..<regionCount {
      let base = try #require(layout.field(named: "region \(i).base"))
      #expect(base.offset == Int(Env.regionBase(i)))
      for size in [1, 2, 4, 8] {
        let limit = try #require(layout.field(named: "region \(i).limit\(size)"))
        #expect(limit.offset == Int(Env.regionLimit(i, size: size)))
        #expect(limit.size == 8)
      }
    }
  }

  /// The offsets of the diagram in FunctionEnvironment.swift (generated
  /// code addresses them: moving one changes every program's code).
  @Test func offsetsMatchTheDiagram() {
    typealias Env = FunctionEnvironment
    let fixed: [Int32] = [
      Env.status, Env.errorSite, Env.errorAddress, Env.errorDetail, Env.savedStack,
      Env.callDepth, Env.helperID, Env.helperCall, Env.argument1, Env.argument2, Env.frameTop,
      Env.hostContext, Env.budgetRemaining, Env.interrupt, Env.stopRegister(0),
      Env.stopRegister(10),
    ]
    #expect(fixed == [0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 192])
    #expect(Env.regions == 200)
    #expect(Env.regionSize == 40)
    #expect(Env.regionBase(1) == 240)
    #expect([1, 2, 4, 8].map { Env.regionLimit(1, size: $0) } == [248, 256, 264, 272])
    #expect(Env.stateSize(regionCount: 2) == 280)
  }
}
