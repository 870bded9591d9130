import ArgumentParser
import Foundation
import Logging
import SweptCoordinator
import SweptStore

/// `swept coordinator`: serve the cluster from one store.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator: schedules studies, leases trials to workers, writes the store.",
        discussion: """
            The coordinator is the only process that writes the store. Workers and clients reach it over nng; \
            every message is authenticated with the cluster secret. Kill it at any time: started again on the \
            same store it rebuilds every study and lease, and workers reconnect on their own.

            Examples:
              head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > cluster.secret
              swept coordinator --listen tcp://0.0.0.0:7600 \\
                  --secret-file cluster.secret --store swept.db
              swept coordinator --listen tls+tcp://0.0.0.0:7600 \\
                  --secret-file cluster.secret --tls-cert head.pem --tls-key head.key
              swept coordinator --listen tcp://127.0.0.1:0 --port-file port \\
                  --secret-file cluster.secret --lease-ttl 2 --heartbeat 0.5
            """)

    @Option(help: "The study store (SQLite); created when missing.")
    var store: String = "swept.db"

    @Option(help: "Address to serve (tcp://host:port, tls+tcp://host:port, ipc:///path). Port 0 picks a free one.")
    var listen: String = "tcp://127.0.0.1:7600"

    @OptionGroup var security: ClusterSecurityOptions

    @Option(name: .customLong("lease-ttl"), help: "Seconds a lease lives without a heartbeat or report.")
    var leaseTTL: Double = 30

    @Option(help: "Seconds between worker heartbeats (default: a third of the lease TTL).")
    var heartbeat: Double?

    @Option(name: .customLong("max-acquire-wait"), help: "Longest a worker's acquire may wait for a trial, seconds.")
    var maxAcquireWait: Double = 2

    @Option(help: "REP contexts serving requests at once.")
    var contexts: Int = 64

    @Option(name: .customLong("quarantine-failures"), help: "Lost or failed trials that quarantine a worker ...")
    var quarantineFailures: Int = 5

    @Option(name: .customLong("quarantine-window"), help: "... within this many seconds.")
    var quarantineWindow: Double = 60

    @Option(name: .customLong("quarantine-seconds"), help: "How long a quarantine lasts.")
    var quarantineSeconds: Double = 300

    @Option(help: ArgumentHelp(
        "Durability of acknowledged changes: normal, full or off.",
        discussion: """
            normal: a change is acknowledged once it is written to the store's change log — safe against a \
            coordinator crash (kill -9 included), not against a power loss of the head node. full: also \
            fdatasync before acknowledging (power-loss safe; one disk sync per batch of requests). off: like \
            normal, and SQLite skips its own syncs too (throwaway studies).
            """))
    var synchronous: String = "normal"

    @Option(name: .customLong("apply-interval"), help: ArgumentHelp(
        "Seconds between the applier's SQLite transactions.",
        discussion: """
            Acknowledged changes are in the change log at once; the applier copies them into the SQLite file in \
            one transaction per interval, so readers of the file (swept … --store, Optuna) see a change at most \
            about this long after it was acknowledged. Longer intervals cost the coordinator less CPU per change.
            """))
    var applyInterval: Double = CoordinatorSettings.defaultApplyIntervalSeconds

    @Option(name: .customLong("port-file"), help: "Write the bound TCP port to this file once listening.")
    var portFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        try security.requireSecretFile()
        guard leaseTTL >= 0.05 else { throw ValidationError("--lease-ttl must be at least 0.05 seconds") }
        if let heartbeat, heartbeat <= 0 || heartbeat >= leaseTTL {
            throw ValidationError("--heartbeat must be above 0 and below --lease-ttl (\(leaseTTL))")
        }
        guard StoreOptions.Synchronous(rawValue: synchronous.uppercased()) != nil else {
            throw ValidationError("--synchronous is '\(synchronous)'; expected full, normal or off")
        }
        guard contexts >= 1 else { throw ValidationError("--contexts must be at least 1") }
        if let problem = CoordinatorSettings.applyIntervalProblem(seconds: applyInterval) {
            throw ValidationError(problem)
        }
    }

    func run() async throws {
        ProcessLogging.bootstrap(level: logLevel)
        let logger = Logger(label: "swept.coordinator")
        let secret = try security.secret()
        let settings = CoordinatorSettings(
            leaseTTLMillis: UInt32(leaseTTL * 1000), heartbeatIntervalMillis: heartbeat.map { UInt32($0 * 1000) },
            maxAcquireWaitMillis: UInt32(maxAcquireWait * 1000), contexts: contexts,
            flapFailures: quarantineFailures, flapWindowSeconds: quarantineWindow,
            quarantineSeconds: quarantineSeconds,
            applyIntervalMillis: CoordinatorSettings.applyIntervalMillis(seconds: applyInterval)
                ?? CoordinatorSettings.defaultApplyIntervalMillis)
        let options = StoreOptions(synchronous: StoreOptions.Synchronous(rawValue: synchronous.uppercased()) ?? .normal)
        let studyStore = try StudyStore.open(at: store, options: options)
        let coordinator = try await Coordinator(store: studyStore, settings: settings, secret: secret, logger: logger)
        let port = try coordinator.listen(listen, tls: security.tls)
        logger.info("listening on \(listen) (port \(port)), store \(store), lease TTL \(leaseTTL) s")
        if let portFile {
            try "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        let signals = TerminationSignals { signal in
            logger.info("signal \(signal): shutting down")
            coordinator.shutdown()
        }
        defer { withExtendedLifetime(signals) {} }
        do {
            try await coordinator.run()
        } catch {
            try? await studyStore.close()
            throw error
        }
        try await studyStore.close()
    }
}
