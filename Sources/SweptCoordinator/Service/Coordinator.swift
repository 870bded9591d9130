import Logging
import SweptStore
import SweptTuning
import SweptWire
import Synchronization

/// The coordinator: serves workers and clients on one REP socket, schedules every study, and persists each
/// decision through the store before acknowledging it.
///
/// ```swift
/// let store = try StudyStore.open(at: "swept.db")
/// let coordinator = try await Coordinator(store: store, secret: secret)
/// try coordinator.listen("tcp://0.0.0.0:7600")
/// try await coordinator.run()
/// ```
public final class Coordinator: Sendable {
    /// The store the coordinator alone writes.
    public let store: StudyStore
    /// Timing and limits.
    public let settings: CoordinatorSettings
    /// The REP endpoint.
    public let server: WireServer
    let core: CoordinatorCore
    let journal: StoreJournal
    let cache: ReplyCache
    let logger: Logger
    private let failure = FailureSlot()
    private let gate = ShutdownGate()

    /// Opens the coordinator over `store`, rebuilding every study, lease and worker the store holds.
    public init(store: StudyStore, settings: CoordinatorSettings = CoordinatorSettings(), secret: WireSecret,
                senderID: String = "coordinator", maxMessageSize: Int = 1 << 20,
                logger: Logger = Logger(label: "swept.coordinator"),
                clock: @escaping @Sendable () -> Double = SystemClock.now) async throws {
        self.store = store
        self.settings = settings
        self.logger = logger
        let failure = self.failure
        let codec = WireCodec(secret: secret, maxMessageSize: maxMessageSize)
        let server = try WireServer(codec: codec, identity: WireIdentity(senderID: senderID))
        self.server = server
        let replay = store.changeLogReplay
        if !replay.isEmpty {
            let torn = replay.tornBytes > 0 ? "; ignored a torn tail of \(replay.tornBytes) bytes" : ""
            logger.notice("replayed \(replay.changes) acknowledged changes from \(replay.files) change-log file(s)\(torn)")
            for reason in replay.failures { logger.error("a logged change could not be applied: \(reason)") }
        }
        journal = try StoreJournal(
            store: store, gatherCommits: settings.gatherCommits, placement: settings.commitPlacement,
            applyInterval: Double(settings.applyIntervalMillis) / 1000, clock: { store.currentTime() },
            onFailure: { error in
                logger.critical("store write failed; stopping so a restart rebuilds from the store: \(error)")
                failure.value.withLock { $0 = error }
                server.close()
            },
            onApplyErrors: { errors in
                for error in errors { logger.error("a logged change could not be applied to the store: \(error)") }
            })
        cache = ReplyCache(limit: settings.replyCachePerSender)
        core = CoordinatorCore(settings: settings, journal: journal, nextTrialID: try store.maxTrialID() + 1,
                               generation: try store.beginCoordinatorGeneration(), clock: clock)
        let skipped = try core.sync { try $0.restore(from: store) }
        for reason in skipped { logger.warning("study not resumed: \(reason)") }
        let counts = core.sync { $0.restoredCounts() }
        logger.info("restored \(counts.studies) studies, \(counts.leases) live leases, \(counts.workers) workers")
    }

    /// Listens on `url` (`tcp://host:port`, `tls+tcp://…`, `ipc://…`); returns the bound port for tcp.
    @discardableResult
    public func listen(_ url: String, tls: TLSFiles? = nil) throws -> Int {
        try server.listen(url, options: ListenOptions(keepAlive: true, tls: tls)).boundPort
    }

