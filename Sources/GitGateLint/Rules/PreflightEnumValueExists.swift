extension Rule {
    public static let preflightEnumValueExists = Rule(
        "preflight-enum-value-exists", .error, .preflight, preflight: true,
        summary: "ALTER TYPE … ADD VALUE (without IF NOT EXISTS) of a value production's enum has already",
        rationale: "ADD VALUE fails when the label is there, e.g. added by hand. With --target, and in plan and apply, one catalog query (pg_enum) says whether production has it.",
        fix: "write ADD VALUE IF NOT EXISTS, or drop the statement",
        examples: [
            .bad("ALTER TYPE mood ADD VALUE 'sad';", production: "ALTER TYPE mood ADD VALUE 'sad';"),
            .good("ALTER TYPE mood ADD VALUE 'sad';"),
            .good("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad';", production: "ALTER TYPE mood ADD VALUE 'sad';"),
        ])
}
