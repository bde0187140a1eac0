/// The eBPF registers each direct helper reads (bit i: ri), by helper id.
///
/// A short list searched linearly instead of a dictionary: a program calls
/// a handful of helpers, and on the device (Embedded Swift) building and
/// hashing into a `Dictionary` cost more of the load than the lookups.
struct HelperMasks: ExpressibleByDictionaryLiteral {
  private var ids: [UInt32] = []
  private var masks: [UInt16] = []

  init() {}

  init(dictionaryLiteral elements: (UInt32, UInt16)...) {
    for (id, mask) in elements { self[id] = mask }
  }

  /// The mask of helper `id`; nil: not listed.
  subscript(id: UInt32) -> UInt16? {
    get {
      for i in ids.indices where ids[i] == id { return masks[i] }
      return nil
    }
    set {
      if let i = ids.firstIndex(of: id) {
        if let newValue {
          masks[i] = newValue
        } else {
          ids.remove(at: i)
          masks.remove(at: i)
        }
      } else if let newValue {
        ids.append(id)
        masks.append(newValue)
      }
    }
  }
}
