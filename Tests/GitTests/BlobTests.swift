import Foundation
import Git
import Testing
import TestSupport

@Suite("Reading many blobs")
struct BlobTests {
    /// `count` distinct blobs written into `repo`'s object store with `git hash-object -w`.
    private func writeBlobs(_ count: Int, tag: String, into repo: TestRepository) throws -> [(id: ObjectID, text: String)] {
        var blobs: [(path: String, text: String)] = []
        for index in 0..<count {
            let text = "-- \(tag) \(index)\n" + String(repeating: "x", count: index % 97)
            let path = "blobs-\(tag)/\(index).sql"
            try repo.write(path, text)
            blobs.append((repo.absolute(path), text))
        }
        let written = try repo.gitResult("hash-object", "-w", "--stdin-paths", input: blobs.map(\.path).joined(separator: "\n") + "\n")
        #expect(written.status == 0, "\(written.stderr)")
        let ids = written.stdout.split(separator: "\n").map { ObjectID(hex: String($0))! }
        #expect(ids.count == count)
        return zip(ids, blobs).map { ($0, $1.text) }
    }

    @Test func manyBlobsComeBackInOrder() throws {
        let repo = try TestRepository()
        let blobs = try writeBlobs(1_200, tag: "own", into: repo)
        let opened = try Repository(discoveringFrom: repo.path)

        let texts = try opened.mapBlobs(blobs.map(\.id)) { String(decoding: $0, as: UTF8.self) }
        #expect(texts == blobs.map(\.text))
        let sizes = try opened.mapBlobs(blobs.map(\.id)) { $0.count }
        #expect(sizes == blobs.map(\.text.utf8.count))
    }

    /// A pre-receive hook reads pushed objects from a quarantine folder added by hand: the
    /// handles opened for the other threads must see it too.
    @Test func threadsSeeAddedObjectFolders() throws {
        let repo = try TestRepository()
        let quarantine = try TestRepository()
        let own = try writeBlobs(700, tag: "own", into: repo)
        let pushed = try writeBlobs(700, tag: "pushed", into: quarantine)
        let opened = try Repository(discoveringFrom: repo.path)
        #expect(throws: (any Error).self) { try opened.blob(pushed[0].id) }

        try opened.addObjectDirectory(quarantine.absolute(".git/objects"))
        let all = own + pushed
        #expect(try opened.mapBlobs(all.map(\.id)) { String(decoding: $0, as: UTF8.self) } == all.map(\.text))
    }

    @Test func aMissingBlobIsAnError() throws {
        let repo = try TestRepository()
        let blobs = try writeBlobs(600, tag: "own", into: repo)
        let opened = try Repository(discoveringFrom: repo.path)
        let missing = ObjectID(hex: String(repeating: "ab", count: 20))!
        #expect(throws: (any Error).self) { try opened.mapBlobs(blobs.map(\.id) + [missing]) { $0.count } }
    }
}
