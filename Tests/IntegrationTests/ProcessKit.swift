import Foundation
import SweptStore
import SweptTuning
import Testing

/// The `swept` binary built next to the test bundle (`swift build --build-tests` builds it).
enum SweptBinary {
    static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["SWEPT_BINARY"] { return explicit }
        var candidates: [URL] = []
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        candidates.append(argument0.deletingLastPathComponent())
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        var directory = argument0
        for _ in 0..<6 {
            directory = directory.deletingLastPathComponent()
            candidates.append(directory)
        }
        for candidate in candidates {
            let path = candidate.appendingPathComponent("swept").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
        }
        return nil
    }()

    static func require() throws -> String {
        try #require(path, "the swept binary was not found next to the test bundle; run `swift build --build-tests`")
    }
}

/// A child process with its output captured to a file.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    let logPath: String

    init(_ name: String, arguments: [String], directory: String) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: try SweptBinary.require())
        process.arguments = arguments
        logPath = directory + "/\(name).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }

    /// Waits for exit up to `timeout`; returns the exit status, or nil (still running).
    func wait(timeout: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { return nil }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A scratch cluster: a directory with a secret, a store path, a coordinator and workers as real processes.
final class ScratchCluster: @unchecked Sendable {
    let directory: String
    let secretPath: String
    let storePath: String
    var coordinator: ChildProcess?
    var port = 0
    var leaseTTL: Double
    var heartbeat: Double
    /// `tcp` or `tls+tcp`.
    var scheme = "tcp"
    /// Flags every client (launch, worker) passes, e.g. the TLS CA.
    var clientFlags: [String] = []

    init(_ name: String, leaseTTL: Double = 2, heartbeat: Double = 0.4) throws {
        directory = NSTemporaryDirectory() + "swept-it-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        secretPath = directory + "/cluster.secret"
        storePath = directory + "/swept.db"
        self.leaseTTL = leaseTTL
        self.heartbeat = heartbeat
        try "integration-secret-0123456789abcdef\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
    }

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Starts the coordinator (on a free port the first time, on the same port after a restart).
    func startCoordinator(extra: [String] = []) async throws {
        let portFile = directory + "/port"
        try? FileManager.default.removeItem(atPath: portFile)
        let listen = "\(scheme)://127.0.0.1:\(port)"
        let child = try ChildProcess("coordinator-\(UInt16.random(in: 0...9999))", arguments: [
            "coordinator", "--store", storePath, "--listen", listen, "--secret-file", secretPath,
            "--lease-ttl", "\(leaseTTL)", "--heartbeat", "\(heartbeat)", "--port-file", portFile,
            "--synchronous", "normal", "--log-level", "notice",
        ] + extra, directory: directory)
        coordinator = child
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
               let bound = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bound > 0 {
                port = bound
                return
            }
            if !child.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("coordinator did not start: \(child.log)")
        throw CancellationError()
    }

    /// Launches a study from a JSON spec through `swept launch`.
    func launch(_ spec: String, name: String) async throws {
        let path = directory + "/\(name).json"
        try spec.write(toFile: path, atomically: true, encoding: .utf8)
        let child = try ChildProcess("launch-\(name)", arguments: [
            "launch", path, "--coordinator", url, "--secret-file", secretPath,
        ] + clientFlags, directory: directory)
        let status = await child.wait(timeout: 30)
        #expect(status == 0, "launch failed: \(child.log)")
    }

    /// Starts a worker; its acknowledged reports and finishes go to `<id>.ack`.
    func startWorker(_ id: String, secretPath: String? = nil, extra: [String] = []) throws -> ChildProcess {
        try ChildProcess("worker-\(id)", arguments: [
            "worker", "--coordinator", url, "--secret-file", secretPath ?? self.secretPath, "--id", id,
            "--ack-log", ackPath(id), "--request-timeout", "1", "--backoff-max", "0.5", "--log-level", "notice",
        ] + clientFlags + extra, directory: directory)
    }

    func ackPath(_ id: String) -> String { directory + "/\(id).ack" }

    /// The acknowledged lines of worker `id`.
    func acks(_ id: String) -> [String] {
        ((try? String(contentsOfFile: ackPath(id), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Every worker's acknowledged lines.
    func allAcks() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".ack") }.flatMap { acks(String($0.dropLast(4))) }
    }

    /// Opens the store read-only (the coordinator may be writing).
    func readStore() throws -> StudyStore {
        try StudyStore.open(at: storePath, options: .reader)
    }

    /// Trials of study `name` read from the store.
    func trials(_ name: String) throws -> [StoredTrial] {
        let store = try readStore()
        guard let study = try store.study(named: name) else { return [] }
        return try store.trials(in: study.id)
    }

    /// The study's trials once `condition` holds for them (or as they are after `timeout` seconds): a running
    /// coordinator applies acknowledged changes to the store file within ~100 ms, so a read right after a worker
    /// saw its last reply may be a moment early.
    func settledTrials(_ name: String, timeout: Double = 15,
                       until condition: @escaping ([StoredTrial]) -> Bool) async throws -> [StoredTrial] {
        _ = await eventually(timeout: timeout, poll: 20) { condition(try self.trials(name)) }
        return try trials(name)
    }

    func stop() async {
        guard let child = coordinator else { return }
        child.terminate()
        if await child.wait(timeout: 10) == nil { child.kill9() }
    }

    deinit {
        coordinator?.kill9()
        if ProcessInfo.processInfo.environment["SWEPT_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

/// A JSON study spec over the built-in test function.
func testStudySpec(name: String, trials: Int, steps: Int, sleepMillis: Int, maxRetries: Int = 3,
                   pruner: String = "none") -> String {
    """
    {"name": "\(name)", "direction": "minimize",
     "space": {"x": {"float": [-5, 5]}, "y": {"float": [-5, 5]}},
     "sampler": {"type": "random", "seed": 7},
     "pruner": {"type": "\(pruner)"},
     "budget": {"trials": \(trials), "max_retries": \(maxRetries)},
     "objective": {"type": "test-function", "function": "quadratic", "steps": \(steps), "sleep_ms": \(sleepMillis)}}
    """
}

/// Waits until `condition` holds or `timeout` passes; returns whether it held.
func eventually(timeout: Double, poll: Int = 100, _ condition: () throws -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if (try? condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(poll))
    }
    return (try? condition()) == true
}
