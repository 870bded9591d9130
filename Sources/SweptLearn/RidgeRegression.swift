/// Closed-form ridge regression: minimizes `‖X·W + b − Y‖² + alpha·‖W‖²` exactly, with an unpenalized
/// intercept (features and targets are centred first). The Gram matrix comes from sgemm; the solve is a Cholesky
/// factorization in `Double`. Returns a linear-regression `NeuralNetwork`, so prediction, metrics and safetensors
/// work as for trained models.
public enum RidgeRegression {
    /// Fits the model. Throws when `alpha` is negative or not finite, when the dataset has class labels, or when the
    /// system is singular (with `alpha == 0` and collinear features; the message suggests `alpha > 0`).
    public static func fit(_ data: Dataset, alpha: Float) throws -> NeuralNetwork {
        guard alpha >= 0, alpha.isFinite else {
            throw LearnError.parameter("ridge alpha \(alpha): expected a finite number ≥ 0")
        }
        guard case .values(let targets) = data.targets else {
            throw LearnError.data("ridge regression needs real-valued targets; the dataset has class labels")
        }
        let n = data.rowCount, d = data.featureCount, k = targets.columns
        let featureMeans = data.features.columnSums().map { Double($0) / Double(n) }
        let targetMeans = targets.columnSums().map { Double($0) / Double(n) }
        var centred = data.features
        centred.withUnsafeMutableBufferPointer { x in
            for r in 0..<n {
                for c in 0..<d { x[r * d + c] -= Float(featureMeans[c]) }
            }
        }
        let gram = try product(centred, centred, transposeA: true)  // d × d
        let cross = try product(centred, targets, transposeA: true)  // d × k (centring Y is not needed here)
        var a = gram.values.map(Double.init)
        for i in 0..<d { a[i * d + i] += Double(alpha) }
        try choleskyInPlace(&a, size: d, alpha: alpha)
        var weights = [Float](repeating: 0, count: d * k)
        for column in 0..<k {
            var rhs = (0..<d).map { Double(cross[$0, column]) }
            solveCholesky(a, size: d, &rhs)
            for i in 0..<d { weights[i * k + column] = Float(rhs[i]) }
        }
        let bias = (0..<k).map { column -> Float in
            var b = targetMeans[column]
            for i in 0..<d { b -= featureMeans[i] * Double(weights[i * k + column]) }
            return Float(b)
        }
        var model = try NeuralNetwork.linearRegression(inputCount: d, outputs: k)
        try model.setParameters(layer: 0, weights: Matrix(rows: d, columns: k, values: weights), bias: bias)
        return model
    }

    /// Lower-triangular Cholesky factor `L` (with `A = L·Lᵀ`) written over the lower triangle of `a`.
    static func choleskyInPlace(_ a: inout [Double], size d: Int, alpha: Float) throws {
        for j in 0..<d {
            var diagonal = a[j * d + j]
            for p in 0..<j { diagonal -= a[j * d + p] * a[j * d + p] }
            guard diagonal > 1e-12 else {
                throw LearnError.data(
                    "ridge regression: the system is singular at feature \(j) with alpha \(alpha); expected "
                        + "linearly independent features, or use alpha > 0")
            }
            let root = diagonal.squareRoot()
            a[j * d + j] = root
            for i in (j + 1)..<max(d, j + 1) {
                var value = a[i * d + j]
                for p in 0..<j { value -= a[i * d + p] * a[j * d + p] }
                a[i * d + j] = value / root
            }
        }
    }

    /// Solves `L·Lᵀ·x = b` in place given the factor from `choleskyInPlace`.
    static func solveCholesky(_ l: [Double], size d: Int, _ b: inout [Double]) {
        for i in 0..<d {
            var value = b[i]
            for p in 0..<i { value -= l[i * d + p] * b[p] }
            b[i] = value / l[i * d + i]
        }
        var i = d - 1
        while i >= 0 {
            var value = b[i]
            for p in (i + 1)..<max(d, i + 1) { value -= l[p * d + i] * b[p] }
            b[i] = value / l[i * d + i]
            i -= 1
        }
    }
}
