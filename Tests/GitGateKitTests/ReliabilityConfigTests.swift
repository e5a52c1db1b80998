import GitGateKit
import Testing

/// Regressions found by attacking config parsing.
@Suite("Reliability: configuration values")
struct ReliabilityConfigTests {
    @Test("durations that overflow or exceed PostgreSQL's limit are refused, not a crash",
          arguments: ["9223372036854775807", "9223372036854775807m", "99999999999999999m", "153722867280912931min",
                      "2147484s", "-1s", "1e9", "", "ms", " s "])
    func hugeDuration(text: String) {
        #expect(Configuration.parseDuration(text) == nil)
    }

    @Test("the largest duration PostgreSQL accepts still parses")
    func largestDuration() {
        #expect(Configuration.parseDuration("2147483647ms") == 2_147_483_647)
        #expect(Configuration.parseDuration("2147483s") == 2_147_483_000)
    }
}
