import GitGateJSON
import Foundation
import Git
import Postgres
import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate doctor`: every part of the set-up, checked, each problem with its fix.
public struct Diagnosis: Sendable {
    public struct Item: Sendable, Encodable {
        public enum Status: String, Sendable, Encodable { case ok, warning, problem, info }
        public var name: String
        public var status: Status
        public var detail: String
    }

    public var items: [Item]

    /// No problem found (warnings allowed).
    public var healthy: Bool { !items.contains { $0.status == .problem } }

    /// Every migration on main that a gated target lacks: one that reached main around the gate,
    /// or a database adopted late (then `gitgate baseline` records what it already has).
    package static func mainAgainstTargets(_ inspector: Inspector, _ configuration: Configuration,
                                   _ environment: [String: String]) -> Item {
        guard let main = try? inspector.mainBranch(), let inspection = try? inspector.inspectWorktree(branch: main) else {
            return Item(name: "main vs targets", status: .warning, detail: "main's migrations could not be read")
        }
        let report = StatusService.evaluate(inspection, configuration: configuration, environment: environment)
        let lacking = inspection.migrations.filter { migration in
            report.checks.filter(\.gate).contains { $0.states?[migration.version].map { !$0.state.passes } ?? false }
        }
        if report.verdict.decision == .error {
            return Item(name: "main vs targets", status: .problem, detail: report.verdict.reasons.first?.description ?? "could not check")
        }
        guard !lacking.isEmpty else {
            return Item(name: "main vs targets", status: .ok, detail: "every gated target has all \(inspection.migrations.count) of \(main)'s migrations")
        }
        let names = lacking.prefix(3).map(\.path).joined(separator: ", ") + (lacking.count > 3 ? ", and \(lacking.count - 3) more" : "")
        return Item(name: "main vs targets", status: .problem,
                    detail: "\(lacking.count) of \(main)'s migrations are not on every gated target (\(names)); apply them from \(main) (gitgate apply), or, if the database already has them, adopt it with gitgate baseline")
    }

    public static func run(at path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Diagnosis {
        var items: [Item] = [
            Item(name: "gitgate", status: .info, detail: GitGateVersion.string),
            Item(name: "libgit2", status: .info, detail: Libgit2.version),
            Libpq.version.map { Item(name: "libpq", status: .info, detail: formatLibpq($0)) }
                ?? Item(name: "libpq", status: .problem, detail: Libpq.loadError.map { "\($0)" } ?? "not loadable"),
            Item(name: "libpg_query", status: .info, detail: "\(Parser.version) (PostgreSQL \(Parser.postgresVersion) grammar)"),
        ]
        let repository: Repository
        do {
            repository = try Inspector.openRepository(at: path)
            items.append(Item(name: "repository", status: .ok, detail: repository.workdir ?? repository.gitDir))
        } catch {
            items.append(Item(name: "repository", status: .problem, detail: "\(error)"))
            return Diagnosis(items: items)
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(from: repository)
            switch configuration.policy {
            case .main(let branch, let commit):
                var detail = "\(branch)'s .gitgate (at \(commit.prefix(7)))"
                if configuration.pendingPolicyChange { detail += "; the .gitgate here differs: its changes take effect when merged" }
                items.append(Item(name: "configuration", status: .ok, detail: detail))
            case .missingOnMain(let branch):
                // Without a policy on main the hooks block every migration: say how to fix it.
                items.append(Item(name: "configuration", status: .problem, detail: configuration.hasFile
                    ? ".gitgate is not committed on \(branch), and the gate reads only \(branch)'s: commit it there (git add .gitgate && git commit)"
                    : "no .gitgate on \(branch) (defaults): run gitgate init, then commit .gitgate on \(branch)"))
            case .worktree:
                let source = configuration.hasFile ? ".gitgate" : "no .gitgate (defaults; run gitgate init)"
                items.append(Item(name: "configuration", status: configuration.hasFile ? .ok : .warning, detail: source))
            }
            for key in configuration.ignoredOverrides {
                items.append(Item(name: "configuration", status: .warning, detail: "git config sets \(key), which only the main branch's .gitgate decides: it is ignored; remove it (git config --unset \(key))"))
            }
        } catch {
            items.append(Item(name: "configuration", status: .problem, detail: "\(error)"))
            return Diagnosis(items: items)
        }
        let inspector = Inspector(repository: repository, configuration: configuration)
        do {
            let main = try inspector.mainBranch()
            items.append(Item(name: "main branch", status: .ok, detail: main))
            let installer = HookInstaller(repository: repository, mainBranch: main)
            let installed = try installer.installed()
            if let manager = try installer.hookManager() {
                items.append(Item(name: "hooks", status: .warning, detail: manager.advice))
            } else if installed.isEmpty {
                items.append(Item(name: "hooks", status: .warning, detail: "not installed: merges into \(main) are not gated here; run gitgate install"))
            } else {
                let stale = installed.filter { !$0.current }.map(\.hook.rawValue)
                let names = installed.map(\.hook.rawValue).joined(separator: ", ")
                var problems = stale.isEmpty ? [] : ["\(stale.joined(separator: ", ")) call another gitgate or an old template: run gitgate install again"]
                if !repository.isBare, !installed.contains(where: { $0.hook == .referenceTransaction }) {
                    problems.append("reference-transaction is not installed, so fast-forwards, rebases, resets, cherry-picks, branch -f and update-ref move \(main) unchecked: run gitgate install")
                }
                items.append(Item(name: "hooks", status: problems.isEmpty ? .ok : .warning,
                                  detail: ([names] + problems).joined(separator: "; ")))
            }
        } catch {
            items.append(Item(name: "main branch", status: .problem, detail: "\(error)"))
        }
        items.append(Item(name: "migrations", status: .ok,
                          detail: "\(configuration.migrations)/ (layout \(configuration.layout?.rawValue ?? "auto"), ledger \(configuration.ledger.rawValue))"))
        if configuration.targets.isEmpty {
            items.append(Item(name: "targets", status: .warning, detail: "none configured: nothing gates merges; add [gitgate \"production\"] with a url to .gitgate"))
        }
        for target in configuration.targets {
            items.append(probe(target, ledger: configuration.ledger, folder: configuration.migrations, environment: environment))
        }
        if !configuration.gatedTargets.isEmpty { items.append(mainAgainstTargets(inspector, configuration, environment)) }
        for skip in (try? SkipLog(repository: repository).entries().suffix(5)) ?? [] {
            items.append(Item(name: skip.kind == .bypass ? "bypassed gate" : "skipped gate", status: .warning, detail: skip.summary))
        }
        return Diagnosis(items: items)
    }

    /// Connects read-only and reads the server version and whether the ledger exists.
    package static func probe(_ target: Target, ledger: LedgerKind, folder: String = "", environment: [String: String]) -> Item {
        let name = "target \(target.shown)" + (target.gate ? " (gated)" : "")
        do {
            let connection = try TargetConnection.open(target, environment: environment)
            let table = ledger.format.tableName
            let (results, failure) = try TargetConnection.read(connection, """
                SELECT current_setting('server_version'), \
                pg_catalog.to_regclass(\(sqlLiteral(ledger == .none ? "pg_catalog.pg_class" : table))) IS NOT NULL, \
                current_setting('transaction_read_only')
                """, target: target, deadline: .seconds(10))
            if let failure { throw TargetConnection.describe(failure, target: target) }
            guard let result = results.first, !result.rows.isEmpty else {
                throw GitGateError(.target, "target \(target.shown): the probe query returned nothing")
            }
            let version = result.string(row: 0, column: result.columns[0]) ?? "?"
            let hasLedger = result.rows.first?[1] == "t"
            let ledgerText = ledger == .none ? "no ledger configured" : (hasLedger ? "ledger \(table) present" : "no ledger \(table) yet (created by the first \(LedgerCommands(ledger: ledger, folder: folder).apply(target: target.name)))")
            guard result.rows.first?[2] == "on" else {
                return Item(name: name, status: .problem, detail: "\(connection.described): the check's transaction is not read-only (BEGIN READ ONLY had no effect); run the check against the server's own port")
            }
            return Item(name: name, status: .ok, detail: "\(connection.described), PostgreSQL \(version), read-only transaction, \(ledgerText)")
        } catch let error as GitGateError {
            return Item(name: name, status: target.gate ? .problem : .warning, detail: error.message)
        } catch {
            return Item(name: name, status: target.gate ? .problem : .warning, detail: "\(error)")
        }
    }

    package static func formatLibpq(_ version: Int) -> String { "\(version / 10000).\(version % 10000)" }

    public func text(style: Style) -> String {
        items.map { item in
            let mark: String
            switch item.status {
            case .ok: mark = style.green("✓")
            case .warning: mark = style.yellow("!")
            case .problem: mark = style.red("✗")
            case .info: mark = style.dim("·")
            }
            return "\(mark) \(style.bold(item.name)): \(item.detail)"
        }.joined(separator: "\n")
    }

    public func json() -> String {
        struct Shape: Encodable { var healthy: Bool; var items: [Item] }
        return JSONOutput.render(Shape(healthy: healthy, items: items))
    }
}
