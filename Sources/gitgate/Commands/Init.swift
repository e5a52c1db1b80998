import ArgumentParser
import Foundation
import GitGateKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a .gitgate for this repository, detecting its migrations folder and layout.",
        discussion: """
        Looks for the usual migrations folders (migrations, db/migrations, database_tools/migrations, \
        prisma/migrations, src/main/resources/db/migration, …), detects the naming layout, and writes \
        .gitgate at the repository root with a commented production target. Commit the file; passwords \
        never go in it (use env:VAR, ~/.pgpass or PGPASSWORD).
        """
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "The migrations folder, relative to the repository root (default: detected).")
    var migrations: String?

    @Option(help: "The production database: env:VAR, service=NAME, or a URI without a password.")
    var production: String?

    @Flag(help: "Replace an existing .gitgate.")
    var force = false

    func run() throws {
        let result = try Initializer.run(at: location.path, migrations: migrations, production: production, force: force)
        Console.out("wrote \(result.path)")
        Console.out("  migrations = \(result.migrations) (layout \(result.layout))")
        Console.out(result.production == nil
            ? "  no target yet: set gitgate.production.url in .gitgate, then run gitgate doctor"
            : "  production target: \(result.production!)")
        Console.out("Next: commit it on the main branch (git add .gitgate && git commit): the gate reads main's copy; then gitgate install")
    }
}
