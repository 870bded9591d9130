import GRDB
import SweptTuning

extension StudyStore {
    /// Grants the lease of a RUNNING trial to `worker` until `deadline`, with a fencing epoch one above the
    /// trial's previous lease (1 for the first).
    public func grantLease(_ trial: TrialID, to worker: String, deadline: Double) async throws -> Lease {
        let now = clock()
        return try await write("grant lease of trial id \(trial.rawValue)") { db in
            let ref = try Self.requireRunning(db, trial, "grant lease")
            let previous = try Int.fetchOne(db, sql: "SELECT epoch FROM swept_leases WHERE trial_id = ?",
                                            arguments: [trial.rawValue]) ?? 0
            let lease = Lease(trial: trial, worker: worker, epoch: previous + 1, deadline: deadline, grantedAt: now,
                              state: .active)
            try db.execute(sql: """
                INSERT INTO swept_leases (trial_id, worker_id, epoch, deadline, granted_at, state)
                VALUES (?, ?, ?, ?, ?, 'ACTIVE')
                ON CONFLICT (trial_id) DO UPDATE SET worker_id = excluded.worker_id, epoch = excluded.epoch,
                    deadline = excluded.deadline, granted_at = excluded.granted_at, state = 'ACTIVE'
                """, arguments: [trial.rawValue, worker, lease.epoch, deadline, now])
            try RowHelpers.event(db, at: now, kind: "lease.granted", study: ref.study, trial: trial,
                                 detailJSON: RowHelpers.leaseGrantedDetail(worker: worker, epoch: lease.epoch))
            return lease
        }
    }

    /// Extends an ACTIVE lease held under `epoch` to `deadline`.
    /// - Throws: `.invalidState` when `epoch` is stale or the lease is no longer active (the worker must stop).
    public func renewLease(_ trial: TrialID, epoch: Int, deadline: Double) async throws -> Lease {
        try await write("renew lease of trial id \(trial.rawValue)") { db in
            let lease = try Self.requireLease(db, trial, epoch: epoch, "renew lease")
            try db.cachedStatement(sql: "UPDATE swept_leases SET deadline = ? WHERE trial_id = ?")
                .execute(arguments: [deadline, trial.rawValue])
            return Lease(trial: trial, worker: lease.worker, epoch: epoch, deadline: deadline,
                         grantedAt: lease.grantedAt, state: .active)
        }
    }

    /// Marks an ACTIVE lease held under `epoch` expired (its deadline passed). Later reports under that epoch
    /// are refused; the trial can be leased again with the next epoch.
    public func expireLease(_ trial: TrialID, epoch: Int) async throws {
        let now = clock()
        try await write("expire lease of trial id \(trial.rawValue)") { db in
            _ = try Self.requireLease(db, trial, epoch: epoch, "expire lease")
            try db.execute(sql: "UPDATE swept_leases SET state = 'EXPIRED' WHERE trial_id = ?",
                           arguments: [trial.rawValue])
            let study = try RowHelpers.trialRow(db, trial).ref.study
            try RowHelpers.event(db, at: now, kind: "lease.expired", study: study, trial: trial,
                                 detail: .object(["epoch": .int(epoch)]))
        }
    }

    /// Gives an ACTIVE lease back without finishing the trial.
    public func releaseLease(_ trial: TrialID, epoch: Int) async throws {
        try await write("release lease of trial id \(trial.rawValue)") { db in
            _ = try Self.requireLease(db, trial, epoch: epoch, "release lease")
            try db.execute(sql: "UPDATE swept_leases SET state = 'RELEASED' WHERE trial_id = ?",
                           arguments: [trial.rawValue])
        }
    }

    /// The trial's current lease, if any.
    public func lease(of trial: TrialID) throws -> Lease? {
        try read("read lease") { db in
            try Self.leases(db, where: "trial_id = ?", [trial.rawValue]).first
        }
    }

    /// ACTIVE leases whose deadline is before `time`: what the coordinator must expire.
    public func overdueLeases(asOf time: Double) throws -> [Lease] {
        try read("read overdue leases") { db in
            try Self.leases(db, where: "state = 'ACTIVE' AND deadline < ?", [time])
        }
    }

