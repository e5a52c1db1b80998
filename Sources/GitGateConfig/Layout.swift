import Foundation
import GitGateLint

/// How a project names and writes its migration files: one per migration tool. `auto` in
/// `.gitgate` picks one by looking at the folder's names and, for tools whose names look
/// alike, at the files' own markers. Each layout's rules live in one file under `Layouts/`.
public enum Layout: String, Sendable, CaseIterable, Codable {
    /// `001_create_users.sql`: the whole file is the migration.
    case flat
    /// `V3__add_index.sql`, `R__views.sql` (repeatable), `U3__…` (undo: the rollback of V3).
    case flyway
    /// golang-migrate: `20240101120000_add_x.up.sql` with `.down.sql`.
    case updown
    /// diesel `2019-02-26-002946_create_user/up.sql` + `down.sql`, prisma `20230101_x/migration.sql`.
    case directory
    /// dbmate: one file with `-- migrate:up` and `-- migrate:down` sections.
    case dbmate
    /// goose: one file with `-- +goose Up` and `-- +goose Down` sections.
    case goose
    /// pop (gobuffalo/pop, ory/x popx): `.up.sql`/`.down.sql` per dialect.
    case pop
    /// Atlas: every `.sql` file in name order, guarded by `atlas.sum`.
    case atlas
    /// Liquibase formatted SQL: changesets inside `--liquibase formatted sql` files.
    case liquibase

    /// The names `.gitgate` accepts for a layout: its own, and the tools' names.
    public init?(configured value: String) {
        switch value.lowercased() {
        case "golang-migrate", "migrate": self = .updown
        case "diesel", "prisma": self = .directory
        default: self.init(rawValue: value.lowercased())
        }
    }
}

/// pop's dialect aliases, normalised as pop does (`gitgate.dialect` and pop's file names use them).
public enum Dialect {
    public static let aliases: [String: String] = [
        "postgres": "postgres", "postgresql": "postgres", "pg": "postgres", "pgx": "postgres",
        "cockroach": "cockroach", "cockroachdb": "cockroach", "crdb": "cockroach",
        "mysql": "mysql", "mariadb": "mariadb", "sqlite": "sqlite3", "sqlite3": "sqlite3",
    ]
}
