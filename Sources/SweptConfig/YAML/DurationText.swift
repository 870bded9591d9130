import Foundation

/// Parses durations written as `250ms`, `90s`, `30m`, `2h`, `1h30m`, `1.5h` or a bare number of seconds.
public enum DurationText {
    /// The duration in seconds, or `nil` when `text` is not a duration.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if let plain = Double(trimmed) { return plain.isFinite ? plain : nil }
        var total = 0.0
        var number = ""
        var unit = ""
        var parts: [(Double, String)] = []
        func flush() -> Bool {
            guard let value = Double(number), !unit.isEmpty else { return false }
            parts.append((value, unit))
            number = ""
            unit = ""
            return true
        }
        for character in trimmed {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        guard flush() else { return nil }
        for (value, unit) in parts {
            switch unit {
            case "ms": total += value / 1000
            case "s": total += value
            case "m", "min": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86400
            default: return nil
            }
        }
        return total.isFinite ? total : nil
    }

    /// A short rendering such as `30m`, `1h30m` or `2.5s`.
    public static func format(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        let whole = Int(seconds)
        if Double(whole) != seconds { return "\(seconds)s" }
        let hours = whole / 3600, minutes = whole % 3600 / 60, rest = whole % 60
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if rest > 0 || text.isEmpty { text += "\(rest)s" }
        return text
    }
}
