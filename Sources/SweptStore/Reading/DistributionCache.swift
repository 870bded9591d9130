import SweptTuning

/// Distinct distributions met while loading trials, keyed by their JSON text: each text is parsed once, and the
/// common case (a parameter keeps its distribution across the study) is one byte comparison per row.
struct DistributionCache {
    /// Parsed distributions; an id is an index here.
    private(set) var values: [Distribution] = []
    private var ids: [String: Int32] = [:]
    /// Per parameter-name id: the JSON bytes and id of the distribution its last row had.
    private var lastByName: [(json: [UInt8], id: Int32)?] = []
    /// Distribution dictionaries already built, by (name id, distribution id) pairs, so trials share them.
    private var dictionaries: [[Int64]: [String: Distribution]] = [:]
    private var lastKey: [Int64] = []
    private var scratch: [Int64] = []
    private var lastDictionary: [String: Distribution] = [:]

    /// The id of the distribution whose JSON is `json` (a row of parameter `name`).
    /// - Throws: the parse error of malformed JSON, with `context()` naming the row.
    mutating func id(of json: UnsafeRawBufferPointer, name: Int32, context: () -> String) throws -> Int32 {
        let slot = Int(name)
        if slot < lastByName.count, let last = lastByName[slot], RawColumns.equal(json, last.json) { return last.id }
        let text = String(decoding: json, as: UTF8.self)
        let id: Int32
        if let known = ids[text] {
            id = known
        } else {
            values.append(try DistributionJSON.decode(text, context: context()))
            id = Int32(values.count - 1)
            ids[text] = id
        }
        while lastByName.count <= slot { lastByName.append(nil) }
        lastByName[slot] = (Array(json), id)
        return id
    }

    /// The name → distribution dictionary of one trial, shared with every trial that has the same pairs.
    mutating func dictionary(names: [Int32], ids: [Int32], strings: [String]) -> [String: Distribution] {
        scratch.removeAll(keepingCapacity: true)
        for k in names.indices { scratch.append(Int64(names[k]) << 32 | Int64(ids[k])) }
        if scratch == lastKey { return lastDictionary }
        let key = scratch
        let dictionary: [String: Distribution]
        if let known = dictionaries[key] {
            dictionary = known
        } else {
            var built = [String: Distribution](minimumCapacity: names.count)
            for k in names.indices { built[strings[Int(names[k])]] = values[Int(ids[k])] }
            if dictionaries.count < 4096 { dictionaries[key] = built }
            dictionary = built
        }
        (lastKey, lastDictionary) = (key, dictionary)
        return dictionary
    }
}
