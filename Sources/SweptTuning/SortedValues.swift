/// Ascending, NaN-free values kept in blocks, so that inserting one value moves at most one block (≤ 2 × 512
/// values) instead of every value above it: the per-step reference of a study with a million COMPLETE trials takes
/// a new value in microseconds, under the coordinator's lock. Reading by rank costs a binary search over the blocks.
///
/// The order is exactly that of one sorted array with upper-bound insertion: equal values (`-0.0` and `0.0`
/// included) stay in insertion order, so percentiles read from it are bit-identical to the array's.
public struct SortedValues: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    /// Values per block after a split; a block splits when it passes twice this.
    let blockSize: Int
    private var blocks: [[Double]] = []
    /// `starts[b]`: how many values come before block `b`.
    private var starts: [Int] = []
    private var total = 0

    /// No values.
    public init() {
        self.init(blockSize: 512)
    }

    /// The values of `ascending`, which must be sorted ascending and hold no NaN.
    public init(_ ascending: [Double]) {
        self.init(ascending, blockSize: 512)
    }

    /// `ascending` in blocks of `blockSize` (tests use small blocks to exercise splits).
    init(_ ascending: [Double] = [], blockSize: Int) {
        self.blockSize = Swift.max(blockSize, 1)
        var start = 0
        while start < ascending.count {
            let end = Swift.min(start + self.blockSize, ascending.count)
            starts.append(start)
            blocks.append(Array(ascending[start..<end]))
            start = end
        }
        total = ascending.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { total }

    /// The value of rank `position` (0 = smallest).
    public subscript(position: Int) -> Double {
        precondition(position >= 0 && position < total, "SortedValues index \(position) out of 0..<\(total)")
        var low = 0
        var high = starts.count - 1
        while low < high {  // the last block starting at or before `position`
            let middle = (low + high + 1) / 2
            if starts[middle] <= position { low = middle } else { high = middle - 1 }
        }
        return blocks[low][position - starts[low]]
    }

    /// Inserts `value` (not NaN) after every value equal to it.
    public mutating func insert(_ value: Double) {
        total += 1
        guard !blocks.isEmpty else {
            blocks = [[value]]
            starts = [0]
            return
        }
        // The first block whose largest value is above `value`, else the last block.
        var low = 0
        var high = blocks.count - 1
        while low < high {
            let middle = (low + high) / 2
            if let last = blocks[middle].last, last > value { high = middle } else { low = middle + 1 }
        }
        let block = low
        blocks[block].insert(value, at: Self.upperBound(of: value, in: blocks[block]))
        for later in (block + 1)..<starts.count { starts[later] += 1 }
        if blocks[block].count > 2 * blockSize {
            let upper = Array(blocks[block][blockSize...])
            blocks[block].removeLast(blocks[block].count - blockSize)
            blocks.insert(upper, at: block + 1)
            starts.insert(starts[block] + blockSize, at: block + 1)
        }
    }

    public static func == (lhs: SortedValues, rhs: SortedValues) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }

    public var description: String { Array(self).description }

    /// The first index in `sorted` whose value is above `value`.
    static func upperBound(of value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
