import Foundation
import GRDB
import SweptTuning

/// Reads trials in bulk — a whole study, or chosen trials — with one pass per table and each distinct
/// distribution JSON parsed once. This is what makes loading a 100,000-trial study take well under a second.
struct TrialLoader {
    /// Which trials to read.
    enum Scope {
        /// Every trial of a study (optionally only some states).
        case study(StudyID, states: Set<TrialState>?)
        /// These trials (any order; the result follows `trials.number` within each study).
        case trials([TrialID])
    }

    private var distributions: [String: Distribution] = [:]
    /// The last distribution JSON seen per parameter name, compared as bytes so that the common case (every
    /// trial of a study shares one distribution per name) allocates no string.
    private var lastByName: [String: (json: [UInt8], distribution: Distribution)] = [:]

    /// Loads the trials of `scope`, ordered by study then number.
    static func load(_ db: Database, _ scope: Scope) throws -> [StoredTrial] {
        var loader = TrialLoader()
        return try loader.run(db, scope)
    }

    private mutating func run(_ db: Database, _ scope: Scope) throws -> [StoredTrial] {
        let trialFilter: String
        let joinFilter: String
        let arguments: StatementArguments
        switch scope {
        case .study(let study, let states):
            var condition = "t.study_id = ?"
            if let states {
                if states.isEmpty { return [] }
                let names = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
                condition += " AND t.state IN (\(names))"
            }
            trialFilter = condition
            joinFilter = condition
            arguments = [study.rawValue]
        case .trials(let ids):
            if ids.isEmpty { return [] }
            let list = Set(ids.map(\.rawValue)).map(String.init).joined(separator: ", ")
            trialFilter = "t.trial_id IN (\(list))"
            joinFilter = trialFilter
            arguments = []
        }

        // Trials.
        var refs: [TrialRef] = []
        var trials: [FrozenTrial] = []
        var ids: [Int64] = []
        let trialRows = try Row.fetchCursor(db, sql: """
            SELECT t.trial_id, t.study_id, t.number, t.state, t.datetime_start, t.datetime_complete FROM trials t
            WHERE \(trialFilter) ORDER BY t.study_id, t.number
            """, arguments: arguments)
        while let row = try trialRows.next() {
            let id: Int64 = row[0]
            let stateName: String = row[3]
            guard let state = TrialState(rawValue: stateName) else {
                throw StoreError(.invalidValue, "trials.state of trial id \(id) is '\(stateName)'; expected one of "
                    + TrialState.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let start = try row.withUnsafeData(atIndex: 4) { $0.flatMap(Self.datetime) }
            let end = try row.withUnsafeData(atIndex: 5) { $0.flatMap(Self.datetime) }
            let number: Int = row[2] ?? trials.count
            ids.append(id)
            refs.append(TrialRef(id: TrialID(rawValue: id), study: StudyID(rawValue: row[1]), number: number))
            trials.append(FrozenTrial(number: number, state: state, startedAt: start, completedAt: end))
        }
        if trials.isEmpty { return [] }
        let index = TrialIndex(ids)

        // Parameters, in internal representation, turned external through their distribution.
        let params = try Row.fetchCursor(db, sql: """
            SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json FROM trials t
            JOIN trial_params p ON p.trial_id = t.trial_id WHERE \(joinFilter)
            """, arguments: arguments)
        while let row = try params.next() {
            let id: Int64 = row[0]
            guard let i = index.position(of: id) else { continue }
            let name: String = row[1] ?? ""
            let internalValue: Double = row[2] ?? .nan
            let distribution = try row.withUnsafeData(atIndex: 3) { data -> Distribution in
                let bytes = data ?? Data()
                if let last = lastByName[name], Self.sameBytes(last.json, bytes) { return last.distribution }
                let json = String(decoding: bytes, as: UTF8.self)
                let parsed = try self.distribution(json, trial: trials[i].number, name: name)
                lastByName[name] = (Array(bytes), parsed)
                return parsed
            }
            trials[i].distributions[name] = distribution
            trials[i].params[name] = distribution.toExternal(internalValue)
        }

        // Objective values.
        let values = try Row.fetchCursor(db, sql: """
            SELECT v.trial_id, v.objective, v.value, v.value_type FROM trials t
            JOIN trial_values v ON v.trial_id = t.trial_id WHERE \(joinFilter) ORDER BY v.trial_id, v.objective
            """, arguments: arguments)
        while let row = try values.next() {
            let id: Int64 = row[0]
            guard let i = index.position(of: id) else { continue }
            let objective: Int = row[1]
            let value = StoredDouble.decode(row[2], type: row[3] ?? "FINITE")
            var list = trials[i].values ?? []
            while list.count <= objective { list.append(.nan) }
            list[objective] = value
            trials[i].values = list
        }

        // Intermediate values.
        let steps = try Row.fetchCursor(db, sql: """
            SELECT iv.trial_id, iv.step, iv.intermediate_value, iv.intermediate_value_type FROM trials t
            JOIN trial_intermediate_values iv ON iv.trial_id = t.trial_id WHERE \(joinFilter)
            """, arguments: arguments)
        while let row = try steps.next() {
            let id: Int64 = row[0]
            guard let i = index.position(of: id) else { continue }
            let step: Int = row[1]
            trials[i].intermediateValues[step] = StoredDouble.decode(row[2], type: row[3] ?? "FINITE")
        }

        // Attributes.
        for (table, isUser) in [("trial_user_attributes", true), ("trial_system_attributes", false)] {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.trial_id, a."key", a.value_json FROM trials t JOIN \(table) a ON a.trial_id = t.trial_id
                WHERE \(joinFilter)
                """, arguments: arguments)
            while let row = try rows.next() {
                let id: Int64 = row[0]
                guard let i = index.position(of: id) else { continue }
                let key: String = row[1] ?? ""
                let value = try AttributeJSON.decode(row[2] ?? "null",
                                                     context: "\(table) '\(key)' of trial \(trials[i].number)")
                if isUser { trials[i].userAttributes[key] = value } else { trials[i].systemAttributes[key] = value }
            }
        }
        return zip(refs, trials).map { StoredTrial(ref: $0, trial: $1) }
    }

    private static func datetime(_ data: Data) -> Double? {
        data.withUnsafeBytes { OptunaDateTime.parse(bytes: $0) }
    }

    private static func sameBytes(_ a: [UInt8], _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return false }
                return memcmp(x, y, pb.count) == 0
            }
        }
    }

    private mutating func distribution(_ json: String, trial: Int, name: String) throws -> Distribution {
        if let known = distributions[json] { return known }
        let context = "distribution_json of parameter '\(name)' of trial \(trial)"
        let parsed = try DistributionJSON.decode(json, context: context)
        distributions[json] = parsed
        return parsed
    }
}

/// Trial id → position in the loaded array: a flat table when the ids are dense (a study swept wrote), a
/// dictionary otherwise.
private struct TrialIndex {
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
