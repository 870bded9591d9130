import Foundation
@testable import SweptLearn

/// OpenBLAS's thread count is process-wide: tests that set a count other than 1 or read it back hold this lock.
private let blasThreadLock = NSLock()

/// Runs `body` while no other test changes OpenBLAS's process-wide thread count.
func withExclusiveBLASThreads<R>(_ body: () throws -> R) rethrows -> R {
    blasThreadLock.lock()
    defer { blasThreadLock.unlock() }
    return try body()
}

/// Small seeded datasets and helpers shared by the suites.
enum TestData {
    /// `rows` points in `classes` Gaussian blobs in `features` dimensions, centres 3 apart: easy to separate.
    static func blobs(rows: Int, features: Int, classes: Int, seed: UInt64) throws -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var centres: [[Float]] = []
        for _ in 0..<classes {
            centres.append((0..<features).map { _ in Float(generator.nextNormal()) * 3 })
        }
        var values: [Float] = []
        var labels: [Int32] = []
        for _ in 0..<rows {
            let label = generator.nextIndex(below: classes)
            labels.append(Int32(label))
            for j in 0..<features { values.append(centres[label][j] + Float(generator.nextNormal()) * 0.5) }
        }
        return try Dataset(
            features: Matrix(rows: rows, columns: features, values: values), labels: labels, classCount: classes)
    }

    /// `y = x · w + 0.5` plus a little noise, for regression tests.
    static func linear(rows: Int, weights: [Float], noise: Float, seed: UInt64) throws -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var values: [Float] = []
        var targets: [Float] = []
        for _ in 0..<rows {
            var y: Float = 0.5
            for w in weights {
                let x = Float(generator.nextNormal())
                values.append(x)
                y += w * x
            }
            targets.append(y + noise * Float(generator.nextNormal()))
        }
        return try Dataset(
            features: Matrix(rows: rows, columns: weights.count, values: values), targets: targets)
    }

    /// A naive triple-loop product for checking BLAS.
    static func naiveProduct(_ a: Matrix, _ b: Matrix) -> [Float] {
        var out = [Float](repeating: 0, count: a.rows * b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s: Float = 0
                for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                out[i * b.columns + j] = s
            }
        }
        return out
    }

    static func random(rows: Int, columns: Int, seed: UInt64) throws -> Matrix {
        var generator = SeededGenerator(seed: seed)
        return try Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in
            generator.nextUnitFloat() * 2 - 1
        })
    }
}

/// Whether two arrays agree elementwise within `tolerance` (absolute, scaled by magnitude above 1).
func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($0), abs($1)) }
}
