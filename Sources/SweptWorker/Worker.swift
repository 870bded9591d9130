import Foundation
import Logging
import SweptTuning
import SweptWire
import Synchronization

/// A worker: registers with the coordinator, runs trials in its slots, streams intermediate values, obeys
/// prune / stop / revoked, heartbeats in the background and reconnects with backoff.
///
/// ```swift
/// let worker = try Worker(settings: WorkerSettings(coordinatorURL: "tcp://head:7600", workerID: "node-1"),
///                         secret: secret)
/// try await worker.run()          // returns when there is no more work (per `settings.idle`) or on drain()
/// ```
public final class Worker: Sendable {
    /// How the worker runs.
    public let settings: WorkerSettings
    let link: CoordinatorLink
    let resolver: ObjectiveResolver
    let logger: Logger
    let acknowledged: (@Sendable (String) -> Void)?
    private let running = Mutex<[Int64: TrialControl]>([:])
    private let draining = Atomic<Bool>(false)
    private let completed = Atomic<Int>(0)

    /// Creates a worker.
    /// - Parameter acknowledged: called with a line for every report and finish the coordinator acknowledged
    ///   (`report <trial id> <step> <value>`, `finish <trial id> <state> <values>`), for audit logs and tests.
    public init(settings: WorkerSettings, secret: WireSecret, resolver: ObjectiveResolver = ObjectiveResolver(),
                logger: Logger = Logger(label: "swept.worker"),
                acknowledged: (@Sendable (String) -> Void)? = nil) throws {
        self.settings = settings
        self.resolver = resolver
        self.logger = logger
        self.acknowledged = acknowledged
        let host = ProcessInfo.processInfo.hostName
        let capabilities = WorkerCapabilities(
            slots: UInt32(settings.slots), cores: UInt32(ProcessInfo.processInfo.activeProcessorCount),
            blasThreads: UInt32(settings.blasThreads), tags: settings.tags, hostname: host)
        link = try CoordinatorLink(settings: settings, secret: secret, capabilities: capabilities, logger: logger)
    }

    /// Trials this worker finished (any outcome) so far.
    public var finishedTrials: Int { completed.load(ordering: .relaxed) }

    /// Stops taking trials; running ones get `settings.terminationGrace` to finish, then are released.
    /// Safe to call from a signal handler's task.
    public func drain() {
        guard !draining.exchange(true, ordering: .acquiringAndReleasing) else { return }
        logger.info("draining: no new trials; running trials finish or are released")
        let grace = settings.terminationGrace
        Task { [self] in
            try? await Task.sleep(for: grace)
            for control in running.withLock({ Array($0.values) }) { control.interrupt(.draining) }
        }
    }

    /// Registers, then runs slots until there is no more work or the worker is drained.
    public func run() async throws {
        try await link.register()
        logger.info("registered with \(settings.coordinatorURL) as \(settings.workerID) (\(settings.slots) slots)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await heartbeatLoop() }
            let slots = settings.slots
            try await withThrowingTaskGroup(of: Void.self) { slotsGroup in
                for slot in 0..<slots {
                    slotsGroup.addTask { [self] in try await slotLoop(slot) }
                }
                try await slotsGroup.waitForAll()
            }
            group.cancelAll()
        }
        link.close()
    }

    private func slotLoop(_ slot: Int) async throws {
        var idleSince: ContinuousClock.Instant?
        while !draining.load(ordering: .relaxed) {
            let reply = try await link.call(.acquireTrial(AcquireTrial(
                slot: UInt32(slot), study: settings.study, waitMillis: settings.acquireWaitMillis)))
            switch reply {
            case .assigned(let assignment):
                idleSince = nil
                try await runTrial(assignment)
            case .noTrial(let none):
                switch (none.reason, settings.idle) {
                case (.studyFinished, .exit):
                    logger.info("slot \(slot): no more work (studies finished); exiting")
                    return
                case (.noStudies, .exit(let seconds)), (.noMatchingStudy, .exit(let seconds)):
                    let since = idleSince ?? .now
                    idleSince = since
                    if since.duration(to: .now) > .milliseconds(Int(seconds * 1000)) {
                        logger.info("slot \(slot): no study for \(seconds) s; exiting")
                        return
                    }
                default:
                    break
                }
                if none.reason != .noneReady || none.retryAfterMillis > 0 {
                    try await Task.sleep(for: .milliseconds(Int(max(none.retryAfterMillis, 10))))
                }
            default:
                throw WorkerError("coordinator answered acquireTrial with \(reply.name)")
            }
        }
    }

