import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate baseline`: adopts a database that already has years of migrations. Every migration
/// on main up to a version is verified in the target's catalog (or, with `--unverified
/// --reason`, vouched for where the catalog cannot prove a statement) and recorded in gitgate's
/// ledger, so the gate starts from the truth instead of listing all of history as pending.
public enum Baseline {
    /// main's migrations up to and including `through` (all of them without it), in the order they run.
    public static func migrations(at path: String, through: String?) throws -> (Inspection, Configuration) {
        let inspector = try Inspector(at: path)
        let main = try inspector.mainBranch()
        var inspection = try inspector.inspectWorktree(branch: main)
        inspection.problems = inspection.problems.filter { $0.code != "uncommitted" && $0.code != "uncommitted-change" }
        inspection.migrations = inspection.migrations.filter { $0.source == .committed }
        if let through {
            guard let last = inspection.migrations.lastIndex(where: { $0.version == through }) else {
                let newest = inspection.migrations.last.map { " (its newest is \($0.version))" } ?? " (it has none)"
                throw GitGateError(.refused, "\(main) has no migration \(through)\(newest); name a version main has, e.g. gitgate baseline --through \(inspection.migrations.last?.version ?? "VERSION")")
            }
            inspection.migrations = Array(inspection.migrations[...last])
        }
        return (inspection, inspector.configuration)
    }

    /// Records them; all or nothing, as `gitgate record`.
    public static func run(at path: String, target name: String?, through: String?, unverified: Bool, reason: String?,
                           options: ApplyOptions = ApplyOptions()) throws -> Recorder.Outcome {
        let (inspection, configuration) = try migrations(at: path, through: through)
        guard !inspection.migrations.isEmpty else {
            throw GitGateError(.refused, "\(inspection.base) has no migrations to baseline; nothing was recorded")
        }
        let target = try Applier.chooseTarget(name, in: configuration, command: "baseline")
        let recorder = Recorder(inspection: inspection, configuration: configuration, target: target, options: options)
        return try recorder.record(inspection.migrations.map(\.version), unverified: unverified, reason: reason)
    }
}
