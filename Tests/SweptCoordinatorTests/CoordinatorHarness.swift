import Foundation
import SweptCoordinator
import SweptStore
import SweptWire
import Synchronization
import Testing

/// A clock the test moves by hand, so lease expiry does not depend on the machine's load.
final class ManualClock: Sendable {
    private let time = Mutex<Double>(1_800_000_000)

    var now: Double { time.withLock { $0 } }

    func advance(by seconds: Double) {
        time.withLock { $0 += seconds }
    }
}

let harnessSecret: WireSecret = {
    do {
        return try WireSecret(bytes: Array("coordinator-tests-secret-0123456789".utf8))
    } catch {
        fatalError("secret rejected: \(error)")
    }
}()

/// A coordinator over a scratch store, driven in-process through `handle`.
final class Harness: @unchecked Sendable {
    let directory: String
    let storePath: String
    var store: StudyStore
    var coordinator: Coordinator
    let settings: CoordinatorSettings
    /// Request ids per sender (tests send from several tasks at once).
    let counters = Mutex<[String: UInt64]>([:])
    var runTask: Task<Void, any Error>?

    let clock: ManualClock?

    init(settings: CoordinatorSettings = CoordinatorSettings(leaseTTLMillis: 20_000, heartbeatIntervalMillis: 100),
         clock: ManualClock? = nil) async throws {
        self.clock = clock
        directory = NSTemporaryDirectory() + "swept-coord-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        storePath = directory + "/swept.db"
        self.settings = settings
        store = try StudyStore.open(at: storePath, options: StoreOptions(synchronous: .off))
        coordinator = try await Coordinator(store: store, settings: settings, secret: harnessSecret,
                                            clock: Self.clockFunction(clock))
        startRunning()
    }

    static func clockFunction(_ clock: ManualClock?) -> @Sendable () -> Double {
        guard let clock else { return SystemClock.now }
        return { clock.now }
    }

    private func startRunning() {
        let coordinator = self.coordinator
        runTask = Task { try await coordinator.run() }
    }

    /// Simulates a coordinator crash and restart on the same store (nothing is flushed beyond what was committed).
    func restart() async throws {
        coordinator.shutdown()
        _ = try? await runTask?.value
        try await store.close()
        store = try StudyStore.open(at: storePath, options: StoreOptions(synchronous: .off))
        coordinator = try await Coordinator(store: store, settings: settings, secret: harnessSecret,
                                            clock: Self.clockFunction(clock))
        startRunning()
    }

    func header(_ sender: String, incarnation: UInt64 = 1, requestID: UInt64? = nil) -> WireHeader {
        let id = requestID ?? counters.withLock { counters in
            counters[sender, default: 0] += 1
            return counters[sender, default: 0]
        }
        return WireHeader(senderID: sender, incarnation: incarnation, requestID: id)
    }

    func send(_ body: RequestBody, from sender: String = "w1", incarnation: UInt64 = 1,
              requestID: UInt64? = nil) async -> ReplyBody {
        await coordinator.handle(WireRequest(header: header(sender, incarnation: incarnation, requestID: requestID),
                                             body: body))
    }

    func launch(_ name: String, trials: Int = 10, maxRetries: Int = 2, pruner: String = "none") async throws {
        let spec = """
            {"name": "\(name)", "direction": "minimize", "space": {"x": {"float": [-5, 5]}, "n": {"int": [1, 4]}},
             "sampler": {"type": "random", "seed": 3}, "pruner": {"type": "\(pruner)", "n_startup_trials": 2},
             "budget": {"trials": \(trials), "max_retries": \(maxRetries)},
             "objective": {"type": "test-function", "steps": 3}}
            """
        let reply = await send(.launchStudy(LaunchStudy(configText: spec, format: .json, sourceName: "\(name).json")),
                               from: "cli")
        guard case .studyLaunched = reply else {
            Issue.record("launch failed: \(reply)")
            throw CancellationError()
        }
    }

    func register(_ worker: String, incarnation: UInt64 = 1) async {
        let reply = await send(.registerWorker(WorkerCapabilities(slots: 1, cores: 1, blasThreads: 1)), from: worker,
                               incarnation: incarnation)
        #expect({ if case .registered = reply { return true } else { return false } }())
    }

    func acquire(_ worker: String, incarnation: UInt64 = 1, study: String? = nil) async -> TrialAssignment? {
        let reply = await send(.acquireTrial(AcquireTrial(slot: 0, study: study, waitMillis: 0)), from: worker,
                               incarnation: incarnation)
        if case .assigned(let assignment) = reply { return assignment }
        return nil
    }

    /// The study's trials as a reader of the store file sees them once every acknowledged change is applied.
    func readTrials(_ study: String) async throws -> [StoredTrial] {
        await coordinator.flushStore()
        let reader = try StudyStore.open(at: storePath, options: .reader)
        guard let record = try reader.study(named: study) else { return [] }
        return try reader.trials(in: record.id)
    }

    deinit {
        coordinator.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension ReplyBody {
    var decision: TrialDecision? {
        if case .verdict(let verdict) = self { return verdict.decision }
        return nil
    }

    var errorCode: WireErrorCode? {
        if case .error(let error) = self { return error.code }
        return nil
    }
}
