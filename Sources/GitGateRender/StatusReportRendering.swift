import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets
import GitGateVerdict
import GitGateJSON

/// How a status report reads: the stable JSON contract and the text.
extension StatusReport {
    // MARK: JSON: the stable contract (README: "JSON output")

    private struct JSONStatus: Encodable {
        package var verdict: String
        package var branch: String
        package var base: String
        @Nullable package var mergeBase: String?
        package var head: String
        @Nullable package var layout: String?
        package var migrations: [JSONMigration]
        package var targets: [String: JSONTarget]
        package var reasons: [JSONReason]
        package var notes: [JSONReason]
    }

    private struct JSONMigration: Encodable {
        package var version: String
        package var name: String
        package var path: String
        @Nullable package var downPath: String?
        package var source: String
        /// False when the migration's tool runs it outside a transaction.
        package var transaction: Bool
        package var checksum: String
        package var targets: [String: TargetStatus]
        package var findings: [JSONLintFinding]
    }

    private struct JSONTarget: Encodable {
        var gate: Bool
        var checked: Bool
        @Nullable var error: String?
        /// Every member of a fleet; null for one database.
        @Nullable var fleet: JSONFleet?
    }

    private struct JSONFleet: Encodable {
        var kind: String
        var total: Int
        var checked: Int
        var upToDate: Int
        var members: [JSONMember]
    }

    private struct JSONMember: Encodable {
        var name: String
        var checked: Bool
        @Nullable var error: String?
        var migrations: [String: JSONMemberState]
    }

    /// A member's state of one migration, without the per-statement evidence (thousands of members).
    private struct JSONMemberState: Encodable {
        var state: MigrationState
        var detail: String
        @Nullable var cause: PendingCause?
    }

    private func jsonFleet(_ check: TargetCheck) -> JSONFleet? {
        guard let fleet = check.fleet else { return nil }
        let summary = FleetSummary(check, fleet: fleet, migrations: inspection.migrations)
        return JSONFleet(kind: fleet.kind, total: fleet.total, checked: fleet.members.count, upToDate: summary.upToDate,
                         members: fleet.members.map { member in
                             switch member.outcome {
                             case .success(let states):
                                 return JSONMember(name: member.member, checked: true, error: nil,
                                                   migrations: states.mapValues { JSONMemberState(state: $0.state, detail: $0.detail, cause: $0.cause) })
                             case .failure(let error):
                                 return JSONMember(name: member.member, checked: false, error: error.message, migrations: [:])
                             }
                         })
    }

    public func json() -> String {
        let migrations = inspection.migrations.map { migration in
            var targets: [String: TargetStatus] = [:]
            for check in checks {
                if let status = check.states?[migration.version] { targets[check.target] = status }
            }
            return JSONMigration(
                version: migration.version, name: migration.name, path: migration.path, downPath: migration.downPath,
                source: migration.source.rawValue, transaction: migration.transaction, checksum: migration.checksum, targets: targets,
                findings: (findings[migration.path] ?? []).map(JSONLintFinding.init))
        }
        var targets: [String: JSONTarget] = [:]
        for check in checks {
            switch check.outcome {
            case .success: targets[check.target] = JSONTarget(gate: check.gate, checked: true, error: nil, fleet: jsonFleet(check))
            case .failure(let error):
                targets[check.target] = JSONTarget(gate: check.gate, checked: false, error: error.message, fleet: jsonFleet(check))
            }
        }
        let status = JSONStatus(verdict: verdict.decision.rawValue, branch: inspection.branch, base: inspection.base,
                                mergeBase: inspection.mergeBase, head: inspection.head, layout: inspection.layout?.rawValue,
                                migrations: migrations, targets: targets, reasons: verdict.reasons.map(JSONReason.init), notes: verdict.notes.map(JSONReason.init))
        return JSONOutput.render(status)
    }

    // MARK: Text, for people