    /// Serves requests and expires leases until the task is cancelled or `shutdown()` is called.
    /// - Throws: the store error when a commit failed (the process should exit and be restarted).
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                try await server.serve(contexts: settings.contexts) { request, reply in
                    self.respond(to: request, reply)
                }
            }
            group.addTask { [self] in
                await sweepLoop()
            }
            try await group.next()
            group.cancelAll()
        }
        await journal.close()
        if let error = failure.value.withLock({ $0 }) { throw error }
    }

    /// Stops serving: no new request is admitted, the ones running finish and their replies leave, then the
    /// socket closes and `run()` returns after pending commits finish. Safe to call from a signal handler, and
    /// more than once.
    public func shutdown() {
        guard gate.stop() else { return }
        Task { [gate, server] in
            await gate.drain(timeout: .seconds(5))
            try? await Task.sleep(for: .milliseconds(50))
            server.close()
            gate.closed()
        }
    }

    /// Batches written to the change log since start (each acknowledged every request it covered).
    public var commitBatches: Int { journal.batches }

    /// Returns once every change acknowledged so far is applied to the SQLite store, so that readers of the
    /// store file see it (the coordinator applies its change log in the background within
    /// `CoordinatorSettings.applyIntervalMillis`).
    public func flushStore() async {
        await journal.flush()
    }

    /// Lost leases detected since start.
    public var lostLeaseCount: Int {
        core.sync { $0.lostLeaseCount() }
    }

    private func sweepLoop() async {
        let period = Duration.milliseconds(Int(max(10, min(settings.leaseTTLMillis / 5, 250))))
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            if failure.value.withLock({ $0 != nil }) { return }
            let ticket = core.sync { $0.sweep() }
            try? await journal.wait(ticket)
        }
    }

    /// Answers one authenticated request: replays duplicates, decides, waits until the decision is durable.
    public func handle(_ request: WireRequest) async -> ReplyBody {
        await withCheckedContinuation { continuation in
            respond(to: request) { continuation.resume(returning: $0) }
        }
    }

    /// Answers one authenticated request through `reply`, called exactly once: replays duplicates, decides, and
    /// replies once the decision is durable.
    ///
    /// Deciding runs on the calling thread (the server calls this from nng's aio callback); the reply follows on
    /// the journal's commit thread once the commit covering the decision is done, or at once when the decision
    /// changed nothing. Only an `acquireTrial` that waits for work and a `launchStudy` continue in a task.
    public func respond(to request: WireRequest, _ reply: @escaping @Sendable (ReplyBody) -> Void) {
        gate.enter { [self] admitted in
            guard admitted else {
                reply(.error(ErrorReply(code: .unavailable, message: "the coordinator is shutting down; retry")))
                return
            }
            let answer: @Sendable (ReplyBody) -> Void = { [gate] body in
                reply(body)
                gate.leave()
            }
            switch request.body {
            case .status, .trials, .best, .heartbeat:
                execute(request, answer)
                return
            default:
                break
            }
            switch cache.lookup(request.header) {
            case .duplicate(let promise):
                promise.whenReady(answer)
            case .execute(let promise):
                execute(request) { [cache] body in
                    if case .error(let error) = body, [.unavailable, .notRegistered].contains(error.code) {
                        cache.forget(request.header)
                    }
                    promise.fulfill(body)
                    answer(body)
                }
            }
        }
    }

    private func execute(_ request: WireRequest, _ done: @escaping @Sendable (ReplyBody) -> Void) {
        let header = request.header
        let decision: Decision
        switch request.body {
        case .registerWorker(let capabilities):
            decision = core.sync { $0.register(header, capabilities) }
        case .acquireTrial(let body):
            let first = core.sync { $0.acquire(header, body) }
            if case .noTrial(let none) = first.reply, none.reason == .noneReady,
               min(body.waitMillis, settings.maxAcquireWaitMillis) > 0 {
                Task { [self] in
                    reply(with: await acquire(header, body, first: first), to: request, done)
                }
                return
            }
            decision = first
        case .reportIntermediate(let body):
            decision = core.sync { $0.report(header, body) }
        case .finishTrial(let body):
            decision = core.sync { $0.finish(header, body) }
        case .heartbeat(let body):
            decision = core.sync { $0.heartbeat(header, body) }
        case .releaseTrial(let body):
            decision = core.sync { $0.release(header, body) }
        case .launchStudy(let body):
            Task { [self] in
                reply(with: await launch(body), to: request, done)
            }
            return
        case .status(let body):
            decision = core.sync { $0.status(body) }
        case .trials(let body):
            decision = core.sync { $0.trials(body) }
        case .best(let body):
            decision = core.sync { $0.best(body) }
        case .stopStudy(let body):
            decision = core.sync { $0.stop(body) }
        case .enqueueTrial(let body):
            decision = core.sync { $0.enqueue(body) }
        }
        reply(with: decision, to: request, done)
    }

    /// Sends the decision's reply once its changes are committed (durable before reply).
    private func reply(with decision: Decision, to request: WireRequest,
                       _ done: @escaping @Sendable (ReplyBody) -> Void) {
        journal.whenDurable(decision.ticket) { [logger] error in
            guard let error else {
                done(decision.reply)
                return
            }
            logger.error("\(request.body.name) from \(request.header.senderID): not durable: \(error)")
            done(.error(ErrorReply(code: .unavailable, message: "the store did not commit the change: \(error)")))
        }
    }

    /// Retries an acquire that found nothing ready every 10 ms until the request's wait bound.
    private func acquire(_ header: WireHeader, _ body: AcquireTrial, first: Decision) async -> Decision {
        let wait = Double(min(body.waitMillis, settings.maxAcquireWaitMillis)) / 1000
        let start = ContinuousClock.now
        var decision = first
        while true {
            guard case .noTrial(let none) = decision.reply, none.reason == .noneReady else { return decision }
            let elapsed = start.duration(to: .now)
            let left = wait - (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            if left <= 0 || Task.isCancelled { return decision }
            try? await Task.sleep(for: .milliseconds(Int(min(left * 1000, 10).rounded(.up))))
            decision = core.sync { $0.acquire(header, body) }
        }
    }

    private func launch(_ body: LaunchStudy) async -> Decision {
        let spec: StudySpec
        do {
            switch body.format {
            case .json: spec = try StudySpec.parseJSON(body.config, source: body.sourceName)
            case .yaml: spec = try StudySpec.parseYAML(body.config, source: body.sourceName)
            }
            _ = try spec.makeStudy()
        } catch let error as StudySpecError {
            return .error(.invalidConfig, error.message)
        } catch {
            return .error(.invalidConfig, "\(body.sourceName): \(error)")
        }
        if let early = core.sync({ $0.beginLaunch(spec, resume: body.resumeIfExists) }) { return early }
        let launchedAt = SystemClock.now()
        do {
            if try store.study(named: spec.name) != nil {
                core.sync { $0.cancelLaunch(spec.name) }
                return .error(.conflict, "launchStudy: the store already has a study named '\(spec.name)' that this "
                    + "coordinator did not launch; choose another name")
            }
            let record = try await store.createStudy(
                named: spec.name, directions: spec.directions,
                systemAttributes: [
                    StudyAttributes.spec: .string(spec.canonicalJSON.jsonText),
                    StudyAttributes.state: .string("running"),
                    StudyAttributes.launchedAt: .double(launchedAt),
                ])
            logger.info("launched study '\(spec.name)' (id \(record.id.rawValue))")
            return try core.sync { try $0.finishLaunch(spec, record: record) }
        } catch {
            core.sync { $0.cancelLaunch(spec.name) }
            return .error(.internal, "launchStudy '\(spec.name)': \(error)")
        }
    }
}

/// The store error that stopped the coordinator, if any.
final class FailureSlot: Sendable {
    let value = Mutex<StoreError?>(nil)
}
