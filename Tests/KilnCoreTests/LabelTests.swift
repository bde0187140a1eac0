import Testing

@testable import KilnCore

/// A 32-bit little-endian displacement relative to the end of the field.
struct Rel32: FixupKind {
  var description: String { "rel32" }
  func apply(to buffer: inout CodeBuffer, site: Int, target: Int) throws(CodeGenError) {
    let distance = target - (site + 4)
    guard fitsSigned(Int64(distance), bits: 32) else {
      throw .branchOutOfRange(kind: description, distance: distance)
    }
    buffer.patch32(at: site, UInt32(truncatingIfNeeded: distance))
  }
}

@Test func forwardAndBackwardLabelsResolve() throws {
  var buffer = CodeBuffer()
  var labels = LabelTable<Rel32>()
  let back = labels.make()
  try labels.bind(back, at: buffer.offset)
  buffer.emit8(0x90)
  let forward = labels.make()
  buffer.emit8(0xE9)
  labels.use(forward, site: buffer.offset, kind: Rel32())
  buffer.emit32(0)
  buffer.emit8(0xE9)
  labels.use(back, site: buffer.offset, kind: Rel32())
  buffer.emit32(0)
  try labels.bind(forward, at: buffer.offset)
  try labels.resolve(in: &buffer)
  // jmp forward: from end of first jmp (offset 6) to offset 11 → +5
  #expect(buffer.read32(at: 2) == 5)
  // jmp back: from offset 11 to 0 → -11
  #expect(Int32(bitPattern: buffer.read32(at: 7)) == -11)
}

@Test func unboundLabelIsAnError() {
  var buffer = CodeBuffer()
  var labels = LabelTable<Rel32>()
  let l = labels.make()
  buffer.emit32(0)
  labels.use(l, site: 0, kind: Rel32())
  #expect(throws: CodeGenError.labelUnbound(l.id)) { try labels.resolve(in: &buffer) }
}

@Test func doublyBoundLabelIsAnError() throws {
  var labels = LabelTable<Rel32>()
  let l = labels.make()
  try labels.bind(l, at: 0)
  #expect(throws: CodeGenError.labelBoundTwice(l.id)) { try labels.bind(l, at: 4) }
}
