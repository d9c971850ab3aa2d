/// A numbered schema change: a list of single statements (drivers send one statement per query).
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}
