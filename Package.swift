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
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "WorkflowEngine",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
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
        .executableTarget(
            name: "rsoctl",
            dependencies: [
                "WorkflowEngine", "AVRR", "JointPeriodOfAction", "Secondments", "CRVSAssessment",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Speed and memory figures against raw SQL on the same server: scripts/bench runs it in release mode.
        .executableTarget(
            name: "rsobench",
            dependencies: [
                "WorkflowEngine", "AVRR",
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
            name: "WorkflowEngineTests",
            dependencies: ["WorkflowEngine"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "WorkflowEngine", "AVRR", "JointPeriodOfAction", "CRVSAssessment",
                .product(name: "PostgresNIO", package: "postgres-nio"),
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
            dependencies: ["rsoctl", "WorkflowEngine"],
            swiftSettings: swiftSettings
        ),
    ]
)
