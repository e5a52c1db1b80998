internal import CLibPQ
import Foundation

extension Connection {
    /// Runs one statement with `$1…` text parameters (nil is NULL), extended protocol.
    /// `timeout` (else `Options.queryTimeout`) is a client-side deadline: when it passes the
    /// query is cancelled and `.timeout` thrown, so a server that stops answering cannot hang us.
    public func query(_ sql: String, _ parameters: [String?] = [], timeout: Duration? = nil) throws -> QueryResult {
        let results = try run(timeout: timeout) { connection in
            withCStringArray(parameters) { values in
                pq.PQsendQueryParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
        }
        guard results.count == 1 else {
            throw PostgresError(kind: .protocolError, message: "expected one result, got \(results.count)", target: secrets.described)
        }
        return results[0]
    }

    /// Runs several `;`-separated statements in one round trip (simple protocol) and returns
    /// each statement's result. Without explicit BEGIN/COMMIT they run in one implicit
    /// transaction, so the first error rolls the earlier ones back; that error is thrown.
    public func batch(_ sql: String, timeout: Duration? = nil) throws -> [QueryResult] {
        try run(timeout: timeout) { connection in pq.PQsendQuery(connection, sql) }
    }

    /// Like `batch`, but a statement's error comes back with the results of the statements
    /// before it (which ran), instead of being thrown: a check can read what it asked for even
    /// when its last statement names a table that does not exist. Connection failures still throw.
    public func batchUntilError(_ sql: String, timeout: Duration? = nil) throws -> (results: [QueryResult], error: PostgresError?) {
        try exchange(timeout: timeout) { connection in pq.PQsendQuery(connection, sql) }
    }

    /// Runs a script (a migration file, say) through the simple protocol, ignoring its rows.
    public func execute(_ sql: String, timeout: Duration? = nil) throws {
        _ = try batch(sql, timeout: timeout)
    }

    // MARK: The exchange

    private func run(timeout: Duration?, send: (OpaquePointer) -> Int32) throws -> [QueryResult] {
        let (results, error) = try exchange(timeout: timeout, send: send)
        if let error { throw error }
        return results
    }

    private func exchange(timeout: Duration?, send: (OpaquePointer) -> Int32) throws -> ([QueryResult], PostgresError?) {
        guard !abandoned else {
            throw PostgresError(
                kind: .connection, message: "the connection was dropped after a query timed out; connect again",
                target: secrets.described)
        }
        guard send(handle) == 1 else { throw connectionError(fallback: "could not send the query") }
        let deadline = (timeout ?? options.queryTimeout).map { ContinuousClock.now + $0 }

        var results: [QueryResult] = []
        var firstError: PostgresError?
        while true {
            guard try readyForResult(until: deadline) else {
                throw cancelAfterDeadline(timeout ?? options.queryTimeout ?? .zero)
            }
            guard let result = pq.PQgetResult(handle) else { break }
            defer { pq.PQclear(result) }
            switch outcome(of: result) {
            case .rows(let rows): results.append(rows)
            case .error(let error): if firstError == nil { firstError = error }
            }
        }
        return (results, firstError)
    }

    /// Flushes and reads until a result can be taken without blocking; false when `deadline` passes.
    private func readyForResult(until deadline: ContinuousClock.Instant?) throws -> Bool {
        while true {
            let flush = pq.PQflush(handle)
            if flush == -1 { throw connectionError(fallback: "could not send the query") }
            if flush == 0 && pq.PQisBusy(handle) == 0 { return true }
            let events = Int16(POLLIN) | (flush == 1 ? Int16(POLLOUT) : 0)
            guard try waitForSocket(events: events, until: deadline) else { return false }
            if pq.PQconsumeInput(handle) == 0 { throw connectionError(fallback: "the connection was lost") }
        }
    }

    private func waitForSocket(events: Int16, until deadline: ContinuousClock.Instant?) throws -> Bool {
        let socket = pq.PQsocket(handle)
        guard socket >= 0 else { throw connectionError(fallback: "the connection has no socket") }
        while true {
            var milliseconds: Int32 = -1
            if let deadline {
                let left = deadline - ContinuousClock.now
                if left <= .zero { return false }
                let (seconds, attoseconds) = left.components
                milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR {
                throw PostgresError(kind: .connection, message: "poll failed: \(String(cString: strerror(errno)))", target: secrets.described)
            }
        }
    }

    /// Asks the server to cancel, then drains what it sends back for a few seconds so the
    /// connection stays usable. If the server stays silent the connection is abandoned.
    private func cancelAfterDeadline(_ timeout: Duration) -> PostgresError {
        if let cancel = pq.PQgetCancel(handle) {
            // PQcancel opens its own connection with no timeout: never wait for it here.
            let request = CancelRequest(cancel)
            Thread.detachNewThread { request.send() }
        }
        var outcome = "it was cancelled"
        let drainDeadline = ContinuousClock.now + .seconds(5)
        do {
            var finished = false
            while try readyForResult(until: drainDeadline) {
                guard let result = pq.PQgetResult(handle) else { break }
                defer { pq.PQclear(result) }
                if case .rows = self.outcome(of: result) { finished = true }
            }
            if pq.PQisBusy(handle) == 1 {
                abandoned = true
                outcome = "the server did not answer the cancel either, so the connection was dropped"
            } else if finished {
                outcome = "it finished anyway just after the deadline"
            }
        } catch {
            abandoned = true
            outcome = "the connection was lost while cancelling"
        }
        var error = PostgresError(
            kind: .timeout, message: "the query did not finish within \(seconds(timeout)); \(outcome)",
            target: secrets.described)
        error.isClientDeadline = true
        return error
    }

    private func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }

    private enum Outcome {
        case rows(QueryResult)
        case error(PostgresError)
    }

    private func outcome(of result: OpaquePointer) -> Outcome {
        switch pq.PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return .rows(rows(of: result))
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            return .error(serverError(result))
        case PGRES_COPY_IN:
            pq.PQputCopyEnd(handle, "gitgate cannot send COPY data")
            return .error(unsupportedCopy())
        case PGRES_COPY_OUT:
            var buffer: UnsafeMutablePointer<CChar>?
            while pq.PQgetCopyData(handle, &buffer, 0) > 0 { pq.PQfreemem(buffer) }
            return .error(unsupportedCopy())
        default:
            let status = String(cString: pq.PQresStatus(pq.PQresultStatus(result))!)
            return .error(PostgresError(kind: .protocolError, message: "unexpected result status \(status)", target: secrets.described))
        }
    }

