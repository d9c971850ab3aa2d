/// What a user may see of a case: the values of personal and sensitive fields only for the roles their workflow names
/// (`WorkflowDefinition.readers`) and for the data-protection officer. Everyone else sees the field with the value
/// `[redacted]`, so that every shape (a case, an event, an export row) stays the same whoever reads it.
public enum Redaction {
    /// Shown in place of a value the reader may not see.
    public static let placeholder = JSONValue.string("[redacted]")

    /// Whether `user` sees values of `dataClass` in `definition`'s cases.
    public static func sees(_ dataClass: DataClass, in definition: WorkflowDefinition, as user: User) -> Bool {
        guard dataClass.isProtected, !user.holds(.dataProtection) else { return true }
        return !(definition.readers[dataClass] ?? []).isDisjoint(with: user.roles)
    }

    /// Whether `user` sees every value of `definition`'s cases (nothing is redacted for them).
    public static func seesAll(in definition: WorkflowDefinition, as user: User) -> Bool {
        DataClass.allCases.allSatisfy { sees($0, in: definition, as: user) }
    }

    /// `fields` as `user` may see them.
    public static func fields(_ fields: FieldValues, in definition: WorkflowDefinition, as user: User) -> FieldValues {
        guard !seesAll(in: definition, as: user) else { return fields }
        var shown = fields
        for (name, value) in fields where value != .null {
            // A field the definition no longer declares is shown only to those who see everything.
            let dataClass = definition.field(name)?.dataClass ?? .sensitive
            if !sees(dataClass, in: definition, as: user) { shown[name] = placeholder }
        }
        return shown
    }

    public static func record(_ record: CaseRecord, in definition: WorkflowDefinition, as user: User) -> CaseRecord {
        var shown = record
        shown.fields = fields(record.fields, in: definition, as: user)
        return shown
    }

    /// An event's payload: the fields it set (an outcome's payload is its counter and count, never personal).
    public static func event(_ event: EventRecord, in definition: WorkflowDefinition, as user: User) -> EventRecord {
        guard event.kind.setsFields else { return event }
        var shown = event
        shown.fields = fields(event.fields, in: definition, as: user)
        return shown
    }
}
