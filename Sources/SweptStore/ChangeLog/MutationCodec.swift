import SweptTuning

/// The change log's binary form of `StoreMutation`: a tag byte, then the fields in declaration order
/// (dictionaries with their keys sorted, distributions as Optuna's `distribution_json`).
enum MutationCodec {
    static func encode(_ mutation: StoreMutation, into out: inout LogWriter) {
        switch mutation {
        case .startTrial(let start):
            out.u8(1)
            out.i64(start.study.rawValue)
            out.i64(start.id.rawValue)
            out.int(start.number)
            out.bool(start.fresh)
            params(start.params, into: &out)
            let names = start.distributions.keys.sorted()
            out.u32(UInt32(names.count))
            for name in names {
                out.string(name)
                out.string(start.distributions[name].map(DistributionJSON.encode) ?? "")
            }
            attributes(start.systemAttributes, into: &out)
            out.double(start.startedAt)
            out.string(start.worker)
            out.int(start.epoch)
            out.double(start.deadline)
        case .enqueueTrial(let study, let id, let number, let params, let system, let user):
            out.u8(2)
            out.i64(study.rawValue)
            out.i64(id.rawValue)
            out.int(number)
            Self.params(params, into: &out)
            attributes(system, into: &out)
            attributes(user, into: &out)
        case .report(let trial, let step, let value):
            out.u8(3)
            out.i64(trial.rawValue)
            out.int(step)
            out.double(value)
        case .finishTrial(let trial, let state, let values, let system, let user):
            out.u8(4)
            out.i64(trial.rawValue)
            out.string(state.rawValue)
            out.bool(values != nil)
            out.u32(UInt32(values?.count ?? 0))
            for value in values ?? [] { out.double(value) }
            attributes(system, into: &out)
            attributes(user, into: &out)
        case .setLease(let trial, let worker, let epoch, let deadline, let state):
            out.u8(5)
            out.i64(trial.rawValue)
            out.string(worker)
            out.int(epoch)
            out.double(deadline)
            out.string(state.rawValue)
        case .worker(let record):
            out.u8(6)
            out.string(record.id)
            out.string(record.host)
            out.bool(record.pid != nil)
            out.int(record.pid ?? 0)
            out.int(record.slots)
            out.int(record.incarnation)
            out.double(record.firstSeen)
            out.double(record.lastSeen)
            out.string(record.state.rawValue)
        case .studySystemAttribute(let study, let key, let value):
            out.u8(7)
            out.i64(study.rawValue)
            out.string(key)
            attribute(value, into: &out)
        case .event(let kind, let study, let trial, let detail):
            out.u8(8)
            out.string(kind)
            out.bool(study != nil)
            out.i64(study?.rawValue ?? 0)
            out.bool(trial != nil)
            out.i64(trial?.rawValue ?? 0)
            out.bool(detail != nil)
            if let detail { attribute(detail, into: &out) }
        }
    }

    /// Decodes one mutation; `context` names the record in errors.
    static func decode(_ input: inout LogReader, context: String) throws -> StoreMutation {
        let tag = try input.u8()
        switch tag {
        case 1:
            let study = StudyID(rawValue: try input.i64())
            let id = TrialID(rawValue: try input.i64())
            let number = try input.int()
            let fresh = try input.bool()
            let params = try Self.params(&input)
            var distributions: [String: Distribution] = [:]
            for _ in 0..<(try input.u32()) {
                let name = try input.string()
                distributions[name] = try DistributionJSON.decode(try input.string(), context: context)
            }
            return .startTrial(StartedTrial(
                study: study, id: id, number: number, fresh: fresh, params: params, distributions: distributions,
                systemAttributes: try attributes(&input), startedAt: try input.double(), worker: try input.string(),
                epoch: try input.int(), deadline: try input.double()))
        case 2:
            return .enqueueTrial(study: StudyID(rawValue: try input.i64()), id: TrialID(rawValue: try input.i64()),
                                 number: try input.int(), params: try params(&input),
                                 systemAttributes: try attributes(&input), userAttributes: try attributes(&input))
        case 3:
            return .report(trial: TrialID(rawValue: try input.i64()), step: try input.int(), value: try input.double())
        case 4:
            let trial = TrialID(rawValue: try input.i64())
            let state = try raw(TrialState.self, try input.string(), context)
            let hasValues = try input.bool()
            var values: [Double] = []
            for _ in 0..<(try input.u32()) { values.append(try input.double()) }
            return .finishTrial(trial: trial, state: state, values: hasValues ? values : nil,
                                systemAttributes: try attributes(&input), userAttributes: try attributes(&input))
        case 5:
            return .setLease(trial: TrialID(rawValue: try input.i64()), worker: try input.string(),
                             epoch: try input.int(), deadline: try input.double(),
                             state: try raw(Lease.State.self, try input.string(), context))
        case 6:
            let id = try input.string()
            let host = try input.string()
            let hasPID = try input.bool()
            let pid = try input.int()
            return .worker(WorkerRecord(
                id: id, host: host, pid: hasPID ? pid : nil, slots: try input.int(), incarnation: try input.int(),
                firstSeen: try input.double(), lastSeen: try input.double(),
                state: try raw(WorkerRecord.State.self, try input.string(), context)))
        case 7:
            return .studySystemAttribute(study: StudyID(rawValue: try input.i64()), key: try input.string(),
                                         value: try attribute(&input, depth: 0))
        case 8:
            let kind = try input.string()
            let hasStudy = try input.bool()
            let study = try input.i64()
            let hasTrial = try input.bool()
            let trial = try input.i64()
            let detail = try input.bool() ? try attribute(&input, depth: 0) : nil
            return .event(kind: kind, study: hasStudy ? StudyID(rawValue: study) : nil,
                          trial: hasTrial ? TrialID(rawValue: trial) : nil, detail: detail)
        default:
            throw StoreError(.corrupt, "\(context): unknown change kind \(tag); expected 1…8")
        }
    }

