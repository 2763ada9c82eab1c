// swift-tools-version:6.0
// The `apsim` executable: serve (an HTTP endpoint for any AWS SDK or the AWS CLI), validate, call.
//
// A package of its own so that SwiftNIO never reaches libapsim.so nor the root package's test and
// sanitizer builds. It uses the core (ApsimCore) directly, through the same wire protocol as
// apsim_http. Built by `make cli` (build/bin/apsim).
import PackageDescription

let package = Package(
    name: "apsim-cli",
    products: [
        // Installed as `apsim` (the root package already has a product named apsim: libapsim.so).
        .executable(name: "apsim-cli", targets: ["ApsimCLI"]),
    ],
    dependencies: [
        .package(name: "apsim", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "ApsimCLI",
            dependencies: [
                .product(name: "ApsimCore", package: "apsim"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