    /// Registers a worker or updates its record.
    public func upsertWorker(_ worker: WorkerRecord) async throws {
        let now = clock()
        try await write("register worker \(worker.id)") { db in
            let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM swept_workers WHERE worker_id = ?",
                                          arguments: [worker.id]) ?? false
            try db.execute(sql: """
                INSERT INTO swept_workers (worker_id, host, pid, slots, incarnation, first_seen, last_seen, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, slots = excluded.slots,
                    incarnation = excluded.incarnation, last_seen = excluded.last_seen, state = excluded.state
                """, arguments: [worker.id, worker.host, worker.pid, worker.slots, worker.incarnation, worker.firstSeen,
                                 worker.lastSeen, worker.state.rawValue])
            if !known {
                try RowHelpers.event(db, at: now, kind: "worker.registered", study: nil, trial: nil,
                                     detail: .object(["worker": .string(worker.id), "host": .string(worker.host)]))
            }
        }
    }

    /// Every registered worker, by id.
    public func workers() throws -> [WorkerRecord] {
        try read("list workers") { db in
            try Row.fetchAll(db, sql: """
                SELECT worker_id, host, pid, slots, incarnation, first_seen, last_seen, state
                FROM swept_workers ORDER BY worker_id
                """).map { row in
                WorkerRecord(id: row[0], host: row[1], pid: row[2], slots: row[3], incarnation: row[4],
                             firstSeen: row[5], lastSeen: row[6],
                             state: WorkerRecord.State(rawValue: row[7]) ?? .lost)
            }
        }
    }

    /// Appends an event of the caller's own kind (e.g. `study.stopped`).
    public func appendEvent(kind: String, study: StudyID? = nil, trial: TrialID? = nil,
                            detail: AttributeValue? = nil) async throws {
        let now = clock()
        try await write("append event \(kind)") { db in
            try RowHelpers.event(db, at: now, kind: kind, study: study, trial: trial, detail: detail)
        }
    }

    /// Events with id above `after`, oldest first, at most `limit`.
    public func events(after: Int64 = 0, limit: Int = 1000) throws -> [StoreEvent] {
        try read("read events") { db in
            try Row.fetchAll(db, sql: """
                SELECT event_id, at, kind, study_id, trial_id, detail FROM swept_events
                WHERE event_id > ? ORDER BY event_id LIMIT ?
                """, arguments: [after, limit]).map { row in
                let detail: String? = row[5]
                let study: Int64? = row[3]
                let trial: Int64? = row[4]
                return StoreEvent(id: row[0], at: row[1], kind: row[2], study: study.map(StudyID.init(rawValue:)),
                                  trial: trial.map(TrialID.init(rawValue:)),
                                  detail: try detail.map {
                                      try AttributeJSON.decode($0, context: "swept_events.detail")
                                  })
            }
        }
    }

    // MARK: - Helpers

    static func requireLease(_ db: Database, _ trial: TrialID, epoch: Int, _ operation: String) throws -> Lease {
        guard let lease = try leases(db, where: "trial_id = ?", [trial.rawValue]).first else {
            throw StoreError(.invalidState, "\(operation): trial id \(trial.rawValue) has no lease")
        }
        guard lease.epoch == epoch, lease.state == .active else {
            throw StoreError(.invalidState, "\(operation): lease epoch \(epoch) of trial id \(trial.rawValue) is "
                + "stale (current epoch \(lease.epoch), \(lease.state.rawValue)); the worker must stop this trial")
        }
        return lease
    }

    static func leases(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [Lease] {
        try Row.fetchAll(db, sql: """
            SELECT trial_id, worker_id, epoch, deadline, granted_at, state FROM swept_leases WHERE \(condition)
            ORDER BY trial_id
            """, arguments: arguments).map { row in
            Lease(trial: TrialID(rawValue: row[0]), worker: row[1], epoch: row[2], deadline: row[3],
                  grantedAt: row[4], state: Lease.State(rawValue: row[5]) ?? .expired)
        }
    }
}
