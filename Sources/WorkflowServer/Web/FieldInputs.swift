import Foundation
import WorkflowEngine

/// The input for one case field in a form, by the field's type: a date picker for dates, a select for an enum, a
/// boolean or a country (by name, with its ISO code), checkboxes for a list of enum values, a multiple select for a
/// list of countries, a number input for numbers, a text area for long text. Read by the `input` template.
struct FieldInput: Sendable {
    let id: String
    let field: String
    let label: String
    let hint: String?
    let required: Bool
    let type: String
    let step: String?
    let value: String
    let options: [SelectOption]
    let isSelect: Bool
    let multiple: Bool
    let isCheckboxes: Bool
    let isTextArea: Bool

    /// `form` makes the id unique on a page with several forms; `shown` is the case's value (nil: none, or one the
    /// reader may not see), `typed` what was sent in a refused form, which wins.
    init(_ field: FieldDefinition, form: String, shown: JSONValue?, typed: String?, required: Bool = false) {
        id = "\(form)-\(field.name)"
        self.field = field.name
        label = PageText.label(field.name)
        self.required = required
        let current = typed ?? shown.map { $0 == Redaction.placeholder ? "" : $0.plainText } ?? ""
        value = current
        let chosen = Set(current.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        func options(_ values: [String], named: (String) -> String = { $0 }) -> [SelectOption] {
            values.map { SelectOption(value: $0, text: named($0), selected: chosen.contains($0)) }
        }
        var hint: String? = nil
        var type = "text", step: String? = nil
        var listed: [SelectOption] = [], select = false, multiple = false, checkboxes = false, textArea = false
        switch field.type {
        case .enumeration(let values): (listed, select) = (options(values), true)
        case .bool: (listed, select) = (options(["true", "false"]), true)
        case .country: (listed, select) = (options(Countries.alpha3.sorted(), named: PageText.country), true)
        case .list(.country): (listed, select, multiple) = (options(Countries.alpha3.sorted(), named: PageText.country), true, true)
        case .list(let element):
            if let values = element.listedValues { (listed, checkboxes) = (options(values), true) } else { hint = "several values, separated by commas" }
        case .date: type = "date"
        case .int: (type, step) = ("number", "1")
        case .decimal: (type, step) = ("number", "any")
        case .text, .json: textArea = true
        case .string: break
        }
        if case .json = field.type { hint = "JSON" }
        self.hint = hint
        self.type = type
        self.step = step
        self.options = listed
        isSelect = select
        self.multiple = multiple
        isCheckboxes = checkboxes
        isTextArea = textArea
    }
}
