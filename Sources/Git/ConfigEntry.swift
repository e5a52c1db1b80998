/// One `name = value` line of git configuration.
public struct ConfigEntry: Sendable, Equatable {
    /// Where a value came from.
    public enum Origin: Sendable, Equatable {
        case system, xdg, global, local, app
        /// A file read on its own, such as `.gitgate`.
        case file(String)
    }

    /// Normalised by libgit2: section and key lower-cased, subsection kept
    /// (`[gitgate "Prod"] URL` → `gitgate.Prod.url`).
    public let name: String
    /// nil for a bare `key` line with no `=` (git reads it as true).
    public let value: String?
    public let origin: Origin

    public init(name: String, value: String?, origin: Origin) {
        self.name = name
        self.value = value
        self.origin = origin
    }
}
