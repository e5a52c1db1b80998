import Foundation

/// What a finished process left behind.
public struct ShellResult: Sendable, Equatable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public var succeeded: Bool { status == 0 }

    /// stdout without its final newline(s), as `$(…)` gives it in sh.
    public var output: String {
        var text = Substring(stdout)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}

/// A command that exited non-zero where success was expected.
public struct ShellError: Error, CustomStringConvertible {
    public let command: String
    public let status: Int32
    public let stderr: String

    public var description: String { "`\(command)` failed with status \(status): \(stderr)" }
}

/// Runs programs for tests: no shell, exact arguments, output captured without deadlock.
public enum Shell {
    /// Runs `executable` (a path, or a name looked up on `env`'s PATH) with `args` in `cwd`.
    /// `env` replaces the whole environment when given. stdout and stderr go to temporary files,
    /// not pipes, so a chatty child (or a daemon that keeps them open) cannot block us;
    /// `input` is fed on stdin (default: empty).
    public static func run(
        _ executable: String,
        _ args: [String] = [],
        cwd: String? = nil,
        env: [String: String]? = nil,
        input: String? = nil
    ) throws -> ShellResult {
        let environment = env ?? ProcessInfo.processInfo.environment
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(executable, path: environment["PATH"]))
        process.arguments = args
        process.environment = environment
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }

        let files = FileManager.default
        let base = files.temporaryDirectory.appendingPathComponent("gg-shell-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        let inURL = base.appendingPathExtension("in")
        defer { [outURL, errURL, inURL].forEach { try? files.removeItem(at: $0) } }
        for (url, contents) in [(outURL, Data()), (errURL, Data()), (inURL, Data((input ?? "").utf8))] {
            guard files.createFile(atPath: url.path, contents: contents) else {
                throw ShellError(command: executable, status: -1, stderr: "cannot create \(url.path)")
            }
        }

        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let stdin = try FileHandle(forReadingFrom: inURL)
        defer { try? out.close(); try? err.close(); try? stdin.close() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin

        try process.run()
        process.waitUntilExit()

        let status = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return ShellResult(
            status: status,
            stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        )
    }

    /// Like `run`, but throws `ShellError` unless the exit status is 0.
    @discardableResult
    public static func check(
        _ executable: String, _ args: [String] = [], cwd: String? = nil,
        env: [String: String]? = nil, input: String? = nil
    ) throws -> ShellResult {
        let result = try run(executable, args, cwd: cwd, env: env, input: input)
        guard result.succeeded else {
            throw ShellError(
                command: ([executable] + args).joined(separator: " "), status: result.status, stderr: result.stderr)
        }
        return result
    }

    static func locate(_ executable: String, path: String?) throws -> String {
        if executable.contains("/") { return executable }
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(executable)") {
            return "\(folder)/\(executable)"
        }
        throw ShellError(command: executable, status: 127, stderr: "not found on PATH \(path ?? "")")
    }
}
