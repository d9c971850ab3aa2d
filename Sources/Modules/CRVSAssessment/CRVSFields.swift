import WorkflowEngine

extension CRVS {
    /// Values of `population_groups`, in report order.
    public static let populationGroups = [
        "asylum_seekers", "refugees", "stateless_persons", "undetermined_nationality", "undocumented_persons",
    ]

    /// Values of `vital_events`, in report order.
    public static let vitalEvents = ["birth", "death", "marriage", "divorce"]

    /// What a cell of the `access` matrix may say, in report order.
    public static let accessLevels = ["full", "partial", "none", "unknown"]

    /// Each field a guard checks changes until the transition that checks it (the scope may still be refined while
    /// data is collected; the access matrix is filled in then). The assessment is government-led and run by the
    /// coordinator: a manager only withdraws it, so only coordinators update fields.
    static let fields: [FieldDefinition] = [
        FieldDefinition("country", .country, requiredAtOpen: true, unique: .whileOpen, updatableIn: ["requested"],
                        updatableBy: [.coordinator], summary: "one open assessment per country"),
        FieldDefinition("lead_agency", .string, updatableIn: ["requested"], updatableBy: [.coordinator]),
        FieldDefinition("government_focal_point", .string, .personal, updatableIn: ["requested", "inception"],
                        updatableBy: [.coordinator]),
        FieldDefinition("partners", .text, updatableBy: [.coordinator]),
        FieldDefinition("population_groups", .list(.enumeration(populationGroups)),
                        updatableIn: ["requested", "inception", "data_collection"], updatableBy: [.coordinator]),
        FieldDefinition("vital_events", .list(.enumeration(vitalEvents)),
                        updatableIn: ["requested", "inception", "data_collection"], updatableBy: [.coordinator]),
        FieldDefinition("toolkit_version", .string, updatableIn: ["requested", "inception"], updatableBy: [.coordinator],
                        summary: "e.g. 3.0"),
        FieldDefinition("access", .json, updatableIn: ["data_collection"], updatableBy: [.coordinator],
                        summary: #"for each chosen population group, for each chosen vital event: full, partial, none or unknown, e.g. {"refugees": {"birth": "partial"}}"#,
                        check: accessProblems),
        FieldDefinition("key_findings", .text, updatableIn: ["analysis"], updatableBy: [.coordinator]),
        FieldDefinition("recommendations", .text, updatableIn: ["analysis"], updatableBy: [.coordinator]),
        FieldDefinition("endorsed_on", .date, updatableIn: ["validation"], updatableBy: [.coordinator]),
        FieldDefinition("endorsed_by", .string, updatableIn: ["validation"], updatableBy: [.coordinator]),
        FieldDefinition("report_reference", .string, updatableIn: ["endorsed"], updatableBy: [.coordinator]),
        FieldDefinition("action_plan", .text, updatableIn: ["published", "follow_up"], updatableBy: [.coordinator]),
    ]

    /// The chosen values of a list field, in the order given.
    static func chosen(_ field: String, in fields: FieldValues) -> [String] {
        fields[field]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Checks the shape of `access` against the chosen groups and events: every problem, one sentence each.
    ///
    /// Completeness is not checked here (the matrix is filled in during data collection);
    /// the `start_analysis` guard asks for every cell.
    @Sendable static func accessProblems(_ value: JSONValue, _ fields: FieldValues) -> [String] {
        let example = #"e.g. {"refugees": {"birth": "partial"}}"#
        guard case .object(let groups) = value else {
            return ["must be a JSON object keyed by population group, each an object keyed by vital event, \(example)"]
        }
        let chosenGroups = chosen("population_groups", in: fields)
        let chosenEvents = chosen("vital_events", in: fields)
        var problems: [String] = []
        for (group, row) in groups.sorted(by: { $0.key < $1.key }) {
            guard chosenGroups.contains(group) else {
                problems.append("population group '\(group)' is not one of the chosen population_groups (\(listed(chosenGroups, "population_groups")))")
                continue
            }
            guard case .object(let events) = row else {
                problems.append("\(group) must be a JSON object keyed by vital event, e.g. {\"birth\": \"full\"}")
                continue
            }
            for (event, level) in events.sorted(by: { $0.key < $1.key }) {
                guard chosenEvents.contains(event) else {
                    problems.append("\(group): vital event '\(event)' is not one of the chosen vital_events (\(listed(chosenEvents, "vital_events")))")
                    continue
                }
                guard let text = level.stringValue, accessLevels.contains(text) else {
                    problems.append("\(group) × \(event): '\(level.plainText)' is not an access level; accepted: \(accessLevels.joined(separator: ", "))")
                    continue
                }
            }
        }
        return problems
    }

    private static func listed(_ values: [String], _ field: String) -> String {
        values.isEmpty ? "none chosen yet: set \(field) first" : "chosen: \(values.joined(separator: ", "))"
    }

    /// Whether `access` has a level for every chosen population group × vital event (and something is chosen).
    static func accessIsComplete(_ fields: FieldValues) -> Bool {
        let groups = chosen("population_groups", in: fields), events = chosen("vital_events", in: fields)
        guard !groups.isEmpty, !events.isEmpty, case .object(let matrix)? = fields["access"] else { return false }
        return groups.allSatisfy { group in
            guard case .object(let row)? = matrix[group] else { return false }
            return events.allSatisfy { event in row[event]?.stringValue.map(accessLevels.contains) ?? false }
        }
    }
}
