import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateTargets
import Postgres
import SQL

/// What gitgate says when a command fails: one line for stderr, and the exit status.
public struct Diagnostic: Sendable, Equatable {
    /// "<what failed>: <why>; <what to do>", on one line, without the "gitgate: " prefix.
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        // A message with line breaks would break "one line on stderr": keep each part, joined.
        self.message = message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
        self.exitCode = exitCode
    }

    public init(what: String, why: String, remedy: String, exitCode: Int32) {
        self.init("\(what): \(why); \(remedy)", exitCode: exitCode)
    }

    /// The line as printed.
    public var line: String { "gitgate: " + message }
}

/// The one place an error becomes what the user reads. Every command's failure, whichever
/// layer threw it (gitgate's own `GitGateError`, or a wrapper's `GitError`, `PostgresError`,
/// `SQLError` that no layer described), goes through `diagnose`; the CLI prints its line on
/// stderr and exits with its code (README: "Exit codes").
public enum ErrorBoundary {
    public static func diagnose(_ error: any Error) -> Diagnostic {
        switch error {
        case let error as GitGateError: Diagnostic(error.message, exitCode: error.exitCode)
        case let error as GitError: diagnose(error)
        case let error as PostgresError: diagnose(error)
        case let error as SQLError: diagnose(error)
        case let error as CocoaError:
            Diagnostic(what: "a file could not be read or written", why: error.localizedDescription,
                       remedy: "check the path and its permissions", exitCode: ExitStatus.couldNotCheck)
        case let error as POSIXError:
            Diagnostic(what: "a system call failed", why: error.localizedDescription,
                       remedy: "check the path and its permissions", exitCode: ExitStatus.couldNotCheck)
        default:
            // Fail closed: what nobody described could not be checked.
            Diagnostic(what: "unexpected error", why: String(describing: error),
                       remedy: "nothing was decided; this is a gitgate bug: please report it with the command you ran",
                       exitCode: ExitStatus.couldNotCheck)
        }
    }

    /// A libgit2 failure that no layer described: the repository could not be read.
    public static func diagnose(_ error: GitError) -> Diagnostic {
        let (what, remedy): (String, String) = switch error.kind {
        case .notFound:
            ("git: the repository lacks an object or reference gitgate reads",
             "run git fsck; fetch what is missing (a shallow or partial clone lacks history)")
        case .exists:
            ("git: something gitgate would create already exists", "remove it or choose another name, then run gitgate again")
        case .ambiguous:
            ("git: a name matches more than one object", "use a longer commit hash or a full ref name (refs/heads/NAME)")
        case .unbornBranch:
            ("git: the branch has no commit yet", "commit on it first, then run gitgate again")
        case .locked:
            ("git: the repository is locked by another git process",
             "wait for it to finish; if none is running, remove the stale .lock file git names")
        case .conflict:
            ("git: git reports a conflict", "resolve it (git status shows it), then run gitgate again")
        case .invalid:
            ("git: a name or path is not valid", "check the branch, revision or path given to gitgate")
        case .other:
            ("git: the repository could not be read", "run git status and git fsck here; if git works, report it to gitgate")
        }
        return Diagnostic(what: what, why: "\(error.message) (libgit2 \(error.function), code \(error.code))",
                          remedy: error.hint ?? remedy, exitCode: ExitStatus.couldNotCheck)
    }

