import Foundation
import GRDB
@testable import SweptStore
import SweptTuning
import Testing

@Suite("Schema: Optuna 5.0 tables, swept migrations, version checks")
struct SchemaTests {
    let dir = TempDir()

    /// Reads `sqlite_master` (type, name, sql) of a file.
    static func master(_ path: String, sweptTables: Bool = false) throws -> [[String?]] {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT type, name, sql, tbl_name FROM sqlite_master ORDER BY name").filter {
                let table: String = $0[3] ?? ""
                let name: String = $0[1] ?? ""
                return sweptTables || !(table.hasPrefix("swept_") || name.hasPrefix("swept_"))
            }.map { [$0[0], $0[1], $0[2]] as [String?] }
        }
    }

    @Test("a new store holds Optuna's tables, version rows and swept's migrations")
    func freshStore() async throws {
        let store = try makeStore(dir)
        try await store.close()
        let names = try Self.master(dir.file("swept.db")).compactMap { $0[1] }
        for table in ["studies", "study_directions", "study_user_attributes", "study_system_attributes", "trials",
                      "trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
                      "trial_system_attributes", "trial_heartbeats", "version_info", "alembic_version"] {
            #expect(names.contains(table), "missing table \(table)")
        }
        let queue = try DatabaseQueue(path: dir.file("swept.db"))
        let (version, alembic, migrations, mode) = try queue.read { db in
            (try Row.fetchOne(db, sql: "SELECT * FROM version_info"),
             try String.fetchOne(db, sql: "SELECT version_num FROM alembic_version"),
             try Int.fetchAll(db, sql: "SELECT version FROM swept_migrations ORDER BY version"),
             try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(version == ["version_info_id": 1, "schema_version": 12, "library_version": "5.0.0"])
        #expect(alembic == "v3.2.0.a")
        #expect(migrations == [1, 2, 3, 4])
        #expect(mode == "wal")
        try queue.close()
    }

    @Test("the state index holds only unfinished trials and still serves counts, numbers and WAITING claims")
    func unfinishedTrialsIndex() async throws {
        let store = try makeStore(dir)
        let study = try await store.createStudy(named: "s")
        var finished: [TrialID] = []
        for state in [TrialState.complete, .complete, .pruned, .complete, .fail] {
            let trial = try await store.createTrial(in: study.id)
            try await store.finishTrial(trial.id, state: state, values: state == .complete ? [1] : nil)
            finished.append(trial.id)
        }
        let running = try await store.createTrial(in: study.id)
        let waiting = try await store.enqueueTrial(in: study.id, params: [:])
        #expect(running.number == 5 && waiting.number == 6)
        #expect(try store.trialCounts(in: study.id) == [.complete: 3, .pruned: 1, .fail: 1, .running: 1, .waiting: 1])
        #expect(try await store.claimWaitingTrial(in: study.id)?.number == 6)
        #expect(try await store.createTrial(in: study.id).number == 7)
        try await store.close()

        let queue = try DatabaseQueue(path: dir.file("swept.db"))
        defer { try? queue.close() }
        let (entries, claimPlan) = try await queue.read { db in
            (try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM trials INDEXED BY swept_ix_trials_study_unfinished WHERE state <> 'COMPLETE'
                """),
             try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT trial_id FROM trials WHERE study_id = 1 AND state = 'WAITING'
                AND state <> 'COMPLETE' ORDER BY number LIMIT 1
                """).map { $0[3] as String? ?? "" }.joined())
        }
        #expect(entries == 5)  // PRUNED, FAIL and three RUNNING (5, the claimed 6, 7); no COMPLETE trial
        #expect(claimPlan.contains("swept_ix_trials_study_unfinished"))
    }

    @Test("the Optuna tables' DDL is exactly what Optuna 5.0.0 creates",
          .enabled(if: hasPeerPython, "SWEPT_PEER_PYTHON is not set: skipping the live Optuna DDL comparison"))
    func ddlMatchesOptuna() async throws {
        let python = try #require(peerPython())
        _ = try runPython(python, script: """
            import sys, optuna
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            optuna.create_study(storage="sqlite:///" + sys.argv[1], study_name="ref")
            """, arguments: [dir.file("optuna.db")], in: dir)
        let store = try makeStore(dir)
        try await store.close()
        let ours = try Self.master(dir.file("swept.db"))
        let optuna = try Self.master(dir.file("optuna.db"))
        #expect(ours == optuna)
    }

    @Test("a store from a newer swept is refused and left byte-for-byte unchanged")
    func newerSchemaRefused() async throws {
        let path = dir.file("swept.db")
        try await makeStore(dir).close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO swept_migrations VALUES (99, 'future', 'x', 'swept 9.0')")
        }
        try await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let before = fileBytes(path)
        #expect { try StudyStore.open(at: path) } throws: { error in
            let e = error as? StoreError
            return e?.code == .newerSchema && e?.message.contains("swept 9.0") == true
                && e?.message.contains("not modified") == true
        }
        #expect(throws: StoreError.self) { try StudyStore.open(at: path, options: .reader) }
        #expect(fileBytes(path) == before)
    }

    @Test("an older Optuna schema and a foreign SQLite database are refused")
    func foreignSchemasRefused() throws {
        let old = dir.file("old.db")
        let queue = try DatabaseQueue(path: old)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE version_info (version_info_id INTEGER PRIMARY KEY, schema_version INTEGER, library_version TEXT)")
            try db.execute(sql: "INSERT INTO version_info VALUES (1, 11, '2.10.0')")
        }
        try queue.close()
        #expect { try StudyStore.open(at: old) } throws: {
            ($0 as? StoreError)?.code == .incompatibleSchema && "\($0)".contains("optuna storage upgrade")
        }
        let other = dir.file("other.db")
        let q2 = try DatabaseQueue(path: other)
        try q2.write { try $0.execute(sql: "CREATE TABLE notes (x)") }
        try q2.close()
        #expect { try StudyStore.open(at: other) } throws: { ($0 as? StoreError)?.code == .incompatibleSchema }
    }

    @Test("reopening keeps the data and applies no migration twice")
    func reopen() async throws {
        let store = try makeStore(dir)
        let s = try await store.createStudy(named: "s")
        try await store.close()
        let again = try makeStore(dir)
        #expect(try again.study(named: "s") == s)
        try await again.close()
        let reader = try StudyStore.open(at: dir.file("swept.db"), options: .reader)
        #expect(try reader.allStudies() == [s])
        await #expect { try await reader.createStudy(named: "t") } throws: { ($0 as? StoreError)?.code == .readOnly }
        try await reader.close()
    }

    @Test("the event log is append-only")
    func eventsAppendOnly() async throws {
        let store = try makeStore(dir)
        _ = try await store.createStudy(named: "s")
        await #expect { try await store.write("tamper") { try $0.execute(sql: "UPDATE swept_events SET kind = 'x'") } }
            throws: { "\($0)".contains("append-only") }
        await #expect(throws: StoreError.self) {
            try await store.write("tamper") { try $0.execute(sql: "DELETE FROM swept_events") }
        }
        #expect(try store.events().count == 1)
        try await store.close()
    }

    @Test("synchronous is FULL by default and configurable", arguments: StoreOptions.Synchronous.allCases)
    func synchronousSetting(level: StoreOptions.Synchronous) async throws {
        let store = try StudyStore.open(at: dir.file("\(level.rawValue).db"), options: StoreOptions(synchronous: level))
        let value = try await store.write("read pragma") { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
        #expect(value == ["OFF": 0, "NORMAL": 1, "FULL": 2][level.rawValue])
        #expect(StoreOptions().synchronous == .full)
        try await store.close()
    }
}
