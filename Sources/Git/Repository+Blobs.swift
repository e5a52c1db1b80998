import Dispatch
import Foundation

extension Repository {
    /// `body` applied to the bytes of each blob in `ids`, in order, on all cores. libgit2
    /// handles are not shared between threads: each extra thread opens its own handle on this
    /// repository (with the same extra object folders). Reading main's history this way
    /// halves the wait on a 2-core machine; a short list is read here, on one thread.
    public func mapBlobs<Result: Sendable>(_ ids: [ObjectID], _ body: @Sendable (Data) -> Result) throws -> [Result] {
        let threads = min(ProcessInfo.processInfo.activeProcessorCount, ids.count / 256)
        guard threads > 1 else { return try ids.map { body(try blob($0)) } }
        let (folder, alternates) = locked { _ in (commonDir, extraObjectDirectories) }
        let results = BlobResults<Result>(count: ids.count)
        DispatchQueue.concurrentPerform(iterations: threads) { part in
            do {
                let reader: Repository
                if part == 0 {
                    reader = self
                } else {
                    reader = try Repository(opening: folder)
                    for alternate in alternates { try reader.addObjectDirectory(alternate) }
                }
                // Interleaved, so that every thread gets a share of any large files.
                for index in stride(from: part, to: ids.count, by: threads) {
                    results.set(index, body(try reader.blob(ids[index])))
                }
            } catch {
                results.fail(error)
            }
        }
        return try results.values()
    }
}

/// Results written from concurrent reads, each to its own slot; the first error wins.
private final class BlobResults<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private var error: (any Error)?
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = value
    }

    func fail(_ failure: any Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = failure }
    }

    func values() throws -> [Value] {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
        return slots.map { $0! }
    }
}
