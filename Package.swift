// swift-tools-version: 6.1
import PackageDescription

/// Settings every swept target shares: Swift 6 mode plus the upcoming features the house turns on.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Hot numeric targets drop exclusivity checks in release builds; everything else keeps them.
let numericSettings: [SwiftSetting] = swiftSettings + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "swept",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SweptTuning", targets: ["SweptTuning"]),
        .library(name: "SweptLearn", targets: ["SweptLearn"]),
        .library(name: "SweptStore", targets: ["SweptStore"]),
        .library(name: "SweptWire", targets: ["SweptWire"]),
        .library(name: "SweptConfig", targets: ["SweptConfig"]),
        .library(name: "SweptCoordinator", targets: ["SweptCoordinator"]),
        .library(name: "SweptWorker", targets: ["SweptWorker"]),
        .executable(name: "swept", targets: ["swept"]),
        .executable(name: "swept-bench", targets: ["swept-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        // System libraries: module maps over shim headers, nothing else.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CNNG", path: "Sources/CNNG"),

        // Vector kernels with run-time instruction-set dispatch (AVX-512 / AVX2 / baseline), pure C, no I/O:
        // TPE's bound pass (swept_kernels.c) and SweptLearn's elementwise kernels (learn_kernels.c).
        .target(name: "CSweptKernels"),
        // Pure tuning core: search spaces, studies, samplers, pruners. Standard library (+ CSweptKernels) only.
        .target(name: "SweptTuning", dependencies: ["CSweptKernels"], swiftSettings: numericSettings),
        // Float32 training over OpenBLAS.
        .target(name: "SweptLearn", dependencies: ["CBLAS", "CZlib", "CSweptKernels"], swiftSettings: numericSettings),
        // The study store: SQLite (GRDB) with Optuna's schema.
        .target(
            name: "SweptStore",
            dependencies: ["SweptTuning", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Wire protocol: messages, codec, authentication, the nng wrapper.
        .target(
            name: "SweptWire",
            dependencies: ["CNNG", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Study configs: YAML (Yams) into typed, validated study declarations.
        .target(
            name: "SweptConfig",
            dependencies: ["SweptTuning", "Yams"],
            swiftSettings: swiftSettings
        ),
        // Scheduling studies: ask/tell over the store, leases, heartbeats, requeue, serving requests.
        .target(
            name: "SweptCoordinator",
            dependencies: [
                "SweptTuning", "SweptStore", "SweptWire", "SweptConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Running trials: objectives (test functions, trainers, external commands), metric streaming.
        .target(
            name: "SweptWorker",
            dependencies: [
                "SweptTuning", "SweptLearn", "SweptWire", "SweptConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The CLI.
        .executableTarget(
            name: "swept",
            dependencies: [
                "SweptTuning", "SweptStore", "SweptWire", "SweptConfig", "SweptCoordinator", "SweptWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "swept-bench",
            dependencies: [
                "SweptTuning", "SweptLearn", "SweptStore", "SweptWire", "SweptCoordinator", "SweptWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Fault-injection tool for SweptStoreTests: writes through the store in a separate process (to be killed).
        .executableTarget(
            name: "swept-store-writer",
            dependencies: ["SweptStore", "SweptTuning"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "SweptTuningTests", dependencies: ["SweptTuning"], resources: [.copy("Fixtures")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "SweptLearnTests", dependencies: ["SweptLearn"], swiftSettings: swiftSettings),
        .testTarget(name: "SweptStoreTests", dependencies: ["SweptStore", "SweptTuning"], swiftSettings: swiftSettings),
        .testTarget(name: "SweptWireTests", dependencies: ["SweptWire"], swiftSettings: swiftSettings),
        .testTarget(name: "SweptConfigTests", dependencies: ["SweptConfig", "SweptTuning"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SweptCoordinatorTests",
            dependencies: ["SweptCoordinator", "SweptConfig", "SweptStore", "SweptWire", "SweptTuning"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SweptWorkerTests",
            dependencies: ["SweptWorker", "SweptTuning", "SweptLearn"],
            swiftSettings: swiftSettings
        ),
        // Real processes: drives the built `swept` binary (coordinator, workers, CLI).
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["SweptStore", "SweptTuning"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
