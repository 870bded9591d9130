import GRDB
import SweptTuning

/// One change the coordinator makes, addressed by ids the coordinator allocated itself (it is the single
/// writer), so that a batch of changes can be applied in exactly the order they were decided in memory.
public enum StoreMutation: Sendable {
    /// A trial starts RUNNING: inserted new (`fresh`) or claimed from WAITING, with its parameters and lease.
    case startTrial(StartedTrial)
    /// A WAITING trial with fixed parameters (an enqueue, or the retry of a lost trial).
    case enqueueTrial(study: StudyID, id: TrialID, number: Int, params: [String: ParamValue],
                      systemAttributes: [String: AttributeValue], userAttributes: [String: AttributeValue])
    /// An intermediate value (a repeat of a step is ignored: the first value stays).
    case report(trial: TrialID, step: Int, value: Double)
    /// A trial ends; its lease row is removed.
    case finishTrial(trial: TrialID, state: TrialState, values: [Double]?,
                     systemAttributes: [String: AttributeValue], userAttributes: [String: AttributeValue])
    /// Insert or replace a trial's lease row.
    case setLease(trial: TrialID, worker: String, epoch: Int, deadline: Double, state: Lease.State)
    /// Register or update a worker.
    case worker(WorkerRecord)
    /// Set a study system attribute.
    case studySystemAttribute(study: StudyID, key: String, value: AttributeValue)
    /// Append an event.
    case event(kind: String, study: StudyID?, trial: TrialID?, detail: AttributeValue?)
}

/// A trial that starts running: everything `StoreMutation.startTrial` writes.
public struct StartedTrial: Sendable {
    /// The study.
    public var study: StudyID
    /// The trial's id (allocated by the coordinator when `fresh`).
    public var id: TrialID
    /// The per-study number.
    public var number: Int
    /// `true`: insert a new row; `false`: the trial exists as WAITING and is claimed.
    public var fresh: Bool
    /// Parameters with their distributions.
    public var params: [String: ParamValue]
    /// The distribution of each parameter.
    public var distributions: [String: Distribution]
    /// System attributes set at the start (sampler attributes).
    public var systemAttributes: [String: AttributeValue]
    /// Start time, seconds since 1970 UTC.
    public var startedAt: Double
    /// The lease granted with the start.
    public var worker: String
    /// The lease's fencing epoch.
    public var epoch: Int
    /// The lease's deadline.
    public var deadline: Double

    /// Creates a start record.
    public init(study: StudyID, id: TrialID, number: Int, fresh: Bool, params: [String: ParamValue],
                distributions: [String: Distribution], systemAttributes: [String: AttributeValue],
                startedAt: Double, worker: String, epoch: Int, deadline: Double) {
        self.study = study
        self.id = id
        self.number = number
        self.fresh = fresh
        self.params = params
        self.distributions = distributions
        self.systemAttributes = systemAttributes
        self.startedAt = startedAt
        self.worker = worker
        self.epoch = epoch
        self.deadline = deadline
    }
}

extension StudyStore {
    /// The largest trial id in the store (0 when there is none): the coordinator allocates ids above it.
    public func maxTrialID() throws -> Int64 {
        try read("read the largest trial id") { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(trial_id) FROM trials") ?? 0
        }
    }

    /// Applies `mutations` in order in one group-committed operation and returns once they are durable.
    ///
    /// Each mutation runs in its own savepoint: one that fails is rolled back alone and its error is returned at
    /// its index (`nil` for success), so one bad change never sinks the others.
    public func apply(_ mutations: [StoreMutation]) async throws -> [StoreError?] {
        let now = clock()
        return try await write("apply \(mutations.count) coordinator changes") { db in
            var errors: [StoreError?] = []
            errors.reserveCapacity(mutations.count)
            for mutation in mutations {
                // A fresh memo per change: one rolled back alone must not leave anything remembered.
                var memo = ApplyMemo()
                do {
                    try db.inSavepoint {
                        try Self.apply(mutation, db, now: now, memo: &memo)
                        return .commit
                    }
                    errors.append(nil)
                } catch {
                    errors.append(StoreError.wrap(error, path: self.path, doing: "apply coordinator change"))
                }
            }
            return errors
        }
    }

