// swift-tools-version:6.1
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is whatever the checkout is called.
let main = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()
let kit: Target.Dependency = .product(name: "GitGateKit", package: main)

// Coverage-guided fuzzers for the code that reads untrusted text. A separate package so the
// main package's products stay as they are; fuzz/run builds it with -sanitize=fuzzer,address.
let package = Package(
    name: "gitgate-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "FuzzSQL", dependencies: [kit]),
        .executableTarget(name: "FuzzLayout", dependencies: [kit]),
        .executableTarget(name: "FuzzConfig", dependencies: [kit]),
    ],
    swiftLanguageModes: [.v6]
)
