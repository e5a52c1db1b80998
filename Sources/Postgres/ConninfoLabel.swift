import Foundation

/// Short, stable names for connection strings, for a fleet's members: never a password.
public enum ConninfoLabel {
    /// `host/db` (`host:port/db` off the default port; a Unix socket is `local:port`), from
    /// libpq's own parse; nil when libpq cannot parse the string. A service is not expanded.
    public static func hostAndDatabase(_ conninfo: String) -> String? {
        guard let parsed = try? Conninfo.parse(conninfo).get() else { return nil }
        let firstHost = (parsed["host"] ?? parsed["hostaddr"]).flatMap { $0.split(separator: ",").first.map(String.init) }
        let port = parsed["port"].flatMap { $0.split(separator: ",").first.map(String.init) }
        let host: String
        if let firstHost, !firstHost.hasPrefix("/"), !firstHost.hasPrefix("@") {
            host = firstHost + (port.map { $0 == "5432" ? "" : ":" + $0 } ?? "")
        } else {
            host = "local" + (port.map { ":" + $0 } ?? "")
        }
        let database = parsed["dbname"] ?? parsed["user"] ?? "postgres"
        return host + "/" + database
    }

    /// Whether libpq's parse of `conninfo` sets a password (URI or keyword form).
    public static func hasPassword(_ conninfo: String) -> Bool {
        guard let parsed = try? Conninfo.parse(conninfo).get() else { return false }
        return !(parsed["password"] ?? "").isEmpty
    }
}
