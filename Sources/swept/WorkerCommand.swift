import ArgumentParser
import Foundation
import Logging
import SweptWorker
import Synchronization

/// `swept worker`: run trials for a coordinator.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: pulls trials from the coordinator, runs them, streams intermediate values.",
        discussion: """
            A worker may start before the coordinator: it keeps reconnecting with backoff and jitter. On SIGTERM \
            it takes no new trial, lets running ones finish within --term-grace seconds, releases the rest to the \
            coordinator and exits 0.

            Examples:
              swept worker --coordinator tcp://head:7600 \\
                  --secret-file cluster.secret --slots 2 --blas-threads 4
              swept worker --coordinator tcp://127.0.0.1:7600 \\
                  --secret-file cluster.secret --exit-when-idle 5
              swept worker --coordinator tls+tcp://head:7600 \\
                  --secret-file cluster.secret --tls-ca ca.pem
            """)

    @Option(help: "The coordinator's address.")
    var coordinator: String = "tcp://127.0.0.1:7600"

    @OptionGroup var security: ClusterSecurityOptions

    @Option(help: "This worker's stable id (default: host name and process id).")
    var id: String?

    @Option(help: "Trials run at once.")
    var slots: Int = 1

    @Option(name: .customLong("blas-threads"), help: "OpenBLAS threads per slot.")
    var blasThreads: Int = 1

    @Option(help: "Comma-separated labels a study may require (e.g. gpu,big-memory).")
    var tags: String = ""

    @Option(help: "Only run trials of this study.")
    var study: String?

    @Option(name: .customLong("exit-when-idle"),
            help: "Exit when every study is finished, or after this many seconds with no study. Default: wait.")
    var exitWhenIdle: Double?

    @Option(name: .customLong("term-grace"), help: "On SIGTERM, seconds running trials may take before release.")
    var termGrace: Double = 10

    @Option(name: .customLong("request-timeout"), help: "Seconds before a request is retried.")
    var requestTimeout: Double = 5

    @Option(name: .customLong("backoff-max"), help: "Cap of the reconnect/retry backoff, seconds.")
    var backoffMax: Double = 5

    @Option(name: .customLong("ack-log"), help: "Append every acknowledged report and finish to this file.")
    var ackLog: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("parent-pid"), help: .hidden)
    var parentPID: Int32?

    func validate() throws {
        try security.requireSecretFile()
        guard slots >= 1 else { throw ValidationError("--slots must be at least 1") }
        guard blasThreads >= 1 else { throw ValidationError("--blas-threads must be at least 1") }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be above 0") }
    }

    func run() async throws {
        ProcessLogging.bootstrap(level: logLevel)
        let logger = Logger(label: "swept.worker")
        let secret = try security.secret()
        let workerID = id ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let settings = WorkerSettings(
            coordinatorURL: coordinator, workerID: workerID, slots: slots, blasThreads: blasThreads,
            tags: tags.split(separator: ",").map(String.init), study: study,
            idle: exitWhenIdle.map { .exit(idleSeconds: $0) } ?? .wait,
            requestTimeout: .milliseconds(Int(requestTimeout * 1000)),
            backoffMaximum: .milliseconds(Int(backoffMax * 1000)),
            terminationGrace: .milliseconds(Int(termGrace * 1000)), tls: security.tls)
        let audit = try ackLog.map { try AckLog(path: $0) }
        var sink: (@Sendable (String) -> Void)?
        if let audit { sink = { line in audit.append(line) } }
        let worker = try Worker(settings: settings, secret: secret, logger: logger, acknowledged: sink)
        let signals = TerminationSignals { signal in
            logger.info("signal \(signal): draining")
            worker.drain()
        }
        defer { withExtendedLifetime(signals) {} }
        if let parentPID { Self.exitWithParent(parentPID, logger: logger) }
        do {
            try await worker.run()
        } catch let error as WorkerError {
            logger.error("\(error.message)")
            throw ExitCode(2)
        }
        logger.info("worker \(workerID) done: \(worker.finishedTrials) trials finished")
    }
}

extension WorkerCommand {
    /// Ends this process when the process that started it (`swept run`, whose coordinator it serves) is gone, so a
    /// killed `swept run` leaves no workers behind: the coordinator went with it, and a `--resume` run retries
    /// whatever was running.
    static func exitWithParent(_ parent: Int32, logger: Logger) {
        Thread.detachNewThread {
            while getppid() == parent { Thread.sleep(forTimeInterval: 0.5) }
            logger.warning("the swept run process \(parent) is gone: exiting")
            Foundation.exit(3)
        }
    }
}

/// An append-only file of acknowledged values, flushed line by line so a killed worker's log is complete.
final class AckLog: Sendable {
    private let handle: Mutex<FileHandle>

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("--ack-log '\(path)' cannot be opened for writing")
        }
        file.seekToEndOfFile()
        handle = Mutex(file)
    }

    func append(_ line: String) {
        handle.withLock { $0.write(Data((line + "\n").utf8)) }
    }
}
