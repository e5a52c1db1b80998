import Foundation
import GitGateKit
import Testing

/// How each layout reads a path, and the order migration tools run versions in: both run for
/// every file on main at each status, so they are written for speed and pinned down here.
@Suite("Layouts and version order")
struct LayoutTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var layout: Layout
        var path: String
        /// version, name, role, repeatable; nil when the file is not a migration of this layout.
        var expected: (String, String, MigrationFile.Role, Bool)?
        var testDescription: String { "\(layout.rawValue): \(path)" }
    }

    static let cases: [Case] = [
        Case(layout: .flat, path: "001_create_users.sql", expected: ("001", "create_users", .up, false)),
        Case(layout: .flat, path: "0001.sql", expected: ("0001", "", .up, false)),
        Case(layout: .flat, path: "002_naïve_ünïcode.sql", expected: ("002", "naïve_ünïcode", .up, false)),
        Case(layout: .flat, path: "README.md", expected: nil),
        Case(layout: .flat, path: "sub/001_x.sql", expected: nil),
        Case(layout: .flat, path: "001_x.up.sql", expected: nil),
        Case(layout: .flat, path: "001_x.down.sql", expected: nil),
        Case(layout: .flat, path: "users_001.sql", expected: nil),
        Case(layout: .flat, path: "001_x.SQL", expected: nil),
        Case(layout: .flat, path: "001_x.sql.bak", expected: nil),
        Case(layout: .flat, path: "", expected: nil),
        Case(layout: .flyway, path: "V3__add_index.sql", expected: ("3", "add_index", .up, false)),
        Case(layout: .flyway, path: "release/V1.1__nested.sql", expected: ("1.1", "nested", .up, false)),
        Case(layout: .flyway, path: "U3__add_index.sql", expected: ("3", "add_index", .undo, false)),
        Case(layout: .flyway, path: "R__views.sql", expected: ("R__views", "views", .up, true)),
        Case(layout: .flyway, path: "V__no_version.sql", expected: nil),
        Case(layout: .flyway, path: "V3_single_underscore.sql", expected: nil),
        Case(layout: .flyway, path: "V3__.sql", expected: nil),
        Case(layout: .flyway, path: "X3__other_prefix.sql", expected: nil),
        Case(layout: .updown, path: "20240101120000_add_x.up.sql", expected: ("20240101120000", "add_x", .up, false)),
        Case(layout: .updown, path: "20240101120000_add_x.down.sql", expected: ("20240101120000", "add_x", .down, false)),
        Case(layout: .updown, path: "20240101120000_add_x.sql", expected: nil),
        Case(layout: .updown, path: "sub/1_x.up.sql", expected: nil),
        Case(layout: .directory, path: "2019-02-26-002946_create_user/up.sql", expected: ("2019-02-26-002946", "create_user", .up, false)),
        Case(layout: .directory, path: "2019-02-26-002946_create_user/down.sql", expected: ("2019-02-26-002946", "create_user", .down, false)),
        Case(layout: .directory, path: "20230101_init/migration.sql", expected: ("20230101", "init", .up, false)),
        Case(layout: .directory, path: "20230101_init/notes.sql", expected: nil),
        Case(layout: .directory, path: "a/20230101_init/up.sql", expected: nil),
        Case(layout: .directory, path: "up.sql", expected: nil),
    ]

    @Test(arguments: cases)
    func classification(_ item: Case) {
        let file = item.layout.classify(relativePath: item.path, folder: "db/migrations")
        guard let (version, name, role, repeatable) = item.expected else {
            #expect(file == nil)
            return
        }
        #expect(file?.version == version)
        #expect(file?.name == name)
        #expect(file?.role == role)
        #expect(file?.isRepeatable == repeatable)
        #expect(file?.path == "db/migrations/" + item.path)
        #expect(item.layout.classify(relativePath: item.path, folder: "")?.path == item.path)
    }

    @Test(arguments: [
        ("2", "10"),                          // numbers, not text
        ("9", "0010"),                        // leading zeros do not count
        ("003", "3"),                         // the same number: the text decides, so the order is total
        ("1.2.9", "1.2.10"),                  // segment by segment
        ("1.2", "1.2.1"),                     // a prefix runs first
        ("1.1", "1_1"),                       // the same segments: the text decides
        ("20240101120000", "20240101120001"),
        ("1a", "1b"),                         // not numbers: as text
        ("2", "2a"),
    ])
    func versionOrder(earlier: String, later: String) {
        #expect(versionPrecedes(earlier, later))
        #expect(!versionPrecedes(later, earlier))
        #expect(!versionPrecedes(earlier, earlier))
    }

    @Test func migrationsSortAsToolsRunThem() {
        func migration(_ version: String, _ path: String, repeatable: Bool = false) -> Migration {
            Migration(version: version, name: "", path: path, isRepeatable: repeatable, source: .committed, contents: Data())
        }
        let shuffled = [
            migration("R__views", "R__views.sql", repeatable: true),
            migration("10", "10_b.sql"),
            migration("2", "2_b.sql"),
            migration("R__funcs", "R__funcs.sql", repeatable: true),
            migration("1.10", "1.10_a.sql"),
            migration("2", "2_a.sql"),
            migration("1.9", "1.9_a.sql"),
        ]
        #expect(shuffled.sortedByVersion().map(\.path) == [
            "1.9_a.sql", "1.10_a.sql", "2_a.sql", "2_b.sql", "10_b.sql", "R__funcs.sql", "R__views.sql",
        ])
    }
}

