/// Representative messages of every kind: the fixtures of the codec tests, the input of the codec benchmark and
/// the source of the hex dumps in docs/protocol.md.
public enum WireExamples {
    /// One request of every request kind.
    public static let requests: [RequestBody] = [
        .registerWorker(
            WorkerCapabilities(slots: 2, cores: 8, blasThreads: 4, tags: ["cpu", "avx2"], hostname: "node-a")),
        .acquireTrial(AcquireTrial(slot: 1, study: "fashion-mlp", waitMillis: 2_000)),
        .acquireTrial(AcquireTrial(slot: 0, study: nil, waitMillis: 0)),
        .reportIntermediate(IntermediateReport(trialID: 42, leaseEpoch: 3, step: 7, value: 0.8125)),
        .finishTrial(
            TrialFinish(
                trialID: 42, leaseEpoch: 3, outcome: .complete(values: [0.875, -1.5e-3]),
                attributes: [TrialAttribute(key: "train_seconds", value: "12.5")])),
        .finishTrial(TrialFinish(trialID: 43, leaseEpoch: 1, outcome: .fail(reason: "objective exited with status 2"))),
        .finishTrial(TrialFinish(trialID: 44, leaseEpoch: 9, outcome: .pruned)),
        .heartbeat(
            Heartbeat(leases: [TrialLease(trialID: 42, leaseEpoch: 3), TrialLease(trialID: 45, leaseEpoch: 1)])),
        .releaseTrial(TrialRelease(trialID: 45, leaseEpoch: 1, reason: "SIGTERM")),
        .launchStudy(
            LaunchStudy(
                configText: "name: demo\ndirection: minimize\n", format: .yaml,
                sourceName: "study-configs/demo.yaml", resumeIfExists: true)),
        .status(StudyReference(study: nil)),
        .status(StudyReference(study: "demo")),
        .trials(TrialsQuery(study: "demo", states: [.complete, .pruned], offset: 10, limit: 20)),
        .best(BestQuery(study: "demo", limit: 3)),
        .stopStudy(StudyReference(study: "demo")),
        .enqueueTrial(EnqueueTrial(study: "demo", parameters: sampleParameters, skipIfExists: true)),
    ]

    /// One reply of every reply kind.
    public static let replies: [ReplyBody] = [
        .registered(Registration(heartbeatIntervalMillis: 1_000, leaseTTLMillis: 5_000)),
        .assigned(
            TrialAssignment(
                studyID: 1, studyName: "fashion-mlp", trialID: 42, number: 17, leaseEpoch: 3,
                leaseTTLMillis: 5_000, parameters: sampleParameters,
                objective: "{type: mlp, epochs: 30}")),
        .noTrial(NoTrial(reason: .noneReady, retryAfterMillis: 250)),
        .verdict(TrialVerdict(trialID: 42, decision: .prune)),
        .verdict(TrialVerdict(trialID: 42, decision: .revoked)),
        .heartbeatAck(
            HeartbeatAck(
                leaseTTLMillis: 5_000,
                verdicts: [
                    TrialVerdict(trialID: 42, decision: .continue),
                    TrialVerdict(trialID: 45, decision: .stop),
                ])),
        .acknowledged,
        .studyLaunched(StudyLaunched(studyID: 1, studyName: "demo", created: true)),
        .status(
            ClusterStatus(
                studies: [
                    StudySummary(
                        studyID: 1, name: "demo", state: .running, directions: [.minimize],
                        counts: TrialCounts(running: 2, complete: 10, pruned: 3, fail: 1, waiting: 0),
                        bestTrialNumber: 7, bestValues: [0.125])
                ],
                workers: [
                    WorkerSummary(
                        workerID: "node-a/1", incarnation: 99, hostname: "node-a", slots: 2, busySlots: 1,
                        lastSeenMillisAgo: 120, quarantined: false)
                ])),
        .trials(
            TrialPage(
                total: 31,
                trials: [
                    TrialSummary(
                        trialID: 42, number: 17, state: .complete, values: [0.875], parameters: sampleParameters,
                        lastStep: 29, durationMillis: 12_500, worker: "node-a/1", retryOf: nil),
                    TrialSummary(
                        trialID: 46, number: 18, state: .running, values: [], parameters: [], lastStep: nil,
                        durationMillis: 0, worker: nil, retryOf: 45),
                ])),
        .enqueued(Enqueued(trialID: 50, number: 20, created: true)),
        .error(ErrorReply(code: .unknownStudy, message: "no study named 'demo2'; `swept status` lists studies")),
    ]

    /// A parameter set with one value of each type.
    public static let sampleParameters: [TrialParameter] = [
        TrialParameter(name: "learning_rate", value: .double(3.2e-3)),
        TrialParameter(name: "layers", value: .int(2)),
        TrialParameter(name: "activation", value: .string("gelu")),
        TrialParameter(name: "batch_norm", value: .bool(true)),
    ]
}
