import Foundation

/// Where the bpf_conformance suite's `.data` files are, in the order
/// `Scripts/conformance.sh` looks: `$KILN_BPF_CONFORMANCE`,
/// `../shared/bpf_conformance/tests` beside the repository, then the checkout
/// of the pinned upstream commit in `.build/bpf_conformance/tests`. Nil when
/// none holds `.data` files (`missingReason` says how to get it).
public enum ConformanceSuite {
  public static func locate(repositoryRoot root: URL) -> URL? {
    var candidates: [URL] = []
    if let dir = ProcessInfo.processInfo.environment["KILN_BPF_CONFORMANCE"], !dir.isEmpty {
      candidates.append(URL(fileURLWithPath: dir))
    } else {
      candidates.append(
        root.deletingLastPathComponent().appendingPathComponent("shared/bpf_conformance/tests"))
      candidates.append(root.appendingPathComponent(".build/bpf_conformance/tests"))
    }
    return candidates.first { dir in
      let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
      return names.contains { $0.hasSuffix(".data") }
    }
  }

  /// The one line a skipped (or, under CI, failed) test prints.
  public static let missingReason =
    "bpf_conformance suite not found: run Scripts/conformance.sh (or Scripts/test.sh), "
    + "or set KILN_BPF_CONFORMANCE to its tests/ folder"
}
