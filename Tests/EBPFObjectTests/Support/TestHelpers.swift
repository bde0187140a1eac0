import EBPF

/// The helpers of `Tests/Fixtures/bpf/bpf.h`, with the semantics of their C
/// definitions in `harness.c`.
enum TestHelpers {
  static let table: HelperTable = {
    var t = HelperTable.conformance  // 5: identity
    t.register(20) { a, b, _, _, _ in (a &* 0x9E37_79B9_7F4A_7C15) ^ b }
    t.register(21) { a, b, limit, _, _ in min(a &+ b, limit) }
    t.register(22) { a, b, c, d, e in a &+ 2 &* b &+ 3 &* c &+ 4 &* d &+ 5 &* e }
    return t
  }()
}
