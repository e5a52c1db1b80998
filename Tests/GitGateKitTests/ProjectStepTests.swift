import Foundation
import GitGateKit
import Testing
import TestSupport

@Suite("project steps: [gitgate \"step.NAME\"]")
struct ProjectStepTests {
    static let steps = """
        [gitgate "step.models"]
        \trun = ./gen.sh
        \texpect = clean
        \ttimeout = 20s
        [gitgate "step.tests"]
        \trun = true
        [gitgate "step.docs"]
        \trun = make publish-docs
        \twhen = after-merge

        """

    static func world(_ steps: String = ProjectStepTests.steps) throws -> ApplyWorld {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_a.sql": "CREATE TABLE a (id int);\n"])
        let gitgate = try String(contentsOfFile: world.repo.path + "/.gitgate", encoding: .utf8)
        try world.repo.commitFiles([".gitgate": gitgate + steps, "gen.sh": "#!/bin/sh\nprintf 'model\\n' > models.txt\n"], message: "steps")
        try world.repo.git("update-ref", "refs/heads/feature", "main")
        try world.repo.git("reset", "--hard", in: world.worktree)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: world.worktree + "/gen.sh")
        return world
    }

    @Test("main's steps are read in order with their settings; a bad value or key is a configuration error", .database)
    func configuration() throws {
        let world = try Self.world()
        let configuration = try Inspector(at: world.worktree).configuration
        #expect(configuration.steps == [
            ProjectStep(name: "models", run: "./gen.sh", when: .beforeMerge, expect: .clean, timeoutMs: 20_000),
            ProjectStep(name: "tests", run: "true"),
            ProjectStep(name: "docs", run: "make publish-docs", when: .afterMerge),
        ])
        let bad = try Self.world("[gitgate \"step.x\"]\n\trun = true\n\twhen = sometime\n")
        let error = try #require(throws: GitGateError.self) { try Inspector(at: bad.worktree) }
        #expect(error.kind == .configuration)
        #expect(error.message.contains("gitgate.step.x.when = 'sometime' is not a moment; use before-merge or after-merge"), "\(error.message)")
        let typo = try Self.world("[gitgate \"step.x\"]\n\trunn = true\n")
        let unknown = try #require(throws: GitGateError.self) { try Inspector(at: typo.worktree) }
        #expect(unknown.message.contains("gitgate.step.x.runn"), "\(unknown.message)")
    }

    @Test("a clean step that generates a file fails and names it; the plan and close's reminders list the steps", .database)
    func runningAndListing() throws {
        let world = try Self.world()
        let steps = try Inspector(at: world.worktree).configuration.steps
        let models = StepRunner.run(steps[0], in: world.worktree)
        #expect(models.outcome == .changedFiles(["models.txt"]))
        #expect(models.problem?.contains("changed 1 file (models.txt), and expect = clean") == true, "\(String(describing: models.problem))")
        // Committed: now it changes nothing.
        try world.repo.commitFiles(["models.txt": "model\n"], message: "generated", in: world.worktree)
        #expect(StepRunner.run(steps[0], in: world.worktree).outcome == .passed)
        #expect(StepRunner.run(steps[1], in: world.worktree).outcome == .passed)

        let plan = try DeploymentPlan.make(at: world.worktree, environment: world.environment)
        #expect(plan.steps.map(\.name) == ["models", "tests", "docs"])
        #expect(plan.afterMerge.contains("run make publish-docs (step docs)"), "\(plan.afterMerge)")
        #expect(PlanReport.text(plan, style: .plain).contains("Project steps before the merge (gitgate steps --run)\n  models: ./gen.sh  (expect clean; never run here)\n  tests: true  (expect success; never run here)"))
    }

    @Test("a missing command and a hanging one are each a clear failure, the hanging one bounded by its timeout; the binary says one gitgate: line", .database)
    func missingAndHanging() throws {
        let world = try Self.world()
        let missing = StepRunner.run(ProjectStep(name: "gen", run: "no-such-command-gitgate-test"), in: world.worktree)
        #expect(missing.outcome == .commandNotFound)
        #expect(missing.problem == "step gen (no-such-command-gitgate-test): the command was not found; install it, or fix gitgate.step.gen.run in main's .gitgate")

        // Still running at its timeout: stopped, and what it printed before is kept.
        let hanging = StepRunner.run(ProjectStep(name: "hang", run: "echo started; sleep 600 & wait; echo finished", timeoutMs: 500),
                                     in: world.worktree)
        #expect(hanging.outcome == .timedOut(ms: 500))
        #expect(hanging.output == "started")
        #expect(hanging.problem?.hasSuffix("did not finish within 500 ms and was stopped; make it faster or raise gitgate.step.hang.timeout") == true)

        let binary = try GitGateBinary.run(["steps", "--run"], in: world.worktree, environment: world.repo.environment)
        #expect(binary.status == 1)
        #expect(binary.stderr == "gitgate: step models (./gen.sh) changed 1 file (models.txt), and expect = clean; commit what it generated, then run gitgate steps --run again\n")
        #expect(binary.stdout.contains("changed: models.txt"))
    }

    @Test("steps --run runs against the local target (its URL only in the environment), keeps each result, and the plan shows it until HEAD moves", .database)
    func localTargetAndLastResult() throws {
        // The step passes only when both variables carry the same, non-empty connection string.
        let world = try Self.world("""
            [gitgate "local"]
            \turl = env:\(ApplyWorld.urlVariable)
            [gitgate "step.schema"]
            \trun = test -n \\"$DATABASE_URL\\" && test \\"$GITGATE_TARGET_URL\\" = \\"$DATABASE_URL\\" && echo seen

            """)
        let run = try GitGateBinary.run(["steps", "--run"], in: world.worktree, environment: world.repo.environment,
                                        extra: [ApplyWorld.urlVariable: world.conninfo])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Against target local"))
        #expect(!run.stdout.contains(world.conninfo) && !run.stderr.contains(world.conninfo), "the URL is never printed")

        let head = try world.repo.git("rev-parse", "HEAD", in: world.worktree).trimmingCharacters(in: .whitespacesAndNewlines)
        let plan = try DeploymentPlan.make(at: world.worktree, environment: world.environment)
        let last = try #require(plan.stepResults["schema"])
        #expect(last.passed && last.outcome == "passed" && last.commit == head)
        #expect(PlanReport.text(plan, style: .plain).contains("schema: test -n"), "\(PlanReport.text(plan, style: .plain))")
        #expect(PlanReport.text(plan, style: .plain).contains("last passed"))
        #expect(!PlanReport.text(plan, style: .plain).contains("HEAD has moved"))

        // A later commit: the result is out of date, and the plan says so.
        try world.repo.commitFiles(["notes.txt": "later\n"], message: "later", in: world.worktree)
        let later = try DeploymentPlan.make(at: world.worktree, environment: world.environment)
        #expect(PlanReport.text(later, style: .plain).contains("HEAD has moved since: run it again"))
    }
}
