// kiln-fuzz: the deterministic fuzz driver (Scripts/fuzz.sh --driver).
//
//   kiln-fuzz TARGET [-runs N] [-seed S] [-start I] [-corpus DIR] [-artifacts DIR] [-only ENGINE]
//   kiln-fuzz TARGET -replay FILE...
//
// Targets: bpf-native, bpf-emulated, rv32-native, rv32-emulated, elf,
// object, assembler, checker. Exit status 1 if any input diverged.
import Foundation
import KilnFuzz

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("kiln-fuzz: \(message)\n".utf8))
  exit(64)
}

var args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let target = FuzzTarget(rawValue: name) else {
  fail(
    "usage: kiln-fuzz TARGET [-runs N] [-seed S] [-start I] [-corpus DIR] [-artifacts DIR] | -replay FILE...; targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))"
  )
}
args.removeFirst()
var runs = 1000
var seed: UInt64 = 1
var start = 0
var corpus: String?
var artifacts = "Fuzz/artifacts"
var replay: [String] = []
var only: String?
while !args.isEmpty {
  let flag = args.removeFirst()
  if flag == "-replay" {
    replay = args
    break
  }
  guard let value = args.first else { fail("\(flag) needs a value") }
  args.removeFirst()
  switch flag {
  case "-runs": runs = Int(value) ?? { fail("bad -runs \(value)") }()
  case "-seed": seed = UInt64(value) ?? { fail("bad -seed \(value)") }()
  case "-start": start = Int(value) ?? { fail("bad -start \(value)") }()
  case "-corpus": corpus = value
  case "-artifacts": artifacts = value
  case "-only": only = value
  case "-show":
    let input = FuzzDriver(target: target, seed: seed).input(at: Int(value) ?? 0)
    print(target.describe(input))
    exit(0)
  default: fail("unknown option \(flag)")
  }
}

func files(in directory: String) -> [String] {
  let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
  return names.sorted().map { "\(directory)/\($0)" }
}

if !replay.isEmpty {
  let runner = try target.makeRunner(only: only)
  var diverged = 0
  for path in replay {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let ext = path.split(separator: ".").last.map(String.init) ?? ""
    let divergence: Divergence?
    if ext == "rv32" || ext == "bpf" {
      let parsed = try RegressionFile.parse(String(decoding: data, as: UTF8.self), kind: ext)
      divergence = try runner.program(parsed)
      if let reason = parsed.disabled { print("\(path): known, disabled: \(reason)") }
    } else {
      divergence = try runner.run([UInt8](data))
    }
    if let d = divergence {
      diverged += 1
      print("\(path): DIVERGES\n\(d)")
    } else {
      print("\(path): ok")
    }
  }
  exit(diverged == 0 ? 0 : 1)
}

let seeds = files(in: corpus ?? "Fuzz/Corpus/\(name)").compactMap {
  FileManager.default.contents(atPath: $0).map { [UInt8]($0) }
}

// A crash (a trap in Kiln) kills the process: say which input it was.
nonisolated(unsafe) var current = 0
nonisolated(unsafe) var crashSeed: UInt64 = 0
func onCrash(_ signal: Int32) {
  // Async-signal-safe: only write(2) of bytes formatted by hand.
  var text = Array("\nkiln-fuzz: crashed on input ".utf8)
  var digits: [UInt8] = []
  var n = current
  repeat {
    digits.append(UInt8(48 + n % 10))
    n /= 10
  } while n > 0
  text += digits.reversed()
  text += Array(" (reproduce: -seed SEED -start INPUT -runs 1)\n".utf8)
  _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  Foundation.signal(signal, SIG_DFL)
  raise(signal)
}
for s in [SIGILL, SIGTRAP, SIGABRT, SIGBUS] { signal(s, onCrash) }

// A hang (a program that does not end) is a finding too: a watchdog ends
// the process when one input runs for more than a minute.
crashSeed = seed
let watchdog = Thread {
  var last = -1
  var still = 0
  while true {
    Thread.sleep(forTimeInterval: 5)
    if current == last {
      still += 5
      if still >= 60 {
        FileHandle.standardError.write(
          Data(
            "kiln-fuzz: input \(current) has run for 60 s (reproduce: -seed \(crashSeed) -start \(current) -runs 1)\n"
              .utf8))
        exit(2)
      }
    } else {
      last = current
      still = 0
    }
  }
}
watchdog.start()

let driver = FuzzDriver(target: target, seed: seed, seeds: seeds, only: only)
let began = Date()
let pairs = target.pairs
print("kiln-fuzz \(name): seed \(seed), inputs \(start)..<\(start + runs), \(seeds.count) seeds")
for p in pairs { print("  pair: \(p)") }
let report = try driver.run(
  start: start, runs: runs, every: max(1, min(10_000, runs / 10)),
  before: { current = $0 },
  progress: { r in
    let s = Date().timeIntervalSince(began)
    print(
      "#\(r.executions) \(Int(Double(r.executions) / max(s, 0.001)))/s divergences \(r.findings.count)"
    )
  })
try? FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
for f in report.findings {
  let path = "\(artifacts)/\(name)-seed\(seed)-input\(f.index)"
  FileManager.default.createFile(atPath: path, contents: Data(f.input))
  try? "\(f.divergence)\n".write(toFile: path + ".txt", atomically: true, encoding: .utf8)
  print("DIVERGENCE at input \(f.index) (saved \(path)):\n\(f.divergence)")
}
let seconds = Date().timeIntervalSince(began)
print(
  "done: \(report.executions) executions in \(Int(seconds)) s; \(report.findings.count) divergences"
)
for p in pairs { print("  \(report.executions) programs: \(p)") }
for (kind, n) in report.outcomes.sorted(by: { $0.value > $1.value }) {
  print("  reference outcome \(kind): \(n)")
}
exit(report.findings.isEmpty ? 0 : 1)
