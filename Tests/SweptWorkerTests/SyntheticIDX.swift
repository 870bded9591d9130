import Foundation

/// Writes a small IDX training set (uncompressed) whose classes are easy to tell apart: class `k` lights up
/// pixel block `k`, plus seeded noise.
enum SyntheticIDX {
    static func write(to directory: URL, rows: Int, classes: Int, side: Int = 6, seed: UInt64 = 1,
                      prefix: String = "train") throws {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let size = side * side
        var images: [UInt8] = [], labels: [UInt8] = []
        for row in 0..<rows {
            let label = row % classes
            labels.append(UInt8(label))
            for pixel in 0..<size {
                let lit = pixel % classes == label
                images.append(UInt8(truncatingIfNeeded: (lit ? 180 : 20) + Int(next() % 60)))
            }
        }
        try idx(type: 3, dimensions: [rows, side, side], bytes: images)
            .write(to: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
        try idx(type: 1, dimensions: [rows], bytes: labels)
            .write(to: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }

    static func idx(type: UInt8, dimensions: [Int], bytes: [UInt8]) -> Data {
        var data = Data([0, 0, 0x08, type])
        for dimension in dimensions {
            let value = UInt32(dimension)
            data.append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff),
                                     UInt8(value & 0xff)])
        }
        data.append(contentsOf: bytes)
        return data
    }
}
