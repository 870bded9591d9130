import Foundation
import GRDB
@testable import SweptStore
import SweptTuning
import Testing

/// A fresh temporary directory, removed when the value is released.
final class TempDir: @unchecked Sendable {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/swept-store-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A store opened for writing in a temp directory, with a fixed clock and no fsync (tests only).
func makeStore(_ dir: TempDir, name: String = "swept.db", sync: StoreOptions.Synchronous = .off) throws -> StudyStore {
    try StudyStore.open(at: dir.file(name), options: StoreOptions(synchronous: sync), clock: { 1_800_000_000.25 })
}

/// The fault-injection tool, built next to the test bundle.
func writerToolPath() throws -> String {
    let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let dir = (exe as NSString).deletingLastPathComponent
    let candidates = [dir, (dir as NSString).deletingLastPathComponent].map { "\($0)/swept-store-writer" }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw StoreError(.io, "swept-store-writer not found next to the test bundle (\(dir)); run `swift build` first")
    }
    return found
}

/// Result of a finished child process.
struct ProcessOutput {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program to completion.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                timeout: Double = 120) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = LockedData()
    let errData = LockedData()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        throw StoreError(.io, "\(executable) \(arguments.joined(separator: " ")) timed out after \(timeout) s")
    }
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                         stderr: String(decoding: errData.get(), as: UTF8.self))
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// The peer Python (optuna 5.0.0, optuna-dashboard 0.21.0) from `SWEPT_PEER_PYTHON`, or nil to skip.
/// With `CI` set, a missing interpreter is a failure rather than a skip.
func peerPython() -> String? {
    let env = ProcessInfo.processInfo.environment
    if let python = env["SWEPT_PEER_PYTHON"], !python.isEmpty { return python }
    if env["CI"] != nil {
        Issue.record("SWEPT_PEER_PYTHON is not set but CI is: the Optuna interoperability tests cannot run")
    }
    return nil
}

/// Whether the interoperability tests have a peer Python (they skip with a message otherwise).
let hasPeerPython: Bool = {
    let env = ProcessInfo.processInfo.environment
    return (env["SWEPT_PEER_PYTHON"].map { !$0.isEmpty } ?? false) || env["CI"] != nil
}()

/// Runs a Python script with the peer interpreter; returns stdout, recording stderr on failure.
func runPython(_ python: String, script: String, arguments: [String] = [], in dir: TempDir) throws -> String {
    let file = dir.file("script-\(UUID().uuidString.prefix(6)).py")
    try script.write(toFile: file, atomically: true, encoding: .utf8)
    let result = try runProcess(python, [file] + arguments)
    guard result.status == 0 else {
        throw StoreError(.io, "python failed (\(result.status)): \(result.stderr.suffix(2000))")
    }
    return result.stdout
}

/// Reads raw bytes of a file.
func fileBytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

/// The best-trials table of a closed store file as it is, and as `BestTable.rebuild` computes it from the values
/// (rolled back), each ordered by study, rank and number; and its watermark beside the newest value row.
func bestTableAndRebuild(_ path: String) throws
    -> (kept: [Row], rebuilt: [Row], watermark: Int64?, newestValue: Int64?)
{
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    let sql = "SELECT study_id, rank_key, number, trial_id FROM swept_best ORDER BY 1, 2, 3"
    var rebuilt: [Row] = []
    let kept = try queue.read { db in try Row.fetchAll(db, sql: sql) }
    let watermark = try queue.read { db in
        try Int64.fetchOne(db, sql: "SELECT last_value_id FROM swept_best_watermark")
    }
    let newest = try queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(trial_value_id) FROM trial_values") }
    try queue.inTransaction { db in
        try BestTable.rebuild(db)
        rebuilt = try Row.fetchAll(db, sql: sql)
        return .rollback
    }
    return (kept, rebuilt, watermark, newest)
}
