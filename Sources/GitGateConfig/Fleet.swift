import Git

/// A target that is many databases, or many schemas of one database: `[gitgate "production"]`
/// with several `url =` lines, `service =` lines, a `discover =` query or a `schemas =` query.
/// Every member is gated: the fleet is up to date when each member is.
public struct Fleet: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Several `url =` lines: one member each, named host/db.
        case urls([ConnectionSource])
        /// `service = NAME` lines (pg_service.conf, which libpq reads): one member each, named by the service.
        case services([String])
        /// `discover = SQL`, run on the target's url (the control database): one member per row, a
        /// connection string or the name of a database on the same server.
        case discover(String)
        /// `schemas = SQL`, run on the target's url: one member per schema of that database; its
        /// objects and ledger resolve through `search_path`.
        case schemas(String)
    }

    public var source: Source
    /// How many members are checked at once.
    public var concurrency: Int

    public static let defaultConcurrency = 16

    public init(source: Source, concurrency: Int = Fleet.defaultConcurrency) {
        self.source = source
        self.concurrency = concurrency
    }

    /// What the text says the members are.
    public var kind: String {
        if case .schemas = source { return "schema" }
        return "database"
    }
}

extension Configuration {
    /// The fleet a target's section describes, or nil for one database. Membership is policy:
    /// read from the committed file only.
    package static func loadFleet(_ name: String, policy: Git.Config?, shown: String) throws -> Fleet? {
        guard let policy else { return nil }
        let prefix = "gitgate.\(name)."
        let urls = policy.strings(prefix + "url").compactMap(\.nonEmpty)
        let services = policy.strings(prefix + "service").compactMap(\.nonEmpty)
        let discover = policy.strings(prefix + "discover").compactMap(\.nonEmpty)
        let schemas = policy.strings(prefix + "schemas").compactMap(\.nonEmpty)
        var sources: [Fleet.Source] = []
        if urls.count > 1 { sources.append(.urls(urls.map(ConnectionSource.init(parsing:)))) }
        if !services.isEmpty { sources.append(.services(services)) }
        for (key, values) in [("discover", discover), ("schemas", schemas)] where !values.isEmpty {
            guard values.count == 1 else {
                throw GitGateError(.configuration, "\(shown): gitgate.\(name).\(key) is set \(values.count) times; keep one query")
            }
            guard urls.count == 1 else {
                throw GitGateError(.configuration, "\(shown): gitgate.\(name).\(key) runs on the target's url, and target '\(name)' has \(urls.isEmpty ? "none" : "\(urls.count)"); set exactly one url = (the database to run the query on)")
            }
            sources.append(key == "discover" ? .discover(values[0]) : .schemas(values[0]))
        }
        if sources.count > 1 {
            throw GitGateError(.configuration, "\(shown): target '\(name)' says how to find its members in more than one way (several url lines, service, discover, schemas); keep one")
        }
        let rawConcurrency = policy.strings(prefix + "concurrency")
        guard let source = sources.first else {
            if !rawConcurrency.isEmpty {
                throw GitGateError(.configuration, "\(shown): gitgate.\(name).concurrency is set, but target '\(name)' is one database; remove it, or make the target a fleet (several url lines, service, discover or schemas)")
            }
            return nil
        }
        var fleet = Fleet(source: source)
        if let raw = rawConcurrency.last {
            guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value >= 1, value <= 1_024 else {
                throw GitGateError(.configuration, "\(shown): gitgate.\(name).concurrency = '\(raw)' is not a number of connections from 1 to 1024; write e.g. 16")
            }
            fleet.concurrency = value
        }
        return fleet
    }
}
