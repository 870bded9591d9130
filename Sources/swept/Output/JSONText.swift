import Foundation
import SweptTuning

/// A JSON value with ordered object keys, rendered the same way every time (the CLI's `--json` shapes are a
/// stable interface; see docs/cli.md).
indirect enum JSONText {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])

    /// A finite number, or `null` for NaN and infinities (which JSON cannot express).
    static func finite(_ value: Double?) -> JSONText {
        guard let value, value.isFinite else { return .null }
        return .number(value)
    }

    /// Seconds since 1970 as an ISO 8601 UTC timestamp, or `null`.
    static func timestamp(_ seconds: Double?) -> JSONText {
        guard let seconds else { return .null }
        return .string(TimeText.iso(seconds))
    }

    /// Pretty-printed text with two-space indentation.
    func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return "\(number)"
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(format: "%.1f", number) }
            return "\(number)"
        case .string(let text): return Self.quoted(text)
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n\(end)]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            let lines = fields.map { pad + Self.quoted($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(end)}"
        }
    }

    static func quoted(_ text: String) -> String { JSONStringLiteral.quoted(text) }
}

/// Time rendering shared by tables and JSON.
enum TimeText {
    /// `2026-11-26T23:40:12Z`-style UTC text (milliseconds when present).
    static func iso(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// `2026-11-26 23:40:12` in UTC, for tables.
    static func short(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// A compact duration: `850ms`, `12.3s`, `4m05s`, `2h03m`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60)
    }
}
