import Foundation
import SweptTuning
import Yams

/// A YAML node together with where it came from (file, line, column) and its dotted field path, with typed
/// readers that throw `ConfigError`s naming all three.
struct ConfigNode {
    let node: Node
    let path: String
    let file: String

    /// An error located at this node.
    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line, column: node.mark?.column, field: path, message: message)
    }

    /// The child path for `key`.
    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A short rendering of what the node holds, for "got …" in messages.
    var shown: String {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, isNullText(scalar.string) { return "nothing (null)" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(37)) + "..." : scalar.string
            return "'\(text)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Whether the node is a list.
    var isList: Bool { node.sequence != nil }

    /// The raw text of a scalar node (any style), or `nil`.
    var scalarText: String? { node.scalar?.string }

    /// Whether the node is a plain `null`, `~` or empty scalar.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return isNullText(scalar.string)
    }

    private func isNullText(_ text: String) -> Bool { ["", "~", "null", "Null", "NULL"].contains(text) }

    /// The node as a mapping whose keys must all be in `allowed` (unknown keys get a "did you mean").
    func mapping(allowed: [String], what: String = "a mapping") throws -> ConfigMapping {
        guard case .mapping(let mapping) = node else { throw error("expected \(what), got \(shown)") }
        var entries: [ConfigMapping.Entry] = []
        for (keyNode, valueNode) in mapping {
            let keyAt = ConfigNode(node: keyNode, path: path, file: file)
            guard case .scalar(let keyScalar) = keyNode else { throw keyAt.error("keys must be plain names") }
            let key = keyScalar.string
            let at = ConfigNode(node: keyNode, path: childPath(key), file: file)
            if entries.contains(where: { $0.key == key }) { throw at.error("key '\(key)' appears twice") }
            if !allowed.isEmpty, !allowed.contains(key) {
                let hint = EditDistance.hint(for: key, among: allowed)
                throw at.error(
                    "unknown key '\(key)'\(hint); expected one of: \(allowed.joined(separator: ", "))"
                )
            }
            entries.append(.init(key: key, keyNode: at, value: ConfigNode(node: valueNode, path: at.path, file: file)))
        }
        return ConfigMapping(owner: self, entries: entries)
    }

    /// The node as a list.
    func list(what: String = "a list") throws -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw error("expected \(what), got \(shown)") }
        return sequence.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// The node as a non-empty string (any scalar style).
    func string(what: String = "a string") throws -> String {
        guard case .scalar(let scalar) = node, !isNull, !scalar.string.isEmpty else {
            throw error("expected \(what), got \(shown)")
        }
        return scalar.string
    }

    /// The node as one of `choices` (with a "did you mean" for near misses).
    func choice(_ choices: [String], what: String) throws -> String {
        let value = try string(what: what)
        guard choices.contains(value) else {
            let hint = EditDistance.hint(for: value, among: choices)
            throw error("unknown \(what) '\(value)'\(hint); expected one of: \(choices.joined(separator: ", "))")
        }
        return value
    }

    /// The node as a finite number (an unquoted int or float such as `3`, `0.5`, `1e-4`).
    func double(what: String = "a number") throws -> Double {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            let value = Double(scalar.string.replacingOccurrences(of: "_", with: "")), value.isFinite
        else { throw error("expected \(what), got \(shown)") }
        return value
    }

    /// The node as an integer (an unquoted whole number; `1e3` is accepted when whole).
    func int(what: String = "an integer") throws -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            throw error("expected \(what), got \(shown)")
        }
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        if let value = Int(text) { return value }
        if let value = Double(text), value.isFinite, value == value.rounded(), abs(value) < 9.0e18 {
            return Int(value)
        }
        throw error("expected \(what), got \(shown)")
    }

    /// An integer that must be at least `minimum`.
    func int(atLeast minimum: Int) throws -> Int {
        let value = try int(what: "an integer >= \(minimum)")
        guard value >= minimum else { throw error("expected an integer >= \(minimum), got \(value)") }
        return value
    }

    /// The node as `true` or `false`.
    func bool() throws -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            throw error("expected true or false, got \(shown)")
        }
        switch scalar.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error("expected true or false, got \(shown)")
        }
    }

    /// The node as a duration in seconds: `90s`, `30m`, `1h30m`, `250ms`, `2.5h` or a bare number of seconds.
    func duration() throws -> Double {
        let expected = "a duration such as 90s, 30m, 1h30m, 250ms or a number of seconds"
        guard case .scalar(let scalar) = node, !isNull else { throw error("expected \(expected), got \(shown)") }
        guard let seconds = DurationText.seconds(scalar.string), seconds > 0 else {
            throw error("expected \(expected) (> 0), got \(shown)")
        }
        return seconds
    }

    /// The node as a parameter value: a plain scalar resolves to int, float, bool or null; a quoted one is a
    /// string.
    func paramValue() throws -> ParamValue {
        guard case .scalar(let scalar) = node else {
            throw error("expected a scalar value (string, number, bool or null), got \(shown)")
        }
        let text = scalar.string
        guard scalar.style == .plain else { return .string(text) }
        if isNull { return .null }
        if let value = Int(text) { return .int(value) }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let value = Double(text), value.isFinite, text.contains(where: { ".eE".contains($0) }) {
            return .float(value)
        }
        return .string(text)
    }
}

/// A YAML mapping's entries in file order, each with its located key and value.
struct ConfigMapping {
    struct Entry {
        let key: String
        let keyNode: ConfigNode
        let value: ConfigNode
    }

    let owner: ConfigNode
    let entries: [Entry]

    /// The value at `key`, or `nil` when absent (an explicit `null` counts as absent).
    subscript(_ key: String) -> ConfigNode? {
        guard let entry = entries.first(where: { $0.key == key }), !entry.value.isNull else { return nil }
        return entry.value
    }

    /// The value at `key`, or an error at the mapping saying what the key should hold.
    func required(_ key: String, _ expected: String) throws -> ConfigNode {
        guard let value = self[key] else {
            throw owner.error("missing required key '\(key)' (\(expected))")
        }
        return value
    }

    /// Whether `key` is present (even with a null value).
    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }
}
