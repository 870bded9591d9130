import Testing
@testable import SweptLearn

@Suite struct DatasetTests {
    @Test func classificationDatasetExposesItsParts() throws {
        let data = try Dataset(
            features: Matrix([[1, 2], [3, 4], [5, 6]]), labels: [2, 0, 1], classCount: 3)
        #expect(data.rowCount == 3 && data.featureCount == 2)
        #expect(data.labels == [2, 0, 1] && data.classCount == 3)
        let tail = try data.slice(1..<3)
        #expect(tail.features.values == [3, 4, 5, 6] && tail.labels == [0, 1] && tail.classCount == 3)
        #expect(throws: LearnError.self) { try data.slice(2..<5) }
    }

    @Test func regressionDatasetSlicesTargetsWithRows() throws {
        let data = try Dataset(features: Matrix([[1], [2], [3]]), targets: [10, 20, 30])
        #expect(data.labels == nil && data.classCount == nil)
        let head = try data.slice(0..<2)
        #expect(head.targets == .values(try Matrix(rows: 2, columns: 1, values: [10, 20])))
        let error = try #require(throws: LearnError.self) {
            try Dataset(features: Matrix([[1], [2]]), targets: [1, 2, 3])
        }
        #expect(error.message.contains("one row per feature row (2)"))
    }
}
