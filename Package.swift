// swift-tools-version:6.0
// apsim: an in-process emulator of the Amazon EFS access point and Amazon FSx S3 access point
// attachment APIs, shipped as the self-contained C library libapsim.so (see README.md).
//
// The shipped .so is built by `make` (swift build -c release -Xswiftc -static-stdlib plus a linker
// version script and SONAME); this manifest stays flag-free so that `swift test` works unchanged.
import PackageDescription

let package = Package(
    name: "apsim",
    products: [
        .library(name: "apsim", type: .dynamic, targets: ["ApsimABI"]),
        // The core as a Swift library, for the `apsim` executable (cli/Package.swift).
        .library(name: "ApsimCore", targets: ["ApsimCore"]),
    ],
    targets: [
        // Pure Swift: validation, state, errors, one folder per service. No C types (it reads only
        // the version macros of the header).
        .target(name: "ApsimCore", dependencies: ["ApsimC"]),
        // The public header include/apsim.h (symlinked), so Swift can check the exports against it.
        .target(name: "ApsimC"),
        // The exported C functions only: convert C <-> Swift, catch every error, never trap.
        .target(name: "ApsimABI", dependencies: ["ApsimCore", "ApsimC"]),
        // The libFuzzer target over the C ABI (tools/fuzz.sh); a corpus replayer in normal builds.
        .executableTarget(name: "ApsimFuzz", dependencies: ["ApsimABI", "ApsimC", "ApsimCore"]),
        .testTarget(name: "ApsimCoreTests", dependencies: ["ApsimCore", "ApsimABI", "ApsimC"]),
    ]
)
