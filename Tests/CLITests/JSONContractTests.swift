import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// docs/json.md is the JSON contract; this runs every command it documents on a real repository
/// and a real database, and checks that each documented example has exactly the keys the command
/// prints, that every object carries `schemaVersion`, and that absent values are `null`.
/// `GITGATE_RECORD_DOCS=1` rewrites the examples from this run's output.
@Suite("JSON output: docs/json.md against real output")
struct JSONContractTests {
    private static let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/json.md")

    @Test("every documented command prints the documented keys, schemaVersion and nulls", .database)
    func documentedExamplesMatchRealOutput() throws {
        let conninfo = try TestDatabase.conninfo()
        let repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:JSON_DOCS_URL\n\tgate = true\n",
            "migrations/.keep": "",
        ], message: "main")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles([
            "migrations/001_create_users.sql": "DROP TABLE IF EXISTS legacy_users; -- gitgate:allow destructive-drop because emptied in 2023\nCREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text NOT NULL);\nCOMMENT ON TABLE users IS 'people who sign in';\n",
            "migrations/002_create_orders.sql": "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\nCREATE INDEX IF NOT EXISTS orders_user_id ON orders (user_id);\nCOMMENT ON TABLE orders IS 'what people bought';\n",
        ], message: "feature migrations", in: worktree)
        func gitgate(_ arguments: String...) throws -> ShellResult {
            try GitGateBinary.run(arguments, in: worktree, environment: repo.environment, extra: ["JSON_DOCS_URL": conninfo])
        }

        var outputs: [(name: String, json: String)] = []
        func capture(_ name: String, _ result: ShellResult, exit: Int32) {
            #expect(result.status == exit, "\(name): \(result.stderr)")
            outputs.append((name, result.stdout))
        }
        capture("status", try gitgate("status", "--format", "json"), exit: 1)
        capture("lint", try gitgate("lint", "--format", "json"), exit: 0)
        capture("plan", try gitgate("plan", "--format", "json"), exit: 1)
        capture("apply", try gitgate("apply", "--yes", "--format", "json"), exit: 0)
        capture("rollback", try gitgate("rollback", "--target", "production", "002", "--yes", "--format", "json"), exit: 0)
        // 002 run by hand, then recorded.
        let connection = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try connection.execute("CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id))")
        try connection.execute("CREATE INDEX IF NOT EXISTS orders_user_id ON orders (user_id)")
        try connection.execute("COMMENT ON TABLE orders IS 'what people bought'")
        capture("record", try gitgate("record", "002", "--target", "production", "--format", "json"), exit: 0)
        capture("log", try gitgate("log", "--format", "json"), exit: 0)
        capture("close-check", try gitgate("close", "--check", "--format", "json"), exit: 1)
        capture("doctor", try gitgate("doctor", "--format", "json"), exit: 0)

        for (name, json) in outputs {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(name): \(json)")
            #expect(object["schemaVersion"] as? Int == JSONOutput.schemaVersion, "\(name) has no schemaVersion")
        }
        let status = try #require(try JSONSerialization.jsonObject(with: Data(outputs[0].json.utf8)) as? [String: Any])
        let migration = try #require((status["migrations"] as? [[String: Any]])?.first)
        #expect(migration.keys.contains("downPath") && migration["downPath"] is NSNull, "absent is null: \(migration)")
        let reason = try #require((status["reasons"] as? [[String: Any]])?.first)
        #expect(reason["code"] as? String == "pending" && reason["target"] as? String == "production", "\(reason)")
        let lint = try #require(try JSONSerialization.jsonObject(with: Data(outputs[1].json.utf8)) as? [String: Any])
        let allowed = (lint["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "destructive-drop" }
        #expect(allowed.count == 1 && allowed.first?["severity"] as? String == "allowed"
                && allowed.first?["allowedBecause"] as? String == "emptied in 2023", "\(allowed)")

        var document = try String(contentsOf: Self.docs, encoding: .utf8)
        if ProcessInfo.processInfo.environment["GITGATE_RECORD_DOCS"] == "1" {
            for (name, json) in outputs {
                document = try Self.replacing(example: name, in: document, with: Self.shortened(json, repo: repo.path, worktree: worktree))
            }
            try document.write(to: Self.docs, atomically: true, encoding: .utf8)
        }
        for (name, json) in outputs {
            let example = try #require(Self.example(name, in: document), "docs/json.md has no example for \(name)")
            let documented = try #require(try JSONSerialization.jsonObject(with: Data(example.utf8)), "docs/json.md: \(name) is not JSON")
            let real = try JSONSerialization.jsonObject(with: Data(json.utf8))
            let difference = Self.keyDifference(documented, real, at: name)
            #expect(difference.isEmpty, "docs/json.md's \(name) example differs from real output: \(difference.joined(separator: "; ")); regenerate with GITGATE_RECORD_DOCS=1")
        }
    }

    /// Key paths present in one value and not the other (object keys; arrays by their first element).
    static func keyDifference(_ a: Any, _ b: Any, at path: String) -> [String] {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            var out: [String] = []
            for key in Set(x.keys).subtracting(y.keys).sorted() { out.append("\(path).\(key) documented, not printed") }
            for key in Set(y.keys).subtracting(x.keys).sorted() { out.append("\(path).\(key) printed, not documented") }
            for key in Set(x.keys).intersection(y.keys).sorted() {
                out += keyDifference(x[key]!, y[key]!, at: "\(path).\(key)")
            }
            return out
        case let (x as [Any], y as [Any]):
            guard let first = x.first, let second = y.first else { return [] }
            return keyDifference(first, second, at: "\(path)[0]")
        default:
            return []
        }
    }

    static func example(_ name: String, in document: String) -> String? {
        guard let marker = document.range(of: "<!-- example: \(name) -->"),
              let open = document.range(of: "```json\n", range: marker.upperBound..<document.endIndex),
              let close = document.range(of: "\n```", range: open.upperBound..<document.endIndex) else { return nil }
        return String(document[open.upperBound..<close.lowerBound])
    }

    static func replacing(example name: String, in document: String, with json: String) throws -> String {
        guard let marker = document.range(of: "<!-- example: \(name) -->"),
              let open = document.range(of: "```json\n", range: marker.upperBound..<document.endIndex),
              let close = document.range(of: "\n```", range: open.upperBound..<document.endIndex) else {
            throw GitGateError(.io, "docs/json.md has no example marker for \(name)")
        }
        return document.replacingCharacters(in: open.upperBound..<close.lowerBound, with: json)
    }

    /// Hashes and temporary paths made short and stable for the document.
    static func shortened(_ json: String, repo: String, worktree: String) -> String {
        var text = json.replacingOccurrences(of: worktree, with: "/src/app-feature")
            .replacingOccurrences(of: repo, with: "/src/app")
        text = text.replacingOccurrences(of: #"\b[0-9a-f]{40}\b"#, with: "<sha>", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\b[0-9a-f]{64}\b"#, with: "<sha-256>", options: .regularExpression)
        return text
    }
}
