import GitGateKit

/// The migrations of the demo: the two from the original manual checklist, written the way the
/// checklist's review step asks (IF NOT EXISTS, indexes, foreign keys to existing tables, comments).
public enum DemoMigrations {
    public static let users = """
        CREATE TABLE IF NOT EXISTS users (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email text NOT NULL UNIQUE,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE users IS 'People who sign in';

        """

    public static let securityDetections = """
        -- What the scanner found, per user.
        CREATE TABLE IF NOT EXISTS security_detections (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            rule text NOT NULL,
            severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
            detected_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS security_detections_user_id_idx ON security_detections (user_id);
        COMMENT ON TABLE security_detections IS 'Findings of the security scanner, one row per detection';

        """

    public static let jobAnalysisTiers = """
        -- Which analysis tier each job runs at.
        CREATE TABLE IF NOT EXISTS job_analysis_tiers (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text NOT NULL UNIQUE,
            max_runtime interval NOT NULL DEFAULT interval '5 minutes',
            owner_id bigint REFERENCES users (id)
        );
        CREATE INDEX IF NOT EXISTS job_analysis_tiers_owner_id_idx ON job_analysis_tiers (owner_id);
        COMMENT ON TABLE job_analysis_tiers IS 'Analysis tiers a job can be assigned to';

        """
}
