import Foundation
import Git
import GitGateKit
import Postgres
import SQL
import Testing

/// ErrorBoundary maps every wrapper error kind to one line and an exit code. The kinds are
/// iterated, so a new kind shows up here; its mapping must be its own (a distinct "what failed").
@Suite("Error boundary: each kind")
struct ErrorBoundaryTests {
    private func expectOneLine(_ diagnostic: Diagnostic, exit code: Int32, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(diagnostic.exitCode == code, "\(diagnostic.line)", sourceLocation: sourceLocation)
        #expect(diagnostic.line.hasPrefix("gitgate: "), sourceLocation: sourceLocation)
        #expect(!diagnostic.line.contains("\n") && !diagnostic.line.contains("\r"), "\(diagnostic.line)", sourceLocation: sourceLocation)
        // "<what failed>: <why>; <what to do>"
        let parts = diagnostic.message.split(separator: ";", omittingEmptySubsequences: true)
        #expect(parts.count >= 2 && parts[0].contains(": ") && !parts.last!.trimmingCharacters(in: .whitespaces).isEmpty,
                "\(diagnostic.line)", sourceLocation: sourceLocation)
    }

    /// The part before the wrapper's own text: what failed, as the boundary says it.
    private func what(_ diagnostic: Diagnostic, before marker: String) -> String {
        String(diagnostic.message[..<(diagnostic.message.range(of: marker)?.lowerBound ?? diagnostic.message.endIndex)])
    }

    @Test("every GitError kind: exit 2, one line, its own words")
    func gitKinds() {
        var seen: Set<String> = []
        for kind in GitError.Kind.allCases {
            let error = GitError(kind: kind, function: "git_test", message: "libgit2 said \(kind)\nover two lines")
            #expect(error.kind == kind)
            let diagnostic = ErrorBoundary.diagnose(error)
            expectOneLine(diagnostic, exit: 2)
            #expect(diagnostic.message.contains("libgit2 said \(kind)"))
            #expect(diagnostic.message.contains("git_test"))
            seen.insert(what(diagnostic, before: "libgit2 said"))
        }
        #expect(seen.count == GitError.Kind.allCases.count, "\(seen)")
        // A hint from the wrapper is the remedy.
        let hinted = ErrorBoundary.diagnose(GitError(kind: .notFound, function: "f", message: "m", hint: "fetch main"))
        #expect(hinted.message.hasSuffix("; fetch main"), "\(hinted.line)")
    }

    @Test("every PostgresError kind: exit 2, one line, libpq's lines joined readably")
    func postgresKinds() {
        var seen: Set<String> = []
        for kind in PostgresError.Kind.allCases {
            let error = PostgresError(kind: kind, message: "FATAL:  said \(kind)\n\tcontinued here\nsecond attempt\n",
                                      sqlState: kind == .timeout ? "57014" : nil, target: "app@db:5432/app")
            let diagnostic = ErrorBoundary.diagnose(error)
            expectOneLine(diagnostic, exit: 2)
            #expect(diagnostic.message.contains("FATAL: said \(kind). continued here; second attempt"), "\(diagnostic.line)")
            seen.insert(what(diagnostic, before: "FATAL"))
        }
        #expect(seen.count == PostgresError.Kind.allCases.count, "\(seen)")
        let timeout = ErrorBoundary.diagnose(PostgresError(kind: .timeout, message: "canceling statement", sqlState: "57014"))
        #expect(timeout.message.contains("[SQLSTATE 57014]"))
    }

    @Test("an SQLError: exit 2, where and what")
    func sqlError() {
        let diagnostic = ErrorBoundary.diagnose(SQLError(message: "syntax error at or near \"frm\"", line: 3, column: 9, offset: 40))
        expectOneLine(diagnostic, exit: 2)
        #expect(diagnostic.message.contains("line 3, column 9: syntax error at or near \"frm\""))
    }

    @Test("gitgate's own errors keep their words and codes; anything else fails closed with exit 2")
    func ownAndUnknown() {
        let cases: [(GitGateError.Kind, Int32)] = [(.usage, 64), (.configuration, 2), (.repository, 2), (.target, 2), (.io, 2), (.refused, 1)]
        for (kind, code) in cases {
            let diagnostic = ErrorBoundary.diagnose(GitGateError(kind, "x: y\nz; do w"))
            #expect(diagnostic.exitCode == code)
            #expect(diagnostic.line == "gitgate: x: y; z; do w")
        }
        struct Strange: Error {}
        let unknown = ErrorBoundary.diagnose(Strange())
        expectOneLine(unknown, exit: 2)
        expectOneLine(ErrorBoundary.diagnose(CocoaError(.fileReadNoPermission)), exit: 2)
    }

    @Test("did you mean: close names are suggested, far ones are not")
    func unknownCommand() {
        let commands = ["status", "lint", "apply", "install", "doctor"]
        #expect(ErrorBoundary.unknownCommand("stauts", commands: commands).message.contains("did you mean status?"))
        #expect(ErrorBoundary.unknownCommand("Instal", commands: commands).message.contains("did you mean install?"))
        #expect(!ErrorBoundary.unknownCommand("frobnicate", commands: commands).message.contains("did you mean"))
        #expect(ErrorBoundary.unknownCommand("x", commands: commands).exitCode == 64)
    }
}
