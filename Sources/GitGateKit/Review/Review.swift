/// The review step of the checklist, for the gate: findings per migration path.
public enum Review {
    public static func findings(for migrations: [Migration], configuration: Configuration) -> [String: [Finding]] {
        [:]
    }
}
