// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "rso-workflow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rsoctl", targets: ["rsoctl"]),
        .library(name: "WorkflowEngine", targets: ["WorkflowEngine"]),
        .library(name: "PostgresBackend", targets: ["PostgresBackend"]),
        .library(name: "SQLiteBackend", targets: ["SQLiteBackend"]),
        .library(name: "StoreSelection", targets: ["StoreSelection"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // TLS to PostgreSQL (sslmode, sslrootcert, sslcert, sslkey); already built for PostgresNIO.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // SHA-256 of imported files; already built for PostgresNIO.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // rsoctl's defaults file (~/.config/rso-workflow/config.toml).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // The HTTP server (`rsoctl serve`), run as a service with graceful shutdown.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // HTTP statuses and header names, as Hummingbird speaks them (already built for it).
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // The OpenAPI document is written in YAML; Yams reads it once to serve /openapi.json too.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // `/metrics` in Prometheus's text format.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Event-loop timers for the server's request deadline (already built for Hummingbird and PostgresNIO).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // The web pages' password hashes: bcrypt, as Hummingbird's authors package it (HummingbirdBcrypt is plain C
        // and Swift, no HTTP code).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // The web pages' HTML templates, escaped by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // The engine core: definitions, the decider, the engine and the store protocols. It links no database driver
        // and no HTTP code; a module links only this.
        .target(
            name: "WorkflowEngine",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Each store in a target of its own, the only places a database driver is linked.
        .target(
            name: "PostgresBackend",
            dependencies: [
                "WorkflowEngine",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Stores/PostgresBackend",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SQLiteBackend",
            dependencies: [
                "WorkflowEngine",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Stores/SQLiteBackend",
            swiftSettings: swiftSettings
        ),
        // A database URL to the store it names: what the executables open.
        .target(
            name: "StoreSelection",
            dependencies: ["WorkflowEngine", "PostgresBackend", "SQLiteBackend", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Stores/StoreSelection",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AVRR",
            dependencies: ["WorkflowEngine"],
            path: "Sources/Modules/AVRR",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JointPeriodOfAction",
            dependencies: ["WorkflowEngine"],
            path: "Sources/Modules/JointPeriodOfAction",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Secondments",
            dependencies: ["WorkflowEngine"],
            path: "Sources/Modules/Secondments",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CRVSAssessment",
            dependencies: ["WorkflowEngine"],
            path: "Sources/Modules/CRVSAssessment",
            swiftSettings: swiftSettings
        ),
        // The JSON shapes rsoctl prints and the HTTP API answers with: one home for each.
        .target(
            name: "WorkflowViews",
            dependencies: ["WorkflowEngine"],
            swiftSettings: swiftSettings
        ),
        // The HTTP server over an engine: the only target that links HTTP code; `rsoctl serve` runs it.
        .target(
            name: "WorkflowServer",
            dependencies: [
                "WorkflowEngine", "WorkflowViews",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rsoctl",
            dependencies: [
                "WorkflowEngine", "StoreSelection", "WorkflowViews", "WorkflowServer", "AVRR", "JointPeriodOfAction", "Secondments", "CRVSAssessment",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        // Speed and memory figures against raw SQL on the same server: scripts/bench runs it in release mode.
        .executableTarget(
            name: "rsobench",
            dependencies: [
                "WorkflowEngine", "PostgresBackend", "SQLiteBackend", "StoreSelection", "AVRR", "JointPeriodOfAction",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/rsobench",
            swiftSettings: swiftSettings
        ),
        // What the module specs share: a case driven through the pure Decider, step by step.
        .target(
            name: "WorkflowTestSupport",
            dependencies: ["WorkflowEngine"],
            path: "Tests/WorkflowTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkflowServerTests",
            dependencies: [
                "WorkflowServer", "WorkflowEngine", "WorkflowViews", "AVRR", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkflowEngineTests",
            dependencies: ["WorkflowEngine", "WorkflowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "WorkflowEngine", "PostgresBackend", "SQLiteBackend", "StoreSelection",
                "AVRR", "JointPeriodOfAction", "CRVSAssessment", "WorkflowTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AVRRTests",
            dependencies: ["WorkflowEngine", "AVRR", "WorkflowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JointPeriodOfActionTests",
            dependencies: ["WorkflowEngine", "JointPeriodOfAction", "WorkflowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SecondmentsTests",
            dependencies: ["WorkflowEngine", "Secondments", "WorkflowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CRVSAssessmentTests",
            dependencies: ["WorkflowEngine", "CRVSAssessment", "WorkflowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RsoctlTests",
            dependencies: ["rsoctl", "WorkflowEngine", "StoreSelection", "WorkflowTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
