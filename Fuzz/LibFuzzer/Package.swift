// swift-tools-version: 6.1
// The libFuzzer build of the fuzz targets (Scripts/fuzz.sh builds it with
// `-sanitize=fuzzer`); a package of its own so that the normal build and
// tests of Kiln never need the sanitizer.
import PackageDescription

let package = Package(
  name: "KilnLibFuzzer",
  platforms: [.macOS(.v14)],
  dependencies: [.package(name: "Kiln", path: "../..")],
  targets: [
    .executableTarget(
      name: "kiln-libfuzzer",
      dependencies: [.product(name: "KilnFuzz", package: "Kiln")],
      swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])])
  ]
)
