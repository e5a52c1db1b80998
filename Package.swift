// swift-tools-version:6.1
import PackageDescription

// Layers, bottom up: C shims → one Swift wrapper per C library → the gitgate domain
// (GitGateLint → GitGateConfig → GitGateMigrations → GitGateTargets → GitGateReview →
// GitGateVerdict → GitGateRender → GitGateKit) → the thin `gitgate` executable.
// Tests import the libraries.
let package = Package(
    name: "gitgate",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex (LocalPostgres)
    products: [
        .executable(name: "gitgate", targets: ["gitgate"]),
        .library(name: "GitGateKit", targets: [
            "GitGateJSON", "GitGateLint", "GitGateConfig", "GitGateMigrations", "GitGateTargets",
            "GitGateReview", "GitGateVerdict", "GitGateRender", "GitGateKit",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries, from the system (install.sh brings them).
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        // libpq's header only: the Postgres wrapper dlopens libpq when a target is first used.
        .systemLibrary(name: "CLibPQ", providers: [.apt(["libpq-dev"])]),
        // libpg_query ships no pkg-config file; its header and library are on the default paths.
        .systemLibrary(name: "CPgQuery", providers: [.apt(["libpg-query-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // One Swift wrapper per C library; nothing C-typed is public.
        .target(name: "Git", dependencies: ["CGit2", "CGit2Startup"]),
        // Keeps libgit2's initialisation from parsing the system's CA bundle (see its .c file).
        .target(name: "CGit2Startup"),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "SQL", dependencies: ["CPgQuery"]),
        .target(name: "Digest", dependencies: ["CCrypto"]),

        // A throwaway PostgreSQL cluster: used by the demo and by the tests.
        .target(name: "LocalPostgres", dependencies: ["Postgres"]),

        // The domain, one target per layer in the order data flows; a lower layer cannot
        // import a higher one (ARCHITECTURE.md draws them).
        // The one JSON contract: every command's --format json, and what gitgate stores.
        .target(name: "GitGateJSON"),
        // Review of SQL text: the rules, the linter, findings. Knows nothing of git or databases.
        .target(name: "GitGateLint", dependencies: ["SQL", "Digest", "GitGateJSON"]),
        // The policy (main's committed `.gitgate`), errors and exit codes.
        .target(name: "GitGateConfig", dependencies: ["Git", "GitGateLint", "GitGateJSON"]),
        // The migration model: layouts, one reading of a folder, what a branch brings into main.
        .target(name: "GitGateMigrations", dependencies: ["GitGateConfig", "Git", "Digest", "SQL"]),
        // Targets: one read-only round trip per database, ledgers, per-statement evidence.
        .target(name: "GitGateTargets", dependencies: ["GitGateMigrations", "Postgres", "SQL"]),
        // The review of a branch: main's history, the lint service.
        .target(name: "GitGateReview", dependencies: ["GitGateTargets"]),
        // The one decision: status, check, apply, close and every hook call it.
        .target(name: "GitGateVerdict", dependencies: ["GitGateReview"]),
        // How a verdict reads: text, JSON, annotations.
        .target(name: "GitGateRender", dependencies: ["GitGateVerdict"]),
        // Actions: apply, record, baseline, rollback, plan, close, hooks, init and doctor.
        .target(
            name: "GitGateKit",
            dependencies: ["GitGateRender"],
            // Symlinks to the top-level hooks/ and migrations/ (gitgate's own ledger schema),
            // embedded so an installed binary needs no source tree.
            resources: [.embedInCode("Resources/hooks"), .embedInCode("Resources/ledger")]
        ),
        // The README's first command: a throwaway cluster and a worked example. Not in the library.
        .target(name: "GitGateDemo", dependencies: ["GitGateKit", "LocalPostgres"]),

        .executableTarget(
            name: "gitgate",
            dependencies: ["GitGateKit", "GitGateDemo", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Test support: temp repositories with worktrees, a throwaway PostgreSQL.
        .target(name: "TestSupport", dependencies: ["Git", "Postgres", "LocalPostgres"], path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "LocalPostgres", "TestSupport"]),
        .testTarget(name: "SQLTests", dependencies: ["SQL"]),
        .testTarget(name: "GitGateKitTests", dependencies: ["GitGateKit", "GitGateDemo", "TestSupport", "Git", "Postgres", "LocalPostgres", "SQL", "Digest"], exclude: ["Snapshots"]),
        .testTarget(name: "CLITests", dependencies: ["gitgate", "GitGateKit", "GitGateDemo", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
