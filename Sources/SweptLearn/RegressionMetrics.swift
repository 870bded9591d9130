/// Regression metrics over all elements of predicted and actual target matrices.
public struct RegressionMetrics: Sendable, Equatable {
    /// Root mean squared error.
    public let rmse: Double
    /// Mean absolute error.
    public let mae: Double
    /// Coefficient of determination, `1 - SS_res / SS_tot`, averaged uniformly over target columns (as
    /// scikit-learn's `r2_score` does). A constant column counts 1 when predicted exactly, else 0.
    public let r2: Double

    /// Computes the metrics; throws naming both shapes when they differ or when there are no rows.
    public init(predicted: Matrix, actual: Matrix) throws {
        guard predicted.rows == actual.rows, predicted.columns == actual.columns else {
            throw LearnError.shape(
                "regression metrics: predicted \(predicted.shapeDescription) and actual \(actual.shapeDescription); "
                    + "expected equal shapes")
        }
        guard actual.rows > 0, actual.columns > 0 else {
            throw LearnError.data("regression metrics: no values; expected at least one row")
        }
        let n = actual.rows, k = actual.columns
        var squared: Double = 0
        var absolute: Double = 0
        var r2Sum: Double = 0
        for c in 0..<k {
            var mean: Double = 0
            for r in 0..<n { mean += Double(actual[r, c]) }
            mean /= Double(n)
            var residual: Double = 0
            var total: Double = 0
            for r in 0..<n {
                let y = Double(actual[r, c])
                let d = Double(predicted[r, c]) - y
                residual += d * d
                absolute += abs(d)
                total += (y - mean) * (y - mean)
            }
            squared += residual
            r2Sum += total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
        }
        let count = Double(n * k)
        rmse = (squared / count).squareRoot()
        mae = absolute / count
        r2 = r2Sum / Double(k)
    }

    /// Convenience for single-target regression.
    public init(predicted: [Float], actual: [Float]) throws {
        try self.init(
            predicted: Matrix(rows: predicted.count, columns: 1, values: predicted),
            actual: Matrix(rows: actual.count, columns: 1, values: actual))
    }
}
