import GitGateLint

public enum GitGateVersion {
    public static let string = "0.1.0"
}