    /// Applies `mutations` like `apply(_:)`, synchronously on the calling thread: for a caller that runs its
    /// own commit loop on a dedicated thread (the coordinator's journal), saving the hops of the async path.
    /// Writes from both paths are serialized by the database's single writer connection.
    public func applySynchronously(_ mutations: [StoreMutation]) throws -> [StoreError?] {
        guard committer != nil, let pool = reader as? DatabasePool else {
            throw StoreError(.readOnly, "apply coordinator changes: store \(path) was opened read-only")
        }
        let now = clock()
        do {
            return try pool.writeWithoutTransaction { db -> [StoreError?] in
                try Self.applyTogether(mutations, db, path: path, doing: "apply coordinator change") { _ in now }
            }
        } catch {
            throw StoreError.wrap(error, path: path, doing: "commit coordinator changes")
        }
    }

    /// Applies `mutations` in order in one transaction (`BatchTransaction`: a refused change is rolled back alone),
    /// change `i` at time `time(i)`, each reusing what the earlier ones wrote (`ApplyMemo`). `last`, when given,
    /// runs after them in the same transaction as one more operation, whose error is the returned array's last;
    /// with `deferBestWatermark`, finishes leave the best-trials watermark to it (`last` must then move it).
    static func applyTogether(
        _ mutations: [StoreMutation], _ db: Database, path: String, doing: String,
        last: ((Database) throws -> Void)? = nil, deferBestWatermark: Bool = false, time: (Int) -> Double
    ) throws -> [StoreError?] {
        var memo = ApplyMemo(coalescing: mutations, time: time)
        memo.defersBestWatermark = deferBestWatermark
        let count = mutations.count + (last == nil ? 0 : 1)
        return try BatchTransaction.run(db, count: count, path: path, doing: doing, rolledBack: { memo.reset() }) {
            index, db in
            guard index < mutations.count else {
                try last?(db)
                return
            }
            memo.position = index
            try apply(mutations[index], db, now: time(index), memo: &memo)
        }
    }

    /// Applies one change; `memo` carries what earlier changes of the same transaction wrote.
    static func apply(_ mutation: StoreMutation, _ db: Database, now: Double, memo: inout ApplyMemo) throws {
        switch mutation {
        case .startTrial(let start):
            try startTrial(db, start, now: now, memo: &memo)
        case .enqueueTrial(let study, let id, let number, let params, let system, let user):
            try db.cachedStatement(sql: """
                INSERT INTO trials (trial_id, number, study_id, state, datetime_start, datetime_complete)
                VALUES (?, ?, ?, 'WAITING', NULL, NULL)
                """).execute(arguments: [id.rawValue, number, study.rawValue])
            var systemAttributes = system
            systemAttributes[FrozenTrial.fixedParamsKey] = .object(params.mapValues(AttributeValue.init))
            try setAttributes(db, id, system: systemAttributes, user: user)
            try RowHelpers.event(db, at: now, kind: "trial.enqueued", study: study, trial: id)
        case .report(let trial, let step, let value):
            _ = try RowHelpers.report(db, trial, step: step, value: value)
        case .finishTrial(let trial, let state, let values, let system, let user):
            let (ref, current) = try memo.trial(db, trial)
            try RowHelpers.requireUnfinished(ref, current, "finish")
            let directions = try memo.directions(db, ref.study)
            try setAttributes(db, trial, system: system, user: user)
            try writeFinish(db, ref, state: state, values: values, directions: directions, completedAt: now,
                            memo: &memo)
            if memo.finishDeletesLease(trial) {
                let delete = try FastWrite(db, "DELETE FROM swept_leases WHERE trial_id = ?")
                delete.bind(1, trial.rawValue)
                try delete.run(db)
            }
            memo.wrote(ref, state: state)
            if state == .fail {
                // Routine outcomes are in `trials.state` and `datetime_complete`; only a failure is an event
                // (docs/store.md), as on the store's own finish path.
                try RowHelpers.event(db, at: now, kind: "trial.fail", study: ref.study, trial: trial)
            }
        case .setLease(let trial, let worker, let epoch, let deadline, let state):
            memo.leaseWritten(trial)
            try writeLease(db, trial: trial, worker: worker, epoch: epoch, deadline: deadline, grantedAt: now,
                           state: state)
        case .worker(let record):
            try db.cachedStatement(sql: """
                INSERT INTO swept_workers (worker_id, host, pid, slots, incarnation, first_seen, last_seen, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, slots = excluded.slots,
                    incarnation = excluded.incarnation, last_seen = excluded.last_seen, state = excluded.state
                """).execute(arguments: [record.id, record.host, record.pid, max(record.slots, 1), record.incarnation,
                                         record.firstSeen, record.lastSeen, record.state.rawValue])
        case .studySystemAttribute(let study, let key, let value):
            try RowHelpers.setAttribute(db, table: "study_system_attributes", owner: "study_id", id: study.rawValue,
                                        key: key, value: value)
        case .event(let kind, let study, let trial, let detail):
            try RowHelpers.event(db, at: now, kind: kind, study: study, trial: trial, detail: detail)
        }
    }

