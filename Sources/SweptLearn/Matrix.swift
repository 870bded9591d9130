/// A dense row-major matrix of `Float` values with value semantics.
///
/// Element `(r, c)` lives at `values[r * columns + c]`. A vector is a matrix with one row or one column.
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements in row-major order; `values.count == rows * columns`.
    public private(set) var values: [Float]

    /// Creates a matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) throws {
        try Matrix.checkSize(rows: rows, columns: columns)
        self.rows = rows
        self.columns = columns
        self.values = [Float](repeating: value, count: rows * columns)
    }

    /// Creates a matrix from row-major values; `values.count` must equal `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) throws {
        try Matrix.checkSize(rows: rows, columns: columns)
        guard values.count == rows * columns else {
            throw LearnError.shape(
                "matrix values: expected \(rows) × \(columns) = \(rows * columns) elements, got \(values.count)")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Creates a matrix from an array of equally long rows.
    public init(_ rowArrays: [[Float]]) throws {
        let width = rowArrays.first?.count ?? 0
        for (index, row) in rowArrays.enumerated() where row.count != width {
            throw LearnError.shape("matrix row \(index): expected \(width) columns like row 0, got \(row.count)")
        }
        try self.init(rows: rowArrays.count, columns: width, values: rowArrays.flatMap { $0 })
    }

    /// Internal initializer for sizes already checked.
    init(uncheckedRows rows: Int, columns: Int, values: [Float]) {
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    static func checkSize(rows: Int, columns: Int) throws {
        guard rows >= 0, columns >= 0 else {
            throw LearnError.shape("matrix size \(rows) × \(columns): expected non-negative rows and columns")
        }
    }

    /// The shape as `rows × columns` text, used in error messages.
    public var shapeDescription: String { "\(rows) × \(columns)" }

    /// Element at row `row`, column `column`.
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A read-only view of the rows in `range`, sharing storage with this matrix.
    public func view(rows range: Range<Int>) throws -> MatrixView {
        guard range.lowerBound >= 0, range.upperBound <= rows else {
            throw LearnError.shape("row range \(range) of a \(shapeDescription) matrix: expected within 0..<\(rows)")
        }
        return MatrixView(base: self, rowRange: range)
    }

    /// A view of the whole matrix.
    public var fullView: MatrixView { MatrixView(base: self, rowRange: 0..<rows) }

    /// Row `index` as an array.
    public func row(_ index: Int) -> [Float] {
        Array(values[(index * columns)..<((index + 1) * columns)])
    }

    /// The transpose, materialized.
    public var transposed: Matrix {
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<rows {
            for c in 0..<columns {
                out[c * rows + r] = values[r * columns + c]
            }
        }
        return Matrix(uncheckedRows: columns, columns: rows, values: out)
    }

    /// Calls `body` with the elements' storage for fast reads.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements' storage for fast in-place writes.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try values.withUnsafeMutableBufferPointer(body)
    }

    public var description: String {
        "Matrix(\(shapeDescription))"
    }
}

/// A read-only window onto consecutive rows of a matrix. Products over views use the base storage without copying.
public struct MatrixView: Sendable {
    /// The matrix this view looks into.
    public let base: Matrix
    /// The rows of `base` that the view covers.
    public let rowRange: Range<Int>

    /// Number of rows in the view.
    public var rows: Int { rowRange.count }
    /// Number of columns (the base's).
    public var columns: Int { base.columns }
    /// The shape as `rows × columns` text.
    public var shapeDescription: String { "\(rows) × \(columns)" }

    /// Element at `(row, column)` relative to the view.
    public subscript(row: Int, column: Int) -> Float {
        base.values[(rowRange.lowerBound + row) * base.columns + column]
    }

    /// Copies the view into its own matrix.
    public func materialize() -> Matrix {
        let start = rowRange.lowerBound * base.columns
        let end = rowRange.upperBound * base.columns
        return Matrix(uncheckedRows: rows, columns: columns, values: Array(base.values[start..<end]))
    }

    /// Calls `body` with a pointer to the view's first element (row stride = `columns`).
    func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try base.values.withUnsafeBufferPointer { buffer in
            // An empty matrix has no base address; hand BLAS a valid dummy pointer that it will not read.
            guard let start = buffer.baseAddress else {
                var dummy: Float = 0
                return try body(&dummy)
            }
            return try body(start + rowRange.lowerBound * base.columns)
        }
    }
}
