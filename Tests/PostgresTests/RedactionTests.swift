import Postgres
import Synchronization
import Testing
import TestSupport

@Suite("Passwords never reach a message")
struct RedactionTests {
    /// A connection string that makes libpq echo (part of) its password, and what the message is about.
    struct Echo: CustomTestStringConvertible, Sendable {
        let conninfo: String
        let topic: String
        var testDescription: String { topic }
    }

    static let secret = "Sekr3tXyzzy"

    static let echoes: [Echo] = [
        Echo(conninfo: "postgresql://user:p%zz\(secret)@localhost/db", topic: "percent-encoded token"),
        Echo(conninfo: "postgresql://user@localhost/db?password=%zz\(secret)", topic: "percent-encoded token"),
        Echo(conninfo: "postgresql://user:\(secret)@[::1/db", topic: "IPv6 host address"),
        Echo(conninfo: "postgresql://user:\(secret)@[::1]x/db", topic: "unexpected character"),
        Echo(conninfo: "sslmode= password=\(secret)", topic: "sslmode value"),
        Echo(conninfo: "host=/tmp password=\(secret) sslmode=\(secret)", topic: "sslmode value"),
        Echo(conninfo: "postgresql://user:\(secret)@localhost/db?sslmode=\(secret)", topic: "sslmode value"),
        // The decoded form echoes: %53 is "S".
        Echo(conninfo: "postgresql://user:%53ekr3tXyzzy@localhost/db?sslmode=%53ekr3tXyzzy", topic: "sslmode value"),
        // Quoted with an escaped quote: libpq echoes the unescaped value.
        Echo(conninfo: #"password='Sekr3t\'Xyzzy' sslmode='Sekr3t\'Xyzzy'"#, topic: "sslmode value"),
        // A "/" in the password ends libpq's look for "@": the part before it becomes the port.
        Echo(conninfo: "postgresql://user:\(secret)/tail@localhost/db", topic: "port"),
        // An unquoted password with a space: libpq complains about the second word.
        Echo(conninfo: "host=/tmp password=abc \(secret)", topic: "missing \"=\""),
        Echo(conninfo: "host=/tmp gssencmode=\(secret) password=\(secret)", topic: "gssencmode value"),
        Echo(conninfo: "postgresql://user:\(secret)@localhost/db?target_session_attrs=\(secret)", topic: "target_session_attrs value"),
    ]

    @Test(arguments: echoes)
    func malformedConnectionStringDoesNotEchoThePassword(_ echo: Echo) throws {
        let error = try #require(throws: PostgresError.self) {
            try Connection(echo.conninfo, options: .init(connectTimeout: 2))
        }
        #expect(error.kind == .configuration)
        // The message is about what libpq rejected, and something was masked out of it.
        #expect(error.description.contains(echo.topic))
        #expect(error.description.contains(Redactor.mask))
        #expect(!error.description.contains("Sekr3t"))
        #expect(!error.description.contains("Xyzzy"))
        #expect(!Libpq.describe(echo.conninfo).contains("Sekr3t"))
    }

    @Test func passwordFromTheEnvironmentIsRedacted() {
        let message = Redactor.redact(
            "server said: hunter2-Env was wrong", conninfo: "host=db user=u",
            environment: ["PGPASSWORD": "hunter2-Env"])
        #expect(message == "server said: \(Redactor.mask) was wrong")
    }

    @Test func wholeURIIsReplacedByItsDescription() {
        let uri = "postgresql://alice:\(Self.secret)@db.example.com:6543/app?sslmode=require"
        #expect(Libpq.describe(uri) == "alice@db.example.com:6543/app")
        #expect(Redactor.redact("could not use \"\(uri)\"", conninfo: uri) == "could not use \"alice@db.example.com:6543/app\"")
    }

    @Test(arguments: [
        ("postgresql:///app_dev", "[local]/app_dev"),
        ("host=/tmp/x port=5433 user=gitgate dbname=postgres password=pw", "gitgate@/tmp/x:5433/postgres"),
        ("service=production", "service=production"),
        ("service=production dbname=other", "service=production ([local]/other)"),
        ("postgresql://bob:p%zz@h/db", "postgresql://bob:\(Redactor.mask)@h/db"),
    ])
    func describe(_ conninfo: String, _ described: String) {
        #expect(Libpq.describe(conninfo) == described)
    }

    @Test func messagesThatLookLikeSecretsAreMaskedWithoutAConnectionString() {
        let message = Redactor.redact(
            "bad: password=abc123 and postgres://me:abc456@host/db", conninfo: "")
        #expect(!message.contains("abc123"))
        #expect(!message.contains("abc456"))
        #expect(message.contains("postgres://me:\(Redactor.mask)@host/db"))
    }

    // MARK: Against a real server with password authentication

    private static let roles = Atomic(0)

    /// A role with a password, and the TCP (scram-sha-256) conninfo pieces to reach the test's database.
    private func makeRole(password: String) throws -> (cluster: LocalPostgresRole, database: String) {
        let conninfo = try TestDatabase.conninfo()
        let cluster = try TestPostgres.cluster()
        let role = "pw_role_\(Self.roles.wrappingAdd(1, ordering: .relaxed).newValue)"
        let admin = try Connection(conninfo, options: .init(readOnly: false))
        try admin.execute("CREATE ROLE \(role) LOGIN PASSWORD '\(password)'")
        let database = try #require(admin.database as String?)
        return (LocalPostgresRole(name: role, host: try #require(cluster.tcpHost), port: cluster.port), database)
    }

    @Test(.database) func rightPasswordConnectsOverScram() throws {
        let (role, database) = try makeRole(password: "Right-Sekr3t")
        let connection = try Connection(
            "postgresql://\(role.name):Right-Sekr3t@\(role.host):\(role.port)/\(database)", options: .init(connectTimeout: 5))
        #expect(connection.user == role.name)
        #expect(connection.host == "127.0.0.1")
    }

    @Test(.database, arguments: ["uri", "keywords"])
    func wrongPasswordIsAnAuthenticationErrorWithoutThePassword(form: String) throws {
        let (role, database) = try makeRole(password: "Right-Sekr3t")
        let wrong = "Wrong-Xyzzy-9"
        let conninfo = form == "uri"
            ? "postgresql://\(role.name):\(wrong)@\(role.host):\(role.port)/\(database)"
            : "host=\(role.host) port=\(role.port) user=\(role.name) password=\(wrong) dbname=\(database)"
        let error = try #require(throws: PostgresError.self) {
            try Connection(conninfo, options: .init(connectTimeout: 5))
        }
        #expect(error.kind == .authentication)
        #expect(error.message.contains("password authentication failed"))
        #expect(error.description.contains("\(role.name)@127.0.0.1:\(role.port)/\(database)"))
        #expect(!error.description.contains(wrong))
        #expect(!error.description.contains("Right-Sekr3t"))
    }

    @Test(.database) func missingPasswordIsAnAuthenticationError() throws {
        let (role, database) = try makeRole(password: "Right-Sekr3t")
        let error = try #require(throws: PostgresError.self) {
            try Connection(
                "host=\(role.host) port=\(role.port) user=\(role.name) dbname=\(database) passfile=/nonexistent",
                options: .init(connectTimeout: 5))
        }
        #expect(error.kind == .authentication)
    }
}

struct LocalPostgresRole {
    let name: String
    let host: String
    let port: Int
}
