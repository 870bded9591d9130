/// Optuna's datetime columns: naive UTC text `YYYY-MM-DD HH:MM:SS.ffffff` (SQLAlchemy's SQLite format).
/// Times are seconds since 1970 UTC, as in `FrozenTrial`.
enum OptunaDateTime {
    /// Formats seconds since 1970 (UTC) with microseconds, e.g. `2026-11-26 22:59:59.653835`.
    static func format(_ seconds: Double) -> String {
        let micros = Int64((seconds * 1_000_000).rounded())
        var days = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_399_999_999) / 86_400_000_000
        var rest = micros - days * 86_400_000_000
        let hour = rest / 3_600_000_000
        rest -= hour * 3_600_000_000
        let minute = rest / 60_000_000
        rest -= minute * 60_000_000
        let second = rest / 1_000_000
        let micro = rest - second * 1_000_000
        // Civil-from-days (H. Hinnant).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else {
            return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(hour, 2) + ":"
                + pad(minute, 2) + ":" + pad(second, 2) + "." + pad(micro, 6)
        }
        // The usual case, written into the string's own 26 bytes (the applier formats two per trial).
        return String(unsafeUninitializedCapacity: 26) { bytes in
            func put(_ value: Int64, at start: Int, width: Int) {
                var rest = value
                for index in stride(from: start + width - 1, through: start, by: -1) {
                    bytes[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 0, width: 4)
            put(month, at: 5, width: 2)
            put(day, at: 8, width: 2)
            put(hour, at: 11, width: 2)
            put(minute, at: 14, width: 2)
            put(second, at: 17, width: 2)
            put(micro, at: 20, width: 6)
            bytes[4] = UInt8(ascii: "-")
            bytes[7] = UInt8(ascii: "-")
            bytes[10] = UInt8(ascii: " ")
            bytes[13] = UInt8(ascii: ":")
            bytes[16] = UInt8(ascii: ":")
            bytes[19] = UInt8(ascii: ".")
            return 26
        }
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` (also with a `T` separator) into seconds since 1970 UTC.
    static func parse(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { parse(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Parses the UTF-8 bytes of a datetime without making a string.
    static func parse(bytes: UnsafeRawBufferPointer) -> Double? {
        let utf8 = bytes
        if utf8.count < 19 { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in range {
                let c = utf8[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else {
            return nil
        }
        var micro: Int64 = 0
        if utf8.count > 20, utf8[19] == UInt8(ascii: ".") {
            let end = min(utf8.count, 26)
            guard let f = number(20..<end) else { return nil }
            micro = f
            for _ in end..<26 { micro *= 10 }
        }
        // Days-from-civil (H. Hinnant).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second
        return Double(secs) + Double(micro) / 1_000_000
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