    private func unsupportedCopy() -> PostgresError {
        PostgresError(
            kind: .protocolError, message: "COPY FROM STDIN / TO STDOUT needs psql; use INSERT statements or run the file with psql",
            target: secrets.described)
    }

    private func rows(of result: OpaquePointer) -> QueryResult {
        let rowCount = pq.PQntuples(result)
        let columnCount = pq.PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: pq.PQfname(result, $0)!) }
        let rows = (0..<rowCount).map { row in
            (0..<columnCount).map { column -> String? in
                pq.PQgetisnull(result, row, column) == 1 ? nil : String(cString: pq.PQgetvalue(result, row, column)!)
            }
        }
        let affected = String(cString: pq.PQcmdTuples(result)!)
        return QueryResult(
            columns: columns, rows: rows, command: String(cString: pq.PQcmdStatus(result)!), affectedRows: Int(affected))
    }

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            pq.PQresultErrorField(result, Int32(code.asciiValue!)).map { secrets.redact(String(cString: $0)) }
        }
        let sqlState = field("C")
        let message = field("M") ?? secrets.redact(String(cString: pq.PQresultErrorMessage(result)!))
        return PostgresError(
            kind: PostgresError.Kind(sqlState: sqlState), message: message, sqlState: sqlState,
            detail: field("D"), hint: field("H"), position: field("P").flatMap { Int($0) }, target: secrets.described)
    }
}

/// A cancel request that owns its PGcancel and frees it after sending, on whatever thread.
private final class CancelRequest: @unchecked Sendable {
    // Only touched by `send`, which runs once.
    private let cancel: OpaquePointer

    init(_ cancel: OpaquePointer) { self.cancel = cancel }

    func send() {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = pq.PQcancel(cancel, &buffer, Int32(buffer.count))
        pq.PQfreeCancel(cancel)
    }
}
