import Foundation
import SweptStore
import SweptTuning

/// How trials, values and parameters look in tables and in JSON (shapes documented in docs/cli.md).
enum TrialPresentation {
    /// A value for a table: 6 significant digits, `-` when missing.
    static func value(_ value: Double?) -> String {
        guard let value else { return "-" }
        if !value.isFinite { return "\(value)" }
        return String(format: "%.6g", value)
    }

    /// A trial's value(s) for a table: one number, or numbers separated by `, `.
    static func values(_ trial: FrozenTrial) -> String {
        guard let values = trial.values, !values.isEmpty else { return "-" }
        return values.map(value).joined(separator: ", ")
    }

    /// A parameter value for a table (`0.00123`, `64`, `relu`, `true`).
    static func param(_ value: ParamValue) -> String {
        switch value {
        case .float(let number): return String(format: "%.4g", number)
        case .int(let number): return "\(number)"
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    /// `name=value` pairs in name order.
    static func params(_ params: [String: ParamValue]) -> String {
        params.keys.sorted().map { "\($0)=\(param(params[$0] ?? .null))" }.joined(separator: " ")
    }

    /// Wall-clock seconds from start to completion (or to `now` while running).
    static func duration(_ trial: FrozenTrial, now: Double = Date().timeIntervalSince1970) -> Double? {
        guard let start = trial.startedAt else { return nil }
        if let end = trial.completedAt { return end - start }
        return trial.state == .running ? now - start : nil
    }

    static func json(_ value: ParamValue) -> JSONText {
        switch value {
        case .float(let number): return .finite(number)
        case .int(let number): return .int(number)
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        }
    }

    static func json(_ value: AttributeValue) -> JSONText {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .finite(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(json))
        case .object(let fields): return .object(fields.keys.sorted().map { ($0, json(fields[$0] ?? .null)) })
        }
    }

    /// The trial object of `--json` output: `number`, `state`, `value` (one objective) or `values` (several),
    /// `params`, `started_at`, `completed_at`, `duration_seconds`, `last_step`.
    static func json(_ trial: FrozenTrial, objectives: Int) -> [(String, JSONText)] {
        var fields: [(String, JSONText)] = [("number", .int(trial.number)), ("state", .string(trial.state.rawValue))]
        if objectives == 1 {
            fields.append(("value", .finite(trial.values?.first)))
        } else {
            fields.append(("values", trial.values.map { .array($0.map { .finite($0) }) } ?? .null))
        }
        fields.append(("params", .object(trial.params.keys.sorted().map { ($0, json(trial.params[$0] ?? .null)) })))
        fields.append(("started_at", .timestamp(trial.startedAt)))
        fields.append(("completed_at", .timestamp(trial.completedAt)))
        fields.append(("duration_seconds", .finite(duration(trial))))
        fields.append(("last_step", trial.lastStep.map { .int($0) } ?? .null))
        return fields
    }

    /// A trials table (`#`, state, value(s), duration, last step, params).
    static func table(_ trials: [FrozenTrial], style: TerminalStyle) -> TextTable {
        var table = TextTable([
            ("#", .right), ("STATE", .left), ("VALUE", .right), ("DURATION", .right), ("STEP", .right),
            ("PARAMS", .left),
        ])
        for trial in trials {
            table.add([
                "\(trial.number)", style.state(trial.state), values(trial), TimeText.duration(duration(trial)),
                trial.lastStep.map { "\($0)" } ?? "-", params(trial.params),
            ])
        }
        return table
    }

    /// Lower-case direction names (`minimize`, `maximize`).
    static func directions(_ directions: [StudyDirection]) -> String {
        directions.map { $0.rawValue.lowercased() }.joined(separator: ", ")
    }

    static func directionsJSON(_ directions: [StudyDirection]) -> JSONText {
        .array(directions.map { .string($0.rawValue.lowercased()) })
    }

    /// Counts by state in a fixed order, as a JSON object.
    static func countsJSON(_ counts: [TrialState: Int]) -> JSONText {
        let order: [TrialState] = [.complete, .pruned, .fail, .running, .waiting]
        return .object([("total", .int(counts.values.reduce(0, +)))]
            + order.map { ($0.rawValue.lowercased(), .int(counts[$0] ?? 0)) })
    }
}