    /// A libpq or server failure that no layer tied to a target. Its text is the wrapper's:
    /// redacted, one line.
    public static func diagnose(_ error: PostgresError) -> Diagnostic {
        let place = "PostgreSQL" + (error.target.map { " at \($0)" } ?? "")
        let (what, remedy): (String, String) = switch error.kind {
        case .connection:
            ("could not connect to \(place)",
             "is the server up and reachable from here? A cloud database may need this machine's address in its trusted sources")
        case .refused:
            ("nothing accepts connections for \(place)", "is the server up, and are the host and port right?")
        case .rejectedStartupParameter:
            ("\(place) refused a startup parameter",
             "a connection pooler (PgBouncer) refuses parameters it does not track: remove `options` from the URL and unset PGOPTIONS")
        case .authentication:
            ("authentication failed for \(place)",
             "check the user and the password in ~/.pgpass, PGPASSWORD or the variable the target's url names")
        case .timeout:
            ("\(place) did not answer in time", "retry when the database is less busy, or raise the target's timeouts")
        case .query:
            ("\(place) rejected a statement", "run gitgate doctor to check the target")
        case .protocolError:
            ("unexpected answer from \(place)", "run gitgate doctor; the server or something in front of it answered what libpq does not expect")
        case .configuration:
            ("invalid connection string", "fix the target's url (env:VAR, service=NAME, or a URI without a password)")
        case .clientLibrary:
            ("the PostgreSQL client library could not be loaded", "install libpq 15 or later (Debian/Ubuntu: apt install libpq5)")
        }
        var why = error.message
        if let state = error.sqlState { why += " [SQLSTATE \(state)]" }
        if let detail = error.detail { why += " (detail: \(detail))" }
        if let hint = error.hint { why += " (hint: \(hint))" }
        return Diagnostic(what: what, why: why, remedy: remedy, exitCode: ExitStatus.couldNotCheck)
    }

    /// SQL that libpg_query rejected where gitgate had to read it (a rule finding reports it
    /// in a review; anywhere else the migration could not be read).
    public static func diagnose(_ error: SQLError) -> Diagnostic {
        Diagnostic(what: "a migration could not be parsed", why: "line \(error.line), column \(error.column): \(error.message)",
                   remedy: "fix the SQL so PostgreSQL can parse it (gitgate lint shows where)", exitCode: ExitStatus.couldNotCheck)
    }

    /// A report that says "could not check" (status, check, plan): why, for stderr, while the
    /// report itself is the result on stdout. The first gated target that failed.
    public static func couldNotCheck(_ checks: [TargetCheck]) -> Diagnostic {
        couldNotCheck(failures: checks.filter(\.gate).compactMap { check in
            if case .failure(let error) = check.outcome { return error.message }
            return nil
        })
    }

    /// The same from what each failed gated target's check said (it names the target).
    public static func couldNotCheck(failures: [String]) -> Diagnostic {
        guard let first = failures.first else {
            // The gate's other "could not check": a gated target answered without a migration's state.
            return Diagnostic(what: "could not check", why: "a gated target did not give the state of every migration",
                              remedy: "the report on stdout names it; run gitgate doctor", exitCode: ExitStatus.couldNotCheck)
        }
        let more = failures.count > 1 ? " (and \(failures.count - 1) more target\(failures.count == 2 ? "" : "s"): the report lists each)" : ""
        return Diagnostic(first + more, exitCode: ExitStatus.couldNotCheck)
    }

    /// `gitgate stauts`: not a command, and the one it most likely meant (exit 64).
    public static func unknownCommand(_ name: String, commands: [String]) -> GitGateError {
        let lowered = name.lowercased()
        let closest = commands.min { editDistance($0, lowered) < editDistance($1, lowered) }
        let guess = closest.flatMap { editDistance($0, lowered) <= max(2, $0.count / 3) ? "did you mean \($0)? " : nil } ?? ""
        return GitGateError(.usage, "\(name): not a gitgate command; \(guess)gitgate --help lists the commands")
    }

    /// A sample of each wrapper error kind, named `git:<kind>`, `postgres:<kind>` or `sql`: what
    /// a debug build throws for `GITGATE_DEBUG_FAULT`, so a test can send each kind through the binary.
    package static func fault(named name: String) -> (any Error)? {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count == 2 ? parts[1] : nil) {
        case ("git", let kind?):
            return GitError.Kind.allCases.first { "\($0)" == kind }.map {
                GitError(kind: $0, function: "git_debug_fault", message: "injected \($0) failure")
            }
        case ("postgres", let kind?):
            return PostgresError.Kind.allCases.first { "\($0)" == kind }.map {
                PostgresError(kind: $0, message: "injected \($0) failure\nsecond line\n\tcontinued", target: "gitgate@127.0.0.1:1/debug")
            }
        case ("sql", nil):
            return SQLError(message: "syntax error at or near \"frm\"", line: 2, column: 8, offset: 20)
        default:
            return nil
        }
    }
}