    private static func startTrial(_ db: Database, _ start: StartedTrial, now: Double,
                                   memo: inout ApplyMemo) throws {
        let ref = TrialRef(id: start.id, study: start.study, number: start.number)
        if start.fresh {
            let insert = try FastWrite(db, """
                INSERT INTO trials (trial_id, number, study_id, state, datetime_start, datetime_complete)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            insert.bind(1, start.id.rawValue)
            insert.bind(2, start.number)
            insert.bind(3, start.study.rawValue)
            insert.bind(5, OptunaDateTime.format(start.startedAt))
            if let final = memo.finalRow(ofFresh: start.id) {
                insert.bind(4, final.state.rawValue)
                insert.bind(6, OptunaDateTime.format(final.completedAt))
            } else {
                insert.bind(4, TrialState.running.rawValue)
                insert.bind(6, nil as String?)
            }
            try insert.run(db)
        } else {
            let (found, state) = try RowHelpers.trialRow(db, start.id)
            guard state == .waiting || state == .running, found.number == start.number else {
                throw StoreError(.invalidState, "start trial \(start.number) of study \(start.study.rawValue): trial "
                    + "id \(start.id.rawValue) is \(state.rawValue) with number \(found.number); expected WAITING")
            }
            try db.cachedStatement(sql: "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ?")
                .execute(arguments: [OptunaDateTime.format(start.startedAt), start.id.rawValue])
        }
        for name in start.params.keys.sorted() {
            guard let value = start.params[name], let distribution = start.distributions[name] else {
                throw StoreError(.invalidValue, "start trial \(start.number): parameter '\(name)' has no distribution")
            }
            try RowHelpers.setParam(db, ref, name: name, value: value, distribution: distribution, fresh: start.fresh)
        }
        try setAttributes(db, start.id, system: start.systemAttributes, user: [:])
        if start.fresh && memo.skipsLease(ofFresh: start.id) {
            // The same transaction finishes the trial, and the finish would delete the row again.
        } else {
            memo.leaseWritten(start.id)
            try writeLease(db, trial: start.id, worker: start.worker, epoch: start.epoch, deadline: start.deadline,
                           grantedAt: now, state: .active)
        }
        try RowHelpers.event(db, at: now, kind: "lease.granted", study: start.study, trial: start.id,
                             detailJSON: RowHelpers.leaseGrantedDetail(worker: start.worker, epoch: start.epoch))
        memo.wrote(ref, state: .running)
    }

    private static func writeLease(_ db: Database, trial: TrialID, worker: String, epoch: Int, deadline: Double,
                                   grantedAt: Double, state: Lease.State) throws {
        let upsert = try FastWrite(db, """
            INSERT INTO swept_leases (trial_id, worker_id, epoch, deadline, granted_at, state)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (trial_id) DO UPDATE SET worker_id = excluded.worker_id, epoch = excluded.epoch,
                deadline = excluded.deadline, state = excluded.state,
                granted_at = CASE WHEN swept_leases.epoch = excluded.epoch THEN swept_leases.granted_at
                                  ELSE excluded.granted_at END
            """)
        upsert.bind(1, trial.rawValue)
        upsert.bind(2, worker)
        upsert.bind(3, max(epoch, 1))
        upsert.bind(4, deadline)
        upsert.bind(5, grantedAt)
        upsert.bind(6, state.rawValue)
        try upsert.run(db)
    }

    private static func setAttributes(_ db: Database, _ trial: TrialID, system: [String: AttributeValue],
                                      user: [String: AttributeValue]) throws {
        for key in system.keys.sorted() {
            try RowHelpers.setAttribute(db, table: "trial_system_attributes", owner: "trial_id", id: trial.rawValue,
                                        key: key, value: system[key] ?? .null)
        }
        for key in user.keys.sorted() {
            try RowHelpers.setAttribute(db, table: "trial_user_attributes", owner: "trial_id", id: trial.rawValue,
                                        key: key, value: user[key] ?? .null)
        }
    }
}