    private func runTrial(_ assignment: TrialAssignment) async throws {
        let control = TrialControl(assignment: assignment)
        running.withLock { $0[assignment.trialID] = control }
        defer { running.withLock { $0[assignment.trialID] = nil } }
        if draining.load(ordering: .relaxed) {
            control.interrupt(.draining)
        }
        var params: [String: ParamValue] = [:]
        for parameter in assignment.parameters {
            switch parameter.value {
            case .double(let number): params[parameter.name] = .float(number)
            case .int(let number): params[parameter.name] = .int(Int(truncatingIfNeeded: number))
            case .string(let text): params[parameter.name] = .string(text)
            case .bool(let flag): params[parameter.name] = .bool(flag)
            }
        }
        let context = ObjectiveContext(studyName: assignment.studyName, trialNumber: Int(assignment.number),
                                       params: params, blasThreads: settings.blasThreads,
                                       concurrentTrials: settings.slots)
        let reporter = WireTrialReporter(link: link, control: control, acknowledged: acknowledged)
        let outcome: ObjectiveOutcome
        do {
            let objective = try resolver.objective(for: assignment.objective)
            outcome = try await objective.run(context, reporter: reporter)
        } catch let error as WorkerError {
            throw error
        } catch is CancellationError {
            outcome = .stopped
        } catch {
            outcome = .failed(reason: "\(error)")
        }
        let finish: TrialOutcome?
        switch (outcome, control.current) {
        case (_, .revoked):
            logger.info("trial \(assignment.number) of \(assignment.studyName): lease revoked; dropped")
            finish = nil
        case (.complete(let values), _): finish = .complete(values: values)
        case (.pruned, _): finish = .pruned
        case (.failed(let reason), _): finish = .fail(reason: reason)
        case (.stopped, .draining):
            try await release(control, reason: "worker shutting down")
            return
        case (.stopped, _): finish = .fail(reason: "stopped: the study was stopped")
        }
        guard let finish else { return }
        let reply = try await link.call(.finishTrial(TrialFinish(
            trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch, outcome: finish)))
        if case .acknowledged = reply {
            completed.add(1, ordering: .relaxed)
            acknowledged?("finish \(assignment.trialID) \(Self.describe(finish))")
        }
    }

    private func release(_ control: TrialControl, reason: String) async throws {
        _ = try await link.call(.releaseTrial(TrialRelease(
            trialID: control.assignment.trialID, leaseEpoch: control.assignment.leaseEpoch, reason: reason)))
        logger.info("released trial \(control.assignment.number) of \(control.assignment.studyName): \(reason)")
    }

    private func heartbeatLoop() async {
        while !Task.isCancelled {
            let interval = Int(link.timing?.heartbeatIntervalMillis ?? 1000)
            do {
                try await Task.sleep(for: .milliseconds(max(interval, 10)))
            } catch {
                return
            }
            let controls = running.withLock { Array($0.values) }
            do {
                let reply = try await link.call(.heartbeat(Heartbeat(leases: controls.map(\.lease))))
                guard case .heartbeatAck(let ack) = reply else { continue }
                for verdict in ack.verdicts {
                    guard let control = controls.first(where: { $0.assignment.trialID == verdict.trialID }) else {
                        continue
                    }
                    switch verdict.decision {
                    case .revoked: control.interrupt(.revoked)
                    case .stop: control.interrupt(.studyStopped)
                    case .continue, .prune: break
                    }
                }
            } catch {
                if Task.isCancelled || link.isClosed { return }
            }
        }
    }

    static func describe(_ outcome: TrialOutcome) -> String {
        switch outcome {
        case .complete(let values): "COMPLETE " + values.map { "\($0)" }.joined(separator: ",")
        case .pruned: "PRUNED"
        case .fail(let reason): "FAIL \(reason)"
        }
    }
}
