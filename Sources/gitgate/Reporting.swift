import GitGateKit

extension StatusReport {
    /// A report that could not check is still the result (stdout); stderr gets the one
    /// `gitgate:` line that says why, as for every failure.
    func sayWhyNotChecked() {
        guard verdict.decision == .error else { return }
        Console.error(ErrorBoundary.couldNotCheck(checks).line)
    }
}
