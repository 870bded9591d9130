import GRDB

/// One numbered schema change. Versions only grow; a released migration is never edited.
struct SweptMigration: Sendable {
    /// The version the store has once this migration is applied.
    let version: Int
    /// A short name recorded in `swept_migrations`.
    let name: String
    /// The statements, run in one transaction.
    let apply: @Sendable (Database) throws -> Void
}

/// swept's numbered migrations. Migration 1 lays down Optuna 5.0's core tables (skipped when an Optuna database is
/// being adopted), migration 2 swept's own `swept_` tables and the indexes the queries need. Later issues append
/// migrations for datasets (`swept_dataset*`), artifacts (`swept_artifact*`) and the registry (`swept_registry*`).
enum SweptSchema {
    /// The newest schema version this build writes and understands.
    static var currentVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [SweptMigration] = [
        SweptMigration(version: 1, name: "optuna-5.0-core") { db in
            if try db.tableExists("version_info") { return }  // an Optuna database being adopted
            for sql in OptunaSchema.statements + OptunaSchema.seedStatements { try db.execute(sql: sql) }
        },
        SweptMigration(version: 2, name: "swept-core") { db in
            for sql in coreStatements { try db.execute(sql: sql) }
        },
        SweptMigration(version: 3, name: "lean-indexes") { db in
            for sql in unfinishedIndexStatements + BestTable.createStatements { try db.execute(sql: sql) }
            try db.execute(sql: "DROP INDEX IF EXISTS swept_ix_trial_values_objective_value")
            try BestTable.rebuild(db)
        },
        SweptMigration(version: 4, name: "change-log") { db in
            // One row: the last change-log sequence number applied (see `ChangeLog`), and the number of
            // coordinator starts (`generation`), which fences lease epochs across restarts.
            try db.execute(sql: """
                CREATE TABLE swept_change_log (
                    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                    applied INTEGER NOT NULL,
                    generation INTEGER NOT NULL
                )
                """)
            try db.execute(sql: "INSERT INTO swept_change_log (id, applied, generation) VALUES (1, 0, 0)")
        },
    ]

    /// Migration 3 (lean indexes): `swept_best` (see `BestTable`) replaces the index over every objective value,
    /// and the state index covers only trials that are not COMPLETE (RUNNING, WAITING, PRUNED, FAIL —
    /// a few per study), instead of every trial (≈23 bytes per trial). COMPLETE trials are found through
    /// Optuna's `ix_trials_study_id`, the next number from the study's last trial by id (Optuna numbers a
    /// study's trials in id order). A query uses the index only when its WHERE has the literal term
    /// `state <> 'COMPLETE'`.
    static let unfinishedIndexStatements: [String] = [
        "DROP INDEX IF EXISTS swept_ix_trials_study_state_number",
        """
        CREATE INDEX swept_ix_trials_study_unfinished ON trials (study_id, state, number)
        WHERE state <> 'COMPLETE'
        """,
    ]

    /// Creates the migrations bookkeeping table. It is the first swept table of any store.
    static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS swept_migrations (
            version INTEGER PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL,
            swept_build TEXT NOT NULL
        )
        """

    /// Migration 2: workers, leases, the event log, and indexes over Optuna's tables for swept's queries.
    static let coreStatements: [String] = [
        """
        CREATE TABLE swept_workers (
            worker_id TEXT PRIMARY KEY NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER,
            slots INTEGER NOT NULL DEFAULT 1 CHECK (slots >= 1),
            incarnation INTEGER NOT NULL DEFAULT 0,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'ALIVE' CHECK (state IN ('ALIVE', 'LOST', 'STOPPED'))
        )
        """,
        """
        CREATE TABLE swept_leases (
            trial_id INTEGER PRIMARY KEY NOT NULL REFERENCES trials (trial_id),
            worker_id TEXT NOT NULL,
            epoch INTEGER NOT NULL CHECK (epoch >= 1),
            deadline REAL NOT NULL,
            granted_at REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'EXPIRED', 'RELEASED'))
        )
        """,
        "CREATE INDEX swept_ix_leases_state_deadline ON swept_leases (state, deadline)",
        """
        CREATE TABLE swept_events (
            event_id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            study_id INTEGER,
            trial_id INTEGER,
            detail TEXT
        )
        """,
        """
        CREATE TRIGGER swept_events_append_only_update BEFORE UPDATE ON swept_events
        BEGIN SELECT RAISE(ABORT, 'swept_events is append-only'); END
        """,
        """
        CREATE TRIGGER swept_events_append_only_delete BEFORE DELETE ON swept_events
        BEGIN SELECT RAISE(ABORT, 'swept_events is append-only'); END
        """,
        // Trials by state, counts by state and the next trial number, per study.
        "CREATE INDEX swept_ix_trials_study_state_number ON trials (study_id, state, number)",
        // Best trial and top-k: walk values in order.
        "CREATE INDEX swept_ix_trial_values_objective_value ON trial_values (objective, value)",
    ]
}
