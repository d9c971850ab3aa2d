import Foundation

/// A horizontal bar chart as SVG, drawn on the server: one row per label, one bar per series in it, each bar with
/// its number beside it and a `<title>` (a tooltip, and what a screen reader says). The table beside it holds the same
/// figures for anyone who cannot see the chart.
struct BarChart {
    let title: String
    let labels: [String]
    let series: [(name: String, values: [Int])]

    /// Two blues dark enough against white for the WCAG's 3:1 for graphics.
    static let colours = ["#0b3d60", "#2b7bb9"]

    var svg: String {
        let labelWidth = 170.0, barArea = 420.0, barHeight = 14.0, gap = 8.0
        let rowHeight = Double(series.count) * barHeight + gap
        let largest = max(1, series.flatMap(\.values).max() ?? 1)
        let legendHeight = series.count > 1 ? 22.0 : 0
        let height = legendHeight + Double(labels.count) * rowHeight + gap
        var parts = ["<svg role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 \(Int(labelWidth + barArea + 60)) \(Int(height))\" width=\"100%\" style=\"max-width:42rem\" xmlns=\"http://www.w3.org/2000/svg\">",
                     "<title id=\"chart-title\">\(Self.escaped(title))</title>"]
        if series.count > 1 {
            for (index, entry) in series.enumerated() {
                let x = labelWidth + Double(index) * 150
                parts.append("<rect x=\"\(x)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(Self.colours[index % 2])\"/><text x=\"\(x + 18)\" y=\"14\" font-size=\"12\">\(Self.escaped(entry.name))</text>")
            }
        }
        for (row, label) in labels.enumerated() {
            let top = legendHeight + Double(row) * rowHeight + gap / 2
            parts.append("<text x=\"\(labelWidth - 6)\" y=\"\(top + rowHeight / 2)\" font-size=\"12\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Self.escaped(label))</text>")
            for (index, entry) in series.enumerated() {
                let value = entry.values[row]
                let width = Double(value) / Double(largest) * barArea
                let y = top + Double(index) * barHeight
                parts.append("<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(String(format: "%.1f", width))\" height=\"\(barHeight - 2)\" fill=\"\(Self.colours[index % 2])\"><title>\(Self.escaped(label)), \(Self.escaped(entry.name)): \(value)</title></rect>")
                parts.append("<text x=\"\(String(format: "%.1f", labelWidth + width + 4))\" y=\"\(y + barHeight / 2)\" font-size=\"11\" dominant-baseline=\"middle\">\(value)</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// Text in SVG, as in HTML: a state's or a series' name never becomes markup.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
