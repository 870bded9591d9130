/// Elementwise and reduction kernels over raw buffers: plain loops that the optimizer vectorizes
/// (`swept-bench train` measures one against a variant that cannot vectorize).
enum ElementwiseKernels {
    /// `out[j] = Σ_i g[i, j]` over a `rows × columns` row-major block (bias gradients).
    static func columnSums(_ g: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = g + r * columns
            for j in 0..<columns { out[j] += row[j] }
        }
    }

    /// `x[i] *= y[i]`.
    static func multiply(_ x: UnsafeMutablePointer<Float>, by y: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { x[i] *= y[i] }
    }

    /// `y[i] += alpha * x[i]`.
    static func addScaled(_ alpha: Float, _ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += alpha * x[i] }
    }

    /// Fused bias + relu over a `rows × columns` block in place: the kernel the benchmark measures.
    static func biasRelu(_ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let row = z + r * columns
            for j in 0..<columns {
                let v = row[j] + bias[j]
                row[j] = v > 0 ? v : 0
            }
        }
    }

    /// The same computation with an early exit inside the loop, which LLVM's loop vectorizer cannot handle with
    /// stores: one element per iteration. Only the benchmark uses it, as the scalar reference.
    static func biasReluScalar(
        _ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int, stopAt: Float
    ) -> Bool {
        for r in 0..<rows {
            let row = z + r * columns
            for j in 0..<columns {
                let v = row[j] + bias[j]
                let a = v > 0 ? v : 0
                row[j] = a
                if a == stopAt { return true }
            }
        }
        return false
    }
}

extension Matrix {
    /// Elementwise sum; throws naming both shapes when they differ.
    public static func + (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        try lhs.zipped(with: rhs, operation: "+") { $0 + $1 }
    }

    /// Elementwise difference; throws naming both shapes when they differ.
    public static func - (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        try lhs.zipped(with: rhs, operation: "-") { $0 - $1 }
    }

    /// Elementwise (Hadamard) product; throws naming both shapes when they differ.
    public func hadamard(_ other: Matrix) throws -> Matrix {
        try zipped(with: other, operation: "hadamard") { $0 * $1 }
    }

    /// Every element multiplied by `factor`.
    public func scaled(by factor: Float) -> Matrix {
        var out = self
        out.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] *= factor }
        }
        return out
    }

    /// Adds `bias` to every row; throws when `bias.count` differs from `columns`.
    public func addingRowVector(_ bias: [Float]) throws -> Matrix {
        guard bias.count == columns else {
            throw LearnError.shape(
                "row vector of \(bias.count) elements added to \(shapeDescription): expected \(columns)")
        }
        var out = self
        let rows = rows, columns = columns
        out.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { b in
                guard let base = p.baseAddress, let bb = b.baseAddress else { return }
                for r in 0..<rows {
                    let row = base + r * columns
                    for j in 0..<columns { row[j] += bb[j] }
                }
            }
        }
        return out
    }

    /// Sum of all elements (accumulated in `Double`).
    public func sum() -> Double {
        values.withUnsafeBufferPointer { p in
            var total: Double = 0
            for v in p { total += Double(v) }
            return total
        }
    }

    /// Column sums, one per column.
    public func columnSums() -> [Float] {
        var out = [Float](repeating: 0, count: columns)
        let rows = rows, columns = columns
        values.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                guard let base = p.baseAddress, let ob = o.baseAddress else { return }
                ElementwiseKernels.columnSums(base, rows: rows, columns: columns, into: ob)
            }
        }
        return out
    }

    /// The index of the largest element of each row.
    public func rowArgmax() -> [Int32] {
        var out = [Int32](repeating: 0, count: rows)
        for r in 0..<rows {
            var best = 0
            for c in 1..<max(columns, 1) where self[r, c] > self[r, best] { best = c }
            out[r] = Int32(best)
        }
        return out
    }

    /// Applies `activation` to every element.
    public func applying(_ activation: Activation) -> Matrix {
        var out = self
        var pre = values
        let zeros = [Float](repeating: 0, count: columns)
        let rows = rows, columns = columns
        out.withUnsafeMutableBufferPointer { p in
            zeros.withUnsafeBufferPointer { b in
                pre.withUnsafeMutableBufferPointer { z in
                    guard let base = p.baseAddress, let bias = b.baseAddress, let zb = z.baseAddress else { return }
                    ActivationKernels.forward(activation, z: zb, bias: bias, a: base, rows: rows, columns: columns)
                }
            }
        }
        return out
    }

    private func zipped(with other: Matrix, operation: String, _ f: (Float, Float) -> Float) throws -> Matrix {
        guard rows == other.rows, columns == other.columns else {
            throw LearnError.shape(
                "\(operation): shapes \(shapeDescription) and \(other.shapeDescription) differ; expected equal shapes")
        }
        var out = self
        other.values.withUnsafeBufferPointer { q in
            out.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] = f(p[i], q[i]) }
            }
        }
        return out
    }
}
