import Foundation
import SweptWorker

/// A reporter standing in for the coordinator: records every report and answers `decision(step)`.
final class RecordingReporter: TrialReporter, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(step: Int, value: Double)] = []
    private let decide: @Sendable (Int) -> ReportDecision

    init(decide: @escaping @Sendable (Int) -> ReportDecision = { _ in .proceed }) {
        self.decide = decide
    }

    var reports: [(step: Int, value: Double)] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    var steps: [Int] { reports.map(\.step) }

    func report(step: Int, value: Double) async throws -> ReportDecision {
        lock.withLock { recorded.append((step, value)) }
        return decide(step)
    }
}

/// A fresh temporary directory for one test.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swept-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes an executable script through a close-on-exec descriptor, so no process spawned meanwhile by a parallel
/// test keeps it open for writing (which would make running it fail with ETXTBSY).
func writeScript(_ body: String, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
    let bytes = Array(body.utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
}
