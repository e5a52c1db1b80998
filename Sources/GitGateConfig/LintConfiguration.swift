import Git
import GitGateLint

/// `[gitgate "lint"]` and `[gitgate "lint.severity"]` of the committed `.gitgate`. Severities
/// have a section of their own because git-config variable names cannot hold a dot:
///
///     [gitgate "lint"]
///         disable = table-without-comment
///         enable = prefer-bigint-keys
///         postgresVersion = 13
///         assumeInTransaction = true
///     [gitgate "lint.severity"]
///         foreign-key-without-index = error
package enum LintSection {
    case settings(key: String)
    case severity(rule: String)

    /// Keys of `[gitgate "lint"]`, lowercased as git reports them.
    package static let keys: [String: String] = [
        "disable": "disable", "enable": "enable", "postgresversion": "postgresVersion",
        "assumeintransaction": "assumeInTransaction",
    ]

    /// nil when the entry is not in a lint section (a target's, say).
    package init?(_ parts: [String]) {
        let subsection = parts[1..<(parts.count - 1)].joined(separator: ".")
        switch subsection {
        case "lint": self = .settings(key: parts[parts.count - 1])
        case "lint.severity": self = .severity(rule: parts[parts.count - 1])
        default: return nil
        }
    }

    package func validate(_ name: String, origin: String) throws {
        switch self {
        case .settings(let key):
            guard Self.keys[key] != nil else {
                let suggestion = Self.keys.values.min { editDistance($0.lowercased(), key) < editDistance($1.lowercased(), key) }
                throw GitGateError(.configuration, "\(origin): unknown key \(name)\(suggestion.map { " (did you mean gitgate.lint.\($0)?)" } ?? ""); fix or remove it")
            }
        case .severity(let rule):
            _ = try Configuration.rule(named: rule, key: name, origin: origin)
        }
    }
}

extension Configuration {
    /// The lint policy of the committed file (`policy`: never a person's git config).
    package static func lintSettings(_ policy: Git.Config, shown: String) throws -> LintSettings {
        var settings = LintSettings()
        var configured: [Rule: String] = [:]
        func once(_ rule: Rule, _ key: String) throws {
            if let earlier = configured[rule] {
                throw GitGateError(.configuration, "\(shown): \(rule.rawValue) is configured twice (\(earlier) and \(key)); keep one of them")
            }
            configured[rule] = key
        }
        for (key, insert) in [("gitgate.lint.disable", true), ("gitgate.lint.enable", false)] {
            for value in policy.strings(key) {
                for name in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                    let rule = try rule(named: name, key: key, origin: shown)
                    try once(rule, "\(key) = \(name)")
                    if insert { settings.disabled.insert(rule) } else { settings.enabled.insert(rule) }
                }
            }
        }
        for entry in try policy.entries(matching: "^gitgate\\.lint\\.severity\\.") {
            let name = String(entry.name.dropFirst("gitgate.lint.severity.".count))
            let rule = try rule(named: name, key: entry.name, origin: shown)
            let raw = entry.value?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard let level = LintSettings.Level(rawValue: raw) else {
                throw GitGateError(.configuration, "\(shown): \(entry.name) = '\(entry.value ?? "")' is not a severity; use error, warning or off")
            }
            try once(rule, "\(entry.name) = \(raw)")
            settings.levels[rule] = level
        }
        let versions = policy.strings("gitgate.lint.postgresversion")
        if versions.count > 1 {
            throw GitGateError(.configuration, "\(shown): gitgate.lint.postgresVersion is set \(versions.count) times; keep one")
        }
        if let raw = versions.first {
            // 13, or 9.6 for the releases numbered that way.
            let major = raw.trimmingCharacters(in: .whitespaces).split(separator: ".").first.flatMap { Int($0) }
            guard let major, (LintSettings.oldestPostgres...LintSettings.newestPostgres).contains(major) else {
                throw GitGateError(.configuration, "\(shown): gitgate.lint.postgresVersion = '\(raw)' is not a PostgreSQL major version gitgate's advice covers (\(LintSettings.oldestPostgres) to \(LintSettings.newestPostgres)); write production's major version, e.g. 15")
            }
            settings.postgresVersion = major
        }
        do {
            settings.assumeInTransaction = try policy.bool("gitgate.lint.assumeintransaction") ?? false
        } catch {
            throw GitGateError(.configuration, "\(shown): gitgate.lint.assumeInTransaction = '\(policy.string("gitgate.lint.assumeintransaction") ?? "")' is not a boolean; use true or false")
        }
        return settings
    }

    /// The rule a setting names, or an error saying which rule was probably meant.
    package static func rule(named name: String, key: String, origin: String) throws -> Rule {
        if let rule = Rule(rawValue: name.lowercased()) { return rule }
        let hint = Rule.closest(to: name).map { "did you mean \($0.rawValue)? " } ?? ""
        throw GitGateError(.configuration, "\(origin): \(key) names no rule '\(name)'; \(hint)gitgate lint --rules lists them")
    }
}
