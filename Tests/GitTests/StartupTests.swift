import Foundation
import Git
import Testing
import TestSupport

/// libgit2's initialisation on Debian parses the system's CA bundle, which gitgate never uses;
/// CGit2Startup refuses that one load (the executable's definition interposes mbedTLS's).
@Suite("libgit2 start-up")
struct StartupTests {
    @Test func initialisationSkipsTheCertificateBundleAndRepositoriesStillOpen() throws {
        let repo = try TestRepository()
        let opened = try Repository(discoveringFrom: repo.path)
        #expect(try opened.head()?.hex == repo.sha("HEAD"))
        // Debian's libgit2 1.5 (mbedTLS, /etc/ssl/certs/ca-certificates.crt built in) asks exactly once, in git_libgit2_init.
        #expect(Libgit2.refusedCertificateLoads == 1)
    }
}
