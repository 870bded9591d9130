import CBLAS

/// OpenBLAS thread control and build information, for each training run to state and log.
public enum BLAS {
    /// The number of threads OpenBLAS uses for the next call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the OpenBLAS thread count. Every training run states its count so results are reproducible.
    public static func setThreadCount(_ count: Int) throws {
        guard count >= 1 else {
            throw LearnError.parameter("BLAS thread count \(count): expected at least 1")
        }
        openblas_set_num_threads(Int32(count))
    }

    /// Sets the thread count from a value already checked to be at least 1.
    static func setThreadCountUnchecked(_ count: Int) {
        openblas_set_num_threads(Int32(max(count, 1)))
    }

    /// The CPU core type OpenBLAS selected at load time (e.g. `Zen`), for tracking.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string, for tracking.
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }

    /// `C = alpha · op(A) · op(B) + beta · C` on raw row-major storage. Callers have checked the shapes.
    @inline(__always)
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

/// The matrix product `op(a) · op(b)`, where `op` optionally transposes without materializing the transpose.
///
/// Throws `LearnError.shapeMismatch` naming both shapes when the inner dimensions differ.
public func product(
    _ a: MatrixView, _ b: MatrixView, transposeA: Bool = false, transposeB: Bool = false
) throws -> Matrix {
    let (m, ka) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
    let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
    guard ka == kb else {
        throw LearnError.shape(
            "product: left \(transposeA ? "transposed " : "")\(a.shapeDescription) and right "
                + "\(transposeB ? "transposed " : "")\(b.shapeDescription) have inner dimensions \(ka) and \(kb); "
                + "expected them equal")
    }
    var out = [Float](repeating: 0, count: m * n)
    if m > 0, n > 0, ka > 0 {
        a.withPointer { pa in
            b.withPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    guard let c = pc.baseAddress else { return }
                    BLAS.sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: ka, alpha: 1,
                        a: pa, lda: a.columns, b: pb, ldb: b.columns, beta: 0, c: c, ldc: n)
                }
            }
        }
    }
    return Matrix(uncheckedRows: m, columns: n, values: out)
}

/// The matrix product `op(a) · op(b)` of two whole matrices.
public func product(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false) throws -> Matrix {
    try product(a.fullView, b.fullView, transposeA: transposeA, transposeB: transposeB)
}

/// The matrix–vector product `a · x` (sgemv). Throws when `x.count` differs from `a.columns`.
public func product(_ a: Matrix, _ x: [Float]) throws -> [Float] {
    guard x.count == a.columns else {
        throw LearnError.shape(
            "matrix–vector product: matrix \(a.shapeDescription) needs a vector of \(a.columns) elements, "
                + "got \(x.count)")
    }
    var y = [Float](repeating: 0, count: a.rows)
    guard a.rows > 0, a.columns > 0 else { return y }
    a.withUnsafeBufferPointer { pa in
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                cblas_sgemv(
                    CblasRowMajor, CblasNoTrans, Int32(a.rows), Int32(a.columns), 1, pa.baseAddress,
                    Int32(a.columns), px.baseAddress, 1, 0, py.baseAddress, 1)
            }
        }
    }
    return y
}

/// `y += alpha · x` (saxpy). Throws when the lengths differ.
public func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) throws {
    guard x.count == y.count else {
        throw LearnError.shape("axpy: x has \(x.count) elements and y has \(y.count); expected equal lengths")
    }
    guard !x.isEmpty else { return }
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
            cblas_saxpy(Int32(x.count), alpha, px.baseAddress, 1, py.baseAddress, 1)
        }
    }
}
