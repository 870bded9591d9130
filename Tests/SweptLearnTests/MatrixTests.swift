import Testing
@testable import SweptLearn

@Suite struct MatrixTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productMatchesNaiveForEveryTransposeCombination(transposeA: Bool, transposeB: Bool) throws {
        let a = try TestData.random(rows: 7, columns: 5, seed: 1)
        let b = try TestData.random(rows: 5, columns: 6, seed: 2)
        let left = transposeA ? a.transposed : a
        let right = transposeB ? b.transposed : b
        let result = try product(left, right, transposeA: transposeA, transposeB: transposeB)
        #expect(result.rows == 7 && result.columns == 6)
        #expect(close(result.values, TestData.naiveProduct(a, b)))
    }

    @Test func productOverRowViewUsesOnlyThoseRows() throws {
        let a = try TestData.random(rows: 10, columns: 4, seed: 3)
        let b = try TestData.random(rows: 4, columns: 3, seed: 4)
        let view = try a.view(rows: 3..<7)
        let result = try product(view, b.fullView)
        #expect(close(result.values, TestData.naiveProduct(view.materialize(), b)))
        #expect(view.materialize().row(0) == a.row(3))
    }

    @Test func productShapeErrorNamesBothShapes() throws {
        let a = try Matrix(rows: 2, columns: 3)
        let b = try Matrix(rows: 4, columns: 5)
        let error = try #require(throws: LearnError.self) { try product(a, b) }
        #expect(error.code == .shapeMismatch)
        #expect(error.message.contains("2 × 3") && error.message.contains("4 × 5"))
    }

    @Test func matrixVectorAndAxpy() throws {
        let a = try Matrix([[1, 2], [3, 4], [5, 6]])
        #expect(try product(a, [1, -1]) == [-1, -1, -1])
        var y: [Float] = [1, 1]
        try axpy(2, [3, 4], &y)
        #expect(y == [7, 9])
        #expect(throws: LearnError.self) { try product(a, [1, 2, 3]) }
        #expect(throws: LearnError.self) { try axpy(1, [1], &y) }
    }

    @Test func elementwiseOperationsAndReductions() throws {
        let a = try Matrix([[1, -2], [3, -4]])
        let b = try Matrix([[1, 1], [2, 2]])
        #expect(try (a + b).values == [2, -1, 5, -2])
        #expect(try (a - b).values == [0, -3, 1, -6])
        #expect(try a.hadamard(b).values == [1, -2, 6, -8])
        #expect(a.scaled(by: 2).values == [2, -4, 6, -8])
        #expect(try a.addingRowVector([10, 20]).values == [11, 18, 13, 16])
        #expect(a.columnSums() == [4, -6])
        #expect(a.sum() == -2)
        #expect(a.rowArgmax() == [0, 0])
        #expect(a.applying(.relu).values == [1, 0, 3, 0])
        #expect(a.transposed.values == [1, 3, -2, -4])
        let error = try #require(throws: LearnError.self) { try a + Matrix(rows: 3, columns: 2) }
        #expect(error.message.contains("2 × 2") && error.message.contains("3 × 2"))
    }

    @Test func badConstructionThrowsWithCounts() throws {
        let error = try #require(throws: LearnError.self) { try Matrix(rows: 2, columns: 2, values: [1, 2, 3]) }
        #expect(error.message.contains("4") && error.message.contains("3"))
        #expect(throws: LearnError.self) { try Matrix([[1, 2], [3]]) }
        #expect(throws: LearnError.self) { try Matrix(rows: 1, columns: 1).view(rows: 0..<2) }
    }

    @Test func blasThreadControlIsExposed() throws {
        try withExclusiveBLASThreads {
            let previous = BLAS.threadCount
            try BLAS.setThreadCount(1)
            #expect(BLAS.threadCount == 1)
            #expect(!BLAS.coreName.isEmpty)
            #expect(throws: LearnError.self) { try BLAS.setThreadCount(0) }
            try BLAS.setThreadCount(previous)
        }
    }
}
