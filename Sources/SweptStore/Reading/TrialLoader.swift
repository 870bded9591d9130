import GRDB
import SweptTuning

/// Reads trials in bulk — a whole study, or chosen trials — with one pass per table over raw columns: names are
/// interned, each distinct distribution JSON is parsed once, trials that share their parameters' distributions
/// share one dictionary, and rows find their trial through a dense id table. This is what makes loading a
/// 100,000-trial study take a fraction of a second.
struct TrialLoader {
    /// Which trials to read.
    enum Scope {
        /// Every trial of a study (optionally only some states).
        case study(StudyID, states: Set<TrialState>?)
        /// These trials (any order; the result follows `trials.number` within each study).
        case trials([TrialID])
    }

    private var names = TextInterner()
    private var distributions = DistributionCache()
    private var refs: [TrialRef] = []
    private var trials: [FrozenTrial] = []

    /// Loads the trials of `scope`, ordered by study then number.
    static func load(_ db: Database, _ scope: Scope) throws -> [StoredTrial] {
        let (refs, trials) = try loadColumns(db, scope)
        return zip(refs, trials).map { StoredTrial(ref: $0, trial: $1) }
    }

    /// Loads the trials of `scope` as parallel arrays of references and trials, ordered by study then number.
    static func loadColumns(_ db: Database, _ scope: Scope) throws -> (refs: [TrialRef], trials: [FrozenTrial]) {
        var loader = TrialLoader()
        try loader.run(db, scope)
        return (loader.refs, loader.trials)
    }

    private mutating func run(_ db: Database, _ scope: Scope) throws {
        let filter: String
        let arguments: StatementArguments
        switch scope {
        case .study(let study, let states):
            var condition = "t.study_id = ?"
            if let states {
                if states.isEmpty { return }
                let names = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
                condition += " AND t.state IN (\(names))"
                // Only unfinished states: the partial state index applies.
                if !states.contains(.complete) { condition += " AND t.state <> 'COMPLETE'" }
            }
            filter = condition
            arguments = [study.rawValue]
        case .trials(let ids):
            if ids.isEmpty { return }
            let list = Set(ids.map(\.rawValue)).map(String.init).joined(separator: ", ")
            filter = "t.trial_id IN (\(list))"
            arguments = []
        }
        let (index, ids) = try readTrials(db, filter: filter, arguments: arguments)
        if trials.isEmpty { return }
        let rows = try rowSource(db, ids: ids, filter: filter, arguments: arguments)
        try readParams(db, rows, index: index)
        try readValues(db, rows, index: index)
        try readSteps(db, rows, index: index)
        try readAttributes(db, filter: filter, arguments: arguments, index: index)
    }

    /// How the per-trial tables are read: joined to the selected trials (an index seek per trial), or — when the
    /// selected trials are at least half of the trial ids in their range and half of all trials (ids count up
    /// from 1), e.g. a whole study in a store that holds mostly that study — by scanning each table over the id range in storage order, about twice as
    /// fast; rows of other trials are skipped through the id table.
    private struct RowSource {
        /// Scan the tables over this id range, else join them to the trials matching `filter`.
        let range: (low: Int64, high: Int64)?
        let filter: String
        let arguments: StatementArguments

        /// `FROM … WHERE …` for `table` under `alias`.
        func clause(_ table: String, _ alias: String) -> String {
            if range != nil { return "FROM \(table) \(alias) NOT INDEXED WHERE \(alias).trial_id BETWEEN ? AND ?" }
            return "FROM trials t JOIN \(table) \(alias) ON \(alias).trial_id = t.trial_id WHERE \(filter)"
        }
    }

    private func rowSource(_ db: Database, ids: (low: Int64, high: Int64), filter: String,
                           arguments: StatementArguments) throws -> RowSource {
        let selected = Int64(trials.count)
        let largestID = try Int64.fetchOne(db, sql: "SELECT MAX(trial_id) FROM trials") ?? 0
        if selected * 2 >= ids.high - ids.low + 1, selected * 2 >= largestID {
            return RowSource(range: ids, filter: filter, arguments: [ids.low, ids.high])
        }
        return RowSource(range: nil, filter: filter, arguments: arguments)
    }

    /// Runs `sql` and calls `body` with the raw columns of each row.
    private func forEachRow(
        _ db: Database, _ sql: String, _ arguments: StatementArguments, _ body: (RawColumns) throws -> Void
    ) throws {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        let columns = RawColumns(statement)
        while try cursor.next() != nil { try body(columns) }
    }