    /// - Parameter verbose: also list, under each target, every statement's evidence.
    public func text(style: Style, verbose: Bool = false) -> String {
        var lines: [String] = []
        let baseShort = inspection.mergeBase.map { String($0.prefix(7)) } ?? "none"
        if inspection.isMain {
            lines.append("\(style.bold("Branch")) \(inspection.branch), the main branch: each of its migrations must be on every gated target")
        } else {
            lines.append("\(style.bold("Branch")) \(inspection.branch) → \(inspection.base)  (merge base \(baseShort))")
        }
        lines.append("\(style.bold("Migrations")) \(inspection.migrationsFolder)/ (\(inspection.layout?.rawValue ?? "no layout detected"))")
        if inspection.migrations.isEmpty {
            lines.append(inspection.isMain ? "  none" : "  none new on this branch")
        }
        let targetNames = checks.map(\.target)
        // On main, thousands may be in place: list those that are not, and count the rest.
        let passingEverywhere = { (migration: Migration) in
            migration.source == .committed && self.checks.allSatisfy { $0.states?[migration.version]?.state.passes == true }
        }
        let shown = inspection.isMain && !checks.isEmpty ? inspection.migrations.filter { !passingEverywhere($0) } : inspection.migrations
        if shown.count < inspection.migrations.count {
            let others = inspection.migrations.count - shown.count
            lines.append("  \(others) migration\(others == 1 ? " is" : "s are") on every target")
        }
        for migration in shown {
            let source = migration.source == .committed ? "" : style.yellow(" [\(migration.source.rawValue)]")
            lines.append("  \(migration.path)\(source)")
            for check in checks where check.fleet == nil {
                let gate = check.gate ? "" : " (not gated)"
                if let status = check.states?[migration.version] {
                    let symbol = status.state.passes ? style.green("✓") : style.red("✗")
                    lines.append("    \(symbol) \(check.target)\(gate): \(status.state.rawValue) \(style.dim("- " + status.detail))")
                    if verbose {
                        for item in status.evidence {
                            let mark: String
                            switch item.status {
                            case .proven: mark = style.green("proven")
                            case .missing: mark = style.red("missing")
                            case .unprovable: mark = style.yellow("unprovable")
                            case .nothingToProve, .superseded: mark = style.dim("-")
                            }
                            let said = item.summary.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
                            lines.append("        line \(item.line) \(item.statement): \(mark)\(said.isEmpty ? " " + item.summary : ": " + said)")
                        }
                    }
                }
            }
            for finding in findings[migration.path] ?? [] {
                let label = finding.allowedBecause != nil ? style.dim("allowed")
                    : (finding.severity == .error ? style.red("error") : style.yellow("warning"))
                lines.append("    \(label) line \(finding.line) \(finding.rule): \(finding.message)")
            }
        }
        for check in checks {
            if let fleet = check.fleet {
                lines += FleetText.lines(FleetSummary(check, fleet: fleet, migrations: inspection.migrations),
                                         migrations: inspection.migrations, style: style, verbose: verbose)
                continue
            }
            if case .failure(let error) = check.outcome {
                lines.append("\(style.red("✗")) \(check.target): could not check: \(error.message)")
            }
        }
        if targetNames.isEmpty && !inspection.migrations.isEmpty {
            lines.append(style.dim("No target is configured: nothing gates this merge on a database."))
        }
        if !verdict.notes.isEmpty {
            lines.append("")
            for note in verdict.notes { lines.append("\(style.yellow("!")) \(note)") }
        }
        lines.append("")
        switch verdict.decision {
        case .ready:
            let gatedNames = checks.filter(\.gate).map { check in
                check.fleet.map { "every \($0.kind) of \(check.target)" } ?? check.target
            }
            let suffix = inspection.migrations.isEmpty ? (inspection.isMain ? "no migrations" : "no new migrations")
                : (gatedNames.isEmpty ? "no target gates this merge" : "\(gatedNames.joined(separator: ", ").capitalizedFirst) is up to date")
            lines.append(style.green(style.bold(inspection.isMain ? "✓ UP TO DATE" : "✓ READY TO MERGE")) + " - " + suffix)
        case .blocked, .error:
            lines.append(style.red(style.bold(verdict.decision == .error ? "✗ BLOCKED (could not check)" : "✗ BLOCKED")))
            for reason in verdict.reasons { lines.append("  - \(reason)") }
        }
        if !skips.isEmpty {
            lines.append("")
            lines.append(style.yellow(skips.contains { $0.kind == .bypass }
                ? "! The gate was skipped or bypassed recently (gitgate doctor lists more):"
                : "! The gate was skipped recently (GITGATE_SKIP; gitgate doctor lists more):"))
            for skip in skips { lines.append("  \(skip.summary)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    package var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
