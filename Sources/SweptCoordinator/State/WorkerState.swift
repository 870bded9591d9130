import SweptWire

/// A registered worker as the coordinator tracks it.
struct WorkerState: Sendable {
    /// The worker's stable id (the header's sender id).
    var id: String
    /// The running process's incarnation; requests from another incarnation are refused.
    var incarnation: UInt64
    /// What it offers.
    var capabilities: WorkerCapabilities
    /// First registration, seconds since 1970 UTC.
    var firstSeen: Double
    /// Last request, seconds since 1970 UTC.
    var lastSeen: Double
    /// Times of recent lost or failed trials (for quarantine).
    var failures: [Double] = []
    /// Quarantined until this time, if at all.
    var quarantinedUntil: Double?

    /// Whether the worker is quarantined at `now`.
    func isQuarantined(at now: Double) -> Bool {
        guard let until = quarantinedUntil else { return false }
        return now < until
    }

    /// Records a lost or failed trial; returns `true` when this puts the worker in quarantine.
    mutating func recordFailure(at now: Double, settings: CoordinatorSettings) -> Bool {
        failures.append(now)
        failures.removeAll { now - $0 > settings.flapWindowSeconds }
        guard failures.count >= settings.flapFailures, !isQuarantined(at: now) else { return false }
        quarantinedUntil = now + settings.quarantineSeconds
        failures.removeAll()
        return true
    }
}