    private mutating func readTrials(
        _ db: Database, filter: String, arguments: StatementArguments
    ) throws -> (TrialIndex, (low: Int64, high: Int64)) {
        var ids: [Int64] = []
        try forEachRow(db, """
            SELECT t.trial_id, t.study_id, t.number, t.state, t.datetime_start, t.datetime_complete FROM trials t
            WHERE \(filter) ORDER BY t.study_id, t.trial_id
            """, arguments) { row in
            let id = row.int64(0)
            guard let state = row.bytes(3).flatMap(Self.state) else {
                throw StoreError(.invalidValue, "trials.state of trial id \(id) is '\(row.string(3))'; expected one of "
                    + TrialState.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let start = row.bytes(4).flatMap(OptunaDateTime.parse(bytes:))
            let end = row.bytes(5).flatMap(OptunaDateTime.parse(bytes:))
            let number = row.isNull(2) ? trials.count : Int(row.int64(2))
            ids.append(id)
            refs.append(TrialRef(id: TrialID(rawValue: id), study: StudyID(rawValue: row.int64(1)), number: number))
            trials.append(FrozenTrial(number: number, state: state, startedAt: start, completedAt: end))
        }
        // Rows come in index order (study, id), which avoids a sort in SQLite; Optuna numbers a study's trials
        // in id order, so they are almost always in number order already.
        let ordered = refs.indices.dropFirst().allSatisfy { i in
            (refs[i - 1].study.rawValue, refs[i - 1].number) <= (refs[i].study.rawValue, refs[i].number)
        }
        if !ordered {
            let order = refs.indices.sorted { a, b in
                (refs[a].study.rawValue, refs[a].number, refs[a].id.rawValue)
                    < (refs[b].study.rawValue, refs[b].number, refs[b].id.rawValue)
            }
            refs = order.map { refs[$0] }
            trials = order.map { trials[$0] }
            ids = order.map { ids[$0] }
        }
        return (TrialIndex(ids), (ids.min() ?? 0, ids.max() ?? 0))
    }

    private static func state(_ name: UnsafeRawBufferPointer) -> TrialState? {
        if RawColumns.equal(name, "COMPLETE") { return .complete }
        if RawColumns.equal(name, "RUNNING") { return .running }
        if RawColumns.equal(name, "PRUNED") { return .pruned }
        if RawColumns.equal(name, "FAIL") { return .fail }
        if RawColumns.equal(name, "WAITING") { return .waiting }
        return nil
    }

    /// Parameters, in internal representation, turned external through their distribution. A trial's rows
    /// usually arrive together (the join walks trials, then each trial's parameters; a scan finds a trial's rows
    /// side by side when they were written in one operation), so its dictionaries are built once at full size;
    /// a trial whose rows come in several runs is merged.
    private mutating func readParams(_ db: Database, _ rows: RowSource, index: TrialIndex) throws {
        var pending = PendingParams()
        try forEachRow(db, """
            SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json \(rows.clause("trial_params", "p"))
            """, rows.arguments) { row in
            guard let i = index.position(of: row.int64(0)) else { return }
            if i != pending.trial { flush(&pending, next: i) }
            let name = names.id(of: row.bytes(1) ?? UnsafeRawBufferPointer(start: nil, count: 0))
            let json = row.bytes(3) ?? UnsafeRawBufferPointer(start: nil, count: 0)
            let distribution = try distributions.id(of: json, name: name) {
                "distribution_json of parameter '\(names.strings[Int(name)])' of trial \(trials[i].number)"
            }
            pending.append(name: name, distribution: distribution, value: row.double(2) ?? .nan)
        }
        flush(&pending, next: -1)
    }

    private mutating func flush(_ pending: inout PendingParams, next: Int) {
        defer { pending.reset(trial: next) }
        let i = pending.trial
        guard i >= 0, !pending.names.isEmpty else { return }
        var params = [String: ParamValue](minimumCapacity: pending.names.count)
        for k in pending.names.indices {
            let distribution = distributions.values[Int(pending.distributions[k])]
            params[names.strings[Int(pending.names[k])]] = distribution.toExternal(pending.values[k])
        }
        if trials[i].params.isEmpty {
            trials[i].params = params
            trials[i].distributions = distributions.dictionary(names: pending.names, ids: pending.distributions,
                                                               strings: names.strings)
        } else {  // the trial's rows came in two runs (only with an unusual query plan)
            trials[i].params.merge(params) { _, new in new }
            for k in pending.names.indices {
                trials[i].distributions[names.strings[Int(pending.names[k])]] =
                    distributions.values[Int(pending.distributions[k])]
            }
        }
    }

    /// Objective values.
    private mutating func readValues(_ db: Database, _ rows: RowSource, index: TrialIndex) throws {
        try forEachRow(db, """
            SELECT v.trial_id, v.objective, v.value, v.value_type \(rows.clause("trial_values", "v"))
            """, rows.arguments) { row in
            guard let i = index.position(of: row.int64(0)) else { return }
            let objective = Int(row.int64(1))
            let value = row.storedDouble(value: 2, type: 3)
            if objective == 0, trials[i].values == nil {
                trials[i].values = [value]
                return
            }
            var list = trials[i].values ?? []
            trials[i].values = nil  // keep the array uniquely referenced
            while list.count <= objective { list.append(.nan) }
            list[objective] = value
            trials[i].values = list
        }
    }

    /// Intermediate values, one dictionary per trial built at full size.
    private mutating func readSteps(_ db: Database, _ rows: RowSource, index: TrialIndex) throws {
        var current = -1
        var steps: [(step: Int, value: Double)] = []
        func store(_ trials: inout [FrozenTrial]) {
            guard current >= 0, !steps.isEmpty else { return }
            var dictionary = trials[current].intermediateValues
            dictionary.reserveCapacity(dictionary.count + steps.count)
            for (step, value) in steps { dictionary[step] = value }
            trials[current].intermediateValues = dictionary
            steps.removeAll(keepingCapacity: true)
        }
        try forEachRow(db, """
            SELECT iv.trial_id, iv.step, iv.intermediate_value, iv.intermediate_value_type
            \(rows.clause("trial_intermediate_values", "iv"))
            """, rows.arguments) { row in
            guard let i = index.position(of: row.int64(0)) else { return }
            if i != current {
                store(&trials)
                current = i
            }
            steps.append((Int(row.int64(1)), row.storedDouble(value: 2, type: 3)))
        }
        store(&trials)
    }

    /// User and system attributes (JSON text, parsed per row: they are few).
    private mutating func readAttributes(
        _ db: Database, filter: String, arguments: StatementArguments, index: TrialIndex
    ) throws {
        for (table, isUser) in [("trial_user_attributes", true), ("trial_system_attributes", false)] {
            try forEachRow(db, """
                SELECT a.trial_id, a."key", a.value_json FROM trials t JOIN \(table) a ON a.trial_id = t.trial_id
                WHERE \(filter)
                """, arguments) { row in
                guard let i = index.position(of: row.int64(0)) else { return }
                let key = row.string(1)
                let json = row.isNull(2) ? "null" : row.string(2)
                let value = try AttributeJSON.decode(json, context: "\(table) '\(key)' of trial \(trials[i].number)")
                if isUser { trials[i].userAttributes[key] = value } else { trials[i].systemAttributes[key] = value }
            }
        }
    }
}

/// The parameter rows of the trial being read.
private struct PendingParams {
    var trial = -1
    var names: [Int32] = []
    var distributions: [Int32] = []
    var values: [Double] = []

    mutating func append(name: Int32, distribution: Int32, value: Double) {
        names.append(name)
        distributions.append(distribution)
        values.append(value)
    }

    mutating func reset(trial: Int) {
        self.trial = trial
        names.removeAll(keepingCapacity: true)
        distributions.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}

/// Trial id → position in the loaded array: a flat table when the ids are dense (a study swept wrote), a
/// dictionary otherwise.
struct TrialIndex {
    private let base: Int64
    private let table: [Int32]
    private let sparse: [Int64: Int]

    init(_ ids: [Int64]) {
        let low = ids.min() ?? 0
        let high = ids.max() ?? 0
        if high - low < Int64(ids.count) * 4 + 1024 {
            var table = [Int32](repeating: -1, count: Int(high - low + 1))
            for (position, id) in ids.enumerated() { table[Int(id - low)] = Int32(position) }
            (base, self.table, sparse) = (low, table, [:])
        } else {
            var sparse: [Int64: Int] = [:]
            for (position, id) in ids.enumerated() { sparse[id] = position }
            (base, table, self.sparse) = (0, [], sparse)
        }
    }

    @inline(__always)
    func position(of id: Int64) -> Int? {
        if table.isEmpty { return sparse[id] }
        let offset = id - base
        guard offset >= 0, offset < Int64(table.count) else { return nil }
        let position = table[Int(offset)]
        return position >= 0 ? Int(position) : nil
    }
}
