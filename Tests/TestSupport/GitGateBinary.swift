import Foundation

/// The built `gitgate` executable, for end-to-end tests that run it as a user would.
public enum GitGateBinary {
    /// `GITGATE` when set, else `gitgate` beside the test bundle in the build folder.
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["GITGATE"], !explicit.isEmpty { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may sit inside a .xctest bundle folder.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("gitgate").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/gitgate").path
    }

    /// Runs gitgate in `cwd` with `environment` (the repository's clean git environment, say)
    /// plus `extra`; stdin is empty unless `input` is given, so nothing is interactive.
    public static func run(_ arguments: [String], in cwd: String, environment: [String: String]? = nil,
                           extra: [String: String] = [:], input: String? = nil) throws -> ShellResult {
        var env = environment ?? ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["GITGATE_COLOR"] = nil  // a developer's own setting must not colour the tests' output
        for (key, value) in extra { env[key] = value }
        return try Shell.run(path, arguments, cwd: cwd, env: env, input: input)
    }
}
