/// Why a throwaway cluster could not be made.
public enum LocalPostgresError: Error, CustomStringConvertible, Sendable {
    case serverNotFound(searched: [String])
    case noPostgresUser
    case setup(String)
    case initdbFailed(status: Int32, logTail: String)
    case startFailed(reason: String, logTail: String)

    public var description: String {
        switch self {
        case .serverNotFound(let searched):
            return "no PostgreSQL server binaries (initdb, postgres) found in \(searched.joined(separator: ", ")). Install them: apt-get install postgresql"
        case .noPostgresUser:
            return "running as root, but there is no 'postgres' user to run the server as (initdb refuses root). Install the server package (apt-get install postgresql) or run as a normal user."
        case .setup(let reason):
            return "could not prepare a throwaway PostgreSQL cluster: \(reason)"
        case .initdbFailed(let status, let logTail):
            return "initdb failed (exit status \(status)); its output ends with: \(logTail)"
        case .startFailed(let reason, let logTail):
            return "the throwaway PostgreSQL server did not start: \(reason); its log ends with: \(logTail)"
        }
    }
}
