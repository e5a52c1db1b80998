import Dispatch
import Foundation
import GitGateConfig

/// Ctrl-C (or SIGTERM) while `gitgate apply` runs: nothing new starts (no member, no migration,
/// no wait for the apply lock), and what is running finishes its migration or rolls it back.
/// Killing the process mid-transaction would leave the same database (PostgreSQL rolls back an
/// aborted connection), but not the summary of what was done where.
public final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// The signal that asked to stop (the first one), or nil.
    public var signal: Int32? { lock.lock(); defer { lock.unlock() }; return received }
    public var isRequested: Bool { signal != nil }

    /// Asks to stop, as the signal `number` would; later requests change nothing.
    public func request(_ number: Int32) {
        lock.lock()
        if received == nil { received = number }
        lock.unlock()
    }

    /// The exit status of a run this interrupted: 128 + the signal (130 for Ctrl-C, 143 for SIGTERM).
    public var exitCode: Int32? { signal.map { ExitStatus.interrupted(by: $0) } }

    /// Catches `signals` (their default action, ending the process, is ignored) until `stop()`;
    /// `onSignal` is called on a private queue each time one arrives, with whether it was the first.
    public func catching(_ signals: [Int32] = [SIGINT, SIGTERM],
                         onSignal: @escaping @Sendable (_ signal: Int32, _ first: Bool) -> Void = { _, _ in }) -> Interruption {
        let queue = DispatchQueue(label: "gitgate.interruption")
        lock.lock()
        defer { lock.unlock() }
        for number in signals {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let first = !self.isRequested
                self.request(number)
                onSignal(number, first)
            }
            source.resume()
            sources.append(source)
        }
        return self
    }

    /// "Ctrl-C" for SIGINT, "SIGTERM", "signal N": how the summary names what stopped the run.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "Ctrl-C"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }

    /// Gives the signals their default action back.
    public func stop() {
        lock.lock()
        let caught = sources
        sources = []
        lock.unlock()
        for source in caught {
            source.cancel()
            Foundation.signal(Int32(source.handle), SIG_DFL)
        }
    }
}
