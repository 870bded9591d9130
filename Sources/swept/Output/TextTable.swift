/// An aligned plain-text table: a header row and rows of cells, columns padded to their widest cell.
///
/// Widths count visible characters, so cells may carry ANSI colours.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        let title: String
        let alignment: Alignment
    }

    let columns: [Column]
    private(set) var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { Column(title: $0.0, alignment: $0.1) }
    }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as lines; the header is bold when `style` is enabled. The last column is not padded.
    func rendered(style: TerminalStyle) -> String {
        var widths = columns.map { Self.visibleWidth($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.visibleWidth(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, column) in columns.enumerated() {
                let cell = index < cells.count ? cells[index] : ""
                let padding = String(repeating: " ", count: max(0, widths[index] - Self.visibleWidth(cell)))
                if index == columns.count - 1, column.alignment == .left {
                    parts.append(cell)
                } else {
                    parts.append(column.alignment == .left ? cell + padding : padding + cell)
                }
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let header = style.bold(line(columns.map(\.title)))
        return ([header] + rows.map(line)).joined(separator: "\n")
    }

    /// Characters outside ANSI escape sequences.
    static func visibleWidth(_ text: String) -> Int {
        var count = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }
}

/// A block of `key: value` lines with the keys aligned.
struct KeyValueBlock {
    private(set) var lines: [(String, String)] = []

    mutating func add(_ key: String, _ value: String) { lines.append((key, value)) }

    func rendered(style: TerminalStyle) -> String {
        let width = lines.map { $0.0.count }.max() ?? 0
        return lines.map { key, value in
            style.bold(key + ":") + String(repeating: " ", count: width - key.count + 1) + value
        }.joined(separator: "\n")
    }
}
