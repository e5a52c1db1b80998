import GitGateLint

extension ContractSite {
    /// Places shown per finding.
    package static let placesShown = 5

    /// One `contract-still-used` finding per contraction the code still names. A search that
    /// fails blocks too: the code was not shown to be clean.
    package static func candidates(_ sites: [ContractSite], code: CodeSearch) -> [Candidate] {
        let places: [[CodeSearch.Place]]
        do {
            places = try code.places(naming: sites.map(\.contraction))
        } catch {
            return sites.map { site in
                site.candidate("\(site.contraction) may break code that still uses it, and the source files could not be searched: \(error)",
                               fix: "run git fsck; " + Rule.contractStillUsed.fix)
            }
        }
        return zip(sites, places).compactMap { site, found in
            guard !found.isEmpty, let name = site.contraction.removedName else { return nil }
            let shown = found.prefix(placesShown).map(\.description).joined(separator: ", ")
            let more = found.count > placesShown ? " (and \(found.count - placesShown) more)" : ""
            let what = site.contraction.isColumn ? "column \(sqlIdentifier(name)) of \(site.contraction.table)" : "table \(site.contraction.table)"
            let step: String
            switch site.contraction {
            case .renameTable(_, let to), .renameColumn(_, _, let to):
                step = "first add the new name beside the old one (a view, or a new column kept in sync), merge and deploy code that uses \(sqlIdentifier(to)) instead of \(sqlIdentifier(name)) (\(shown)\(more)), then rename or drop the old one in a later migration"
            default:
                step = "first merge and deploy code that no longer uses \(sqlIdentifier(name)) (\(shown)\(more)), then drop it in a later migration"
            }
            return site.candidate("\(site.contraction) is a contract migration, and the code at main's tip or on this branch still names the \(what): \(shown)\(more)",
                                  fix: "release in two steps: \(step); gitgate.codePaths narrows which files are searched")
        }
    }

    private func candidate(_ message: String, fix: String) -> Candidate {
        let rule = Rule.contractStillUsed
        return Candidate(finding: Finding(path: path, rule: rule.rawValue, severity: rule.severity, line: line,
                                          message: message, fix: fix),
                         file: file, allows: allows, lockTable: nil, pending: nil)
    }
}