/// The line readers the layouts' content checks use read lines exactly as `lineRanges()` splits
/// them, only faster (no array of every line, no string for lines that cannot be markers).
@Suite struct LineReaderTests {
    private static let samples: [String] = [
        "", "\n", "\n\n", "a", "a\n", "a\r\nb", "a\r\n\r\n--x\r\n", "\r", "x\r", "--", "--\n-- +goose Up\n",
        "  \t\n--liquibase formatted sql\n--changeset a:1\n", "é\n--é\n-- +goose  Down \nend",
        "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;", "-\n-- +goose\n-- +goose StatementBegin",
    ]

    @Test func firstLineAndMarkersAgreeWithLineRanges() {
        for sample in Self.samples {
            let data = Data(sample.utf8)
            let lines = data.lineRanges()
            var seen: [(Range<Int>, Int)] = []
            #expect(data.firstLine { seen.append(($0, $1)); return false } == nil)
            #expect(seen.map(\.0) == lines.map(\.range) && seen.map(\.1) == lines.map(\.number), "\(sample.debugDescription)")
            for line in lines {
                let found = data.firstLine { range, _ in range == line.range }
                #expect(found?.number == lines.first { $0.range == line.range }?.number, "\(sample.debugDescription)")
            }
            for prefix in ["--", "-- +goose "] {
                let reference = lines.compactMap { range, number -> (String, Int, Int)? in
                    let text = data.text(range)
                    return text.hasPrefix(prefix) ? (text, number, range.lowerBound) : nil
                }
                let fast = data.markers(prefix: prefix) { $0.hasPrefix(prefix) ? $0 : nil }
                #expect(fast.map(\.value) == reference.map(\.0) && fast.map(\.line) == reference.map(\.1)
                        && fast.map(\.start) == reference.map(\.2), "\(sample.debugDescription) \(prefix)")
            }
        }
    }

    @Test func liquibaseHeaderIsReadTheSameInASCIIAndBeyond() {
        let recognized = [
            "--liquibase formatted sql\n", "  \t\n\t-- Liquibase   Formatted SQL\n", "--\tLIQUIBASE\tformatted\n",
            "\u{00A0}--liquibase formatted sql\n", "\u{2003}\n--liquibase formatted sql é\n",
        ]
        let refused = ["", "\n\n", "-- liquibase\n", "\r\r\n--liquibase formatted sql\n", "x\n--liquibase formatted sql\n",
                       "- -liquibase formatted sql", "\u{00A0}x\n--liquibase formatted sql\n"]
        for sample in recognized { #expect(Layout.liquibase.rules.recognizes(Data(sample.utf8)), "\(sample.debugDescription)") }
        for sample in refused { #expect(!Layout.liquibase.rules.recognizes(Data(sample.utf8)), "\(sample.debugDescription)") }
    }
}
