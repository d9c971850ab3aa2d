import Foundation
import WorkflowEngine

/// One question, timed through the engine and as plain SQL, with whether the two answers agree.
struct MetricResult: Sendable, Encodable {
    let metric: String
    let targetMilliseconds: Double?
    let engine: Timings
    let rawSQL: Timings
    let answersEqual: Bool
    let engineAnswer: String
    let rawAnswer: String

    var meetsTarget: Bool? { targetMilliseconds.map { engine.median < $0 } }

    enum CodingKeys: String, CodingKey {
        case metric, targetMilliseconds, engine, rawSQL, answersEqual, engineAnswer, rawAnswer
        case meetsTarget, engineMedianMilliseconds, engineMinMilliseconds, rawMedianMilliseconds, rawMinMilliseconds
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric, forKey: .metric)
        try container.encodeIfPresent(targetMilliseconds, forKey: .targetMilliseconds)
        try container.encode(engine.median, forKey: .engineMedianMilliseconds)
        try container.encode(engine.minimum, forKey: .engineMinMilliseconds)
        try container.encode(rawSQL.median, forKey: .rawMedianMilliseconds)
        try container.encode(rawSQL.minimum, forKey: .rawMinMilliseconds)
        try container.encode(engine, forKey: .engine)
        try container.encode(rawSQL, forKey: .rawSQL)
        try container.encodeIfPresent(meetsTarget, forKey: .meetsTarget)
        try container.encode(answersEqual, forKey: .answersEqual)
        try container.encode(engineAnswer, forKey: .engineAnswer)
        try container.encode(rawAnswer, forKey: .rawAnswer)
    }
}

/// The issue's questions, their targets, and how each side answers them.
struct MetricMeasurements {
    let engine: EngineMetrics
    let raw: RawBaselines
    let runs: Int

    struct Question {
        let name: String
        let target: Double?
        let engine: () async throws -> Answer
        let raw: () async throws -> Answer
    }

    var questions: [Question] {
        let middle = DatasetShape.middleDay, late = DatasetShape.lateDay
        let year = DatasetShape.flowYear, into = DatasetShape.flowState, outcomes = DatasetShape.outcomeYear
        return [
            Question(name: "stages (now)", target: 50,
                     engine: { try await engine.stages() }, raw: { try await raw.stages() }),
            Question(name: "stages --as-of \(middle) (middle)", target: 300,
                     engine: { try await engine.stages(asOf: middle) }, raw: { try await raw.stages(asOf: middle) }),
            Question(name: "stages --as-of \(late) (late)", target: 300,
                     engine: { try await engine.stages(asOf: late) }, raw: { try await raw.stages(asOf: late) }),
            Question(name: "flow --into \(into) over \(year.from.year)", target: 100,
                     engine: { try await engine.flow(into: into, from: year.from, to: year.to) },
                     raw: { try await raw.flow(into: into, from: year.from, to: year.to) }),
            Question(name: "outcomes jpa.operation over \(outcomes.from.year)", target: 100,
                     engine: { try await engine.outcomes(from: outcomes.from, to: outcomes.to) },
                     raw: { try await raw.outcomes(from: outcomes.from, to: outcomes.to) }),
            Question(name: "durations (every state)", target: 1_000,
                     engine: { try await engine.durations() }, raw: { try await raw.durations() }),
            Question(name: "durations --to \(into)", target: 1_000,
                     engine: { try await engine.durations(to: into) }, raw: { try await raw.durations(to: into) }),
        ]
    }

    /// Each question `runs` times through the engine, then `runs` times as plain SQL.
    func measure() async throws -> [MetricResult] {
        var results: [MetricResult] = []
        for question in questions {
            var engineTimes = Timings(), rawTimes = Timings()
            var engineAnswer: Answer?, rawAnswer: Answer?
            for _ in 0..<runs {
                let (answer, ms) = try await Stopwatch.time(question.engine)
                engineTimes.samples.append(ms)
                if let first = engineAnswer, first != answer { throw BenchmarkError("\(question.name): the engine answered differently between runs") }
                engineAnswer = answer
            }
            for _ in 0..<runs {
                let (answer, ms) = try await Stopwatch.time(question.raw)
                rawTimes.samples.append(ms)
                rawAnswer = answer
            }
            guard let engineAnswer, let rawAnswer else { continue }
            let equal = engineAnswer.agrees(with: rawAnswer)
            note(String(format: "%@: engine %.1f ms, SQL %.1f ms (medians)%@", question.name, engineTimes.median, rawTimes.median,
                        equal ? "" : "; ANSWERS DIFFER"))
            for difference in engineAnswer.differences(from: rawAnswer) { note("  \(difference)") }
            results.append(MetricResult(
                metric: question.name, targetMilliseconds: question.target, engine: engineTimes, rawSQL: rawTimes,
                answersEqual: equal, engineAnswer: engineAnswer.summary, rawAnswer: rawAnswer.summary))
        }
        return results
    }
}