    private static func raw<T: RawRepresentable>(_ type: T.Type, _ text: String, _ context: String) throws -> T
        where T.RawValue == String
    {
        guard let value = T(rawValue: text) else {
            throw StoreError(.corrupt, "\(context): '\(text)' is not a \(T.self)")
        }
        return value
    }

    private static func params(_ params: [String: ParamValue], into out: inout LogWriter) {
        let names = params.keys.sorted()
        out.u32(UInt32(names.count))
        for name in names {
            out.string(name)
            switch params[name] ?? .null {
            case .float(let value): out.u8(1); out.double(value)
            case .int(let value): out.u8(2); out.int(value)
            case .string(let value): out.u8(3); out.string(value)
            case .bool(let value): out.u8(4); out.bool(value)
            case .null: out.u8(0)
            }
        }
    }

    private static func params(_ input: inout LogReader) throws -> [String: ParamValue] {
        var params: [String: ParamValue] = [:]
        for _ in 0..<(try input.u32()) {
            let name = try input.string()
            switch try input.u8() {
            case 1: params[name] = .float(try input.double())
            case 2: params[name] = .int(try input.int())
            case 3: params[name] = .string(try input.string())
            case 4: params[name] = .bool(try input.bool())
            default: params[name] = .null
            }
        }
        return params
    }

    private static func attributes(_ attributes: [String: AttributeValue], into out: inout LogWriter) {
        let keys = attributes.keys.sorted()
        out.u32(UInt32(keys.count))
        for key in keys {
            out.string(key)
            attribute(attributes[key] ?? .null, into: &out)
        }
    }

    private static func attributes(_ input: inout LogReader) throws -> [String: AttributeValue] {
        var attributes: [String: AttributeValue] = [:]
        for _ in 0..<(try input.u32()) {
            let key = try input.string()
            attributes[key] = try attribute(&input, depth: 0)
        }
        return attributes
    }

    private static func attribute(_ value: AttributeValue, into out: inout LogWriter) {
        switch value {
        case .null: out.u8(0)
        case .bool(let flag): out.u8(1); out.bool(flag)
        case .int(let number): out.u8(2); out.int(number)
        case .double(let number): out.u8(3); out.double(number)
        case .string(let text): out.u8(4); out.string(text)
        case .array(let items):
            out.u8(5)
            out.u32(UInt32(items.count))
            for item in items { attribute(item, into: &out) }
        case .object(let members):
            out.u8(6)
            attributes(members, into: &out)
        }
    }

    private static func attribute(_ input: inout LogReader, depth: Int) throws -> AttributeValue {
        guard depth < 64 else { throw LogReader.Truncated() }
        switch try input.u8() {
        case 0: return .null
        case 1: return .bool(try input.bool())
        case 2: return .int(try input.int())
        case 3: return .double(try input.double())
        case 4: return .string(try input.string())
        case 5:
            var items: [AttributeValue] = []
            for _ in 0..<(try input.u32()) { items.append(try attribute(&input, depth: depth + 1)) }
            return .array(items)
        case 6:
            var members: [String: AttributeValue] = [:]
            for _ in 0..<(try input.u32()) {
                let key = try input.string()
                members[key] = try attribute(&input, depth: depth + 1)
            }
            return .object(members)
        default:
            throw LogReader.Truncated()
        }
    }
}
