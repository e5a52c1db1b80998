import ArgumentParser
import GitGateKit

struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove gitgate's git hooks and put back, byte for byte, the hooks they chained.",
        discussion: "Works from any worktree, even when .gitgate is broken. Hooks that are not gitgate's are left alone."
    )

    @OptionGroup var location: LocationOptions

    func run() throws {
        let (directory, changes) = try HookSetup.uninstall(at: location.path)
        guard !changes.isEmpty else {
            Console.out("No gitgate hooks in \(directory): nothing to do.")
            return
        }
        Console.out("Hooks in \(directory):")
        for change in changes {
            let detail: String
            switch change.action {
            case .restored: detail = "  (the hook that was there before gitgate is back)"
            case .leftAlone: detail = "  (\(change.hook) is no longer gitgate's; its old hook stays at \(change.path))"
            default: detail = ""
            }
            Console.out("  \(change.action.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(change.hook)\(detail)")
        }
    }
}
