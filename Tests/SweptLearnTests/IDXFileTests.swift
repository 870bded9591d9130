import CZlib
import Foundation
import Testing
@testable import SweptLearn

@Suite struct IDXFileTests {
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swept-idx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func idx(dimensions: [Int], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions {
            bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)]
        }
        return bytes + payload
    }

    static func write(_ bytes: [UInt8], to path: String, gzip: Bool) throws {
        if gzip {
            let file = try #require(gzopen(path, "wb"))
            _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32(bytes.count)) }
            gzclose(file)
        } else {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test(arguments: [true, false])
    func readsPlainAndGzipFiles(gzip: Bool) throws {
        let dir = try Self.temporaryDirectory()
        let images = Self.idx(dimensions: [3, 2, 2], payload: Array(0..<12).map { UInt8($0 * 20) })
        let labels = Self.idx(dimensions: [3], payload: [7, 0, 9])
        let suffix = gzip ? ".gz" : ""
        try Self.write(images, to: "\(dir)/train-images-idx3-ubyte\(suffix)", gzip: gzip)
        try Self.write(labels, to: "\(dir)/train-labels-idx1-ubyte\(suffix)", gzip: gzip)
        let array = try IDXFile.read(path: "\(dir)/train-images-idx3-ubyte\(suffix)")
        #expect(array.dimensions == [3, 2, 2] && array.itemSize == 4 && array.bytes.count == 12)
        let data = try FashionMNIST.load(directory: dir, split: .train)
        #expect(data.rowCount == 3 && data.featureCount == 4 && data.labels == [7, 0, 9])
        #expect(abs(data.features[1, 0] - Float(80) / 255) < 1e-6)
        let limited = try FashionMNIST.load(directory: dir, split: .train, limit: 2)
        #expect(limited.rowCount == 2)
    }

    @Test(arguments: [true, false])
    func truncatedFilesAreReported(gzip: Bool) throws {
        let dir = try Self.temporaryDirectory()
        let full = Self.idx(dimensions: [100], payload: [UInt8](repeating: 1, count: 100))
        let path = "\(dir)/labels"
        if gzip {
            // Compress fully, then cut the compressed stream.
            try Self.write(full, to: path, gzip: true)
            let compressed = try Data(contentsOf: URL(fileURLWithPath: path))
            try compressed.prefix(compressed.count - 12).write(to: URL(fileURLWithPath: path))
        } else {
            try Self.write(Array(full.prefix(60)), to: path, gzip: false)
        }
        let error = try #require(throws: LearnError.self) { try IDXFile.read(path: path) }
        #expect(error.code == .invalidFile)
        #expect(error.message.contains(path) && error.message.contains("truncated"))
    }

    @Test func mismatchedImageAndLabelCountsAreReported() throws {
        let dir = try Self.temporaryDirectory()
        let images = Self.idx(dimensions: [2, 1, 1], payload: [1, 2])
        try Self.write(images, to: "\(dir)/t10k-images-idx3-ubyte", gzip: false)
        try Self.write(Self.idx(dimensions: [3], payload: [1, 2, 3]), to: "\(dir)/t10k-labels-idx1-ubyte", gzip: false)
        let error = try #require(throws: LearnError.self) { try FashionMNIST.load(directory: dir, split: .test) }
        #expect(error.message.contains("2 images") && error.message.contains("3 labels"))
    }

    @Test func missingFilesAndBadMagic() throws {
        let dir = try Self.temporaryDirectory()
        let missing = try #require(throws: LearnError.self) { try FashionMNIST.load(directory: dir, split: .train) }
        #expect(missing.message.contains("train-images-idx3-ubyte") && missing.message.contains("not found"))
        try Self.write([1, 2, 3, 4, 5], to: "\(dir)/bad", gzip: false)
        let bad = try #require(throws: LearnError.self) { try IDXFile.read(path: "\(dir)/bad") }
        #expect(bad.message.contains("expected 0, 0"))
    }

    @Test func loadsRealFashionMNISTWhenInstalled() throws {
        guard FileManager.default.fileExists(atPath: "\(FashionMNIST.defaultDirectory)/t10k-labels-idx1-ubyte.gz")
        else {
            // The data set is a system package (scripts/install-deps installs it); CI must have it.
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "Fashion-MNIST is not installed")
            return
        }
        let test = try FashionMNIST.load(split: .test, limit: 500)
        #expect(test.rowCount == 500 && test.featureCount == 784 && test.classCount == 10)
        #expect(test.labels?.prefix(5) == [9, 2, 1, 1, 6])  // the published first test labels
        #expect(test.features.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
