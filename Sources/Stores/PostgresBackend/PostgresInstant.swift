import Foundation
import PostgresNIO
import WorkflowEngine

/// An instant as PostgreSQL stores it: whole microseconds, counted the one way the engine counts them
/// (`Date.microsecondsSince1970`, which the SQLite store also uses).
///
/// PostgresNIO's own `Date` coding truncates a `Double` product, so a time the engine decided could be stored a
/// microsecond earlier, and read back as a `Date` unequal to the one the engine returned.
struct PostgresInstant: PostgresNonThrowingEncodable, PostgresDecodable {
    /// Microseconds from 1970 to PostgreSQL's epoch, 2000-01-01.
    static let epochOffset: Int64 = 946_684_800_000_000

    let date: Date

    init(_ date: Date) {
        self.date = date
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(date.microsecondsSince1970 - Self.epochOffset)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, buffer.readableBytes == 8,
              let micros = buffer.readInteger(as: Int64.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        date = Date(microsecondsSince1970: micros + Self.epochOffset)
    }
}

extension PostgresBindings {
    /// Binds an instant as whole microseconds (see `PostgresInstant`), preferred over PostgresNIO's `Date` coding.
    mutating func append(_ date: Date) {
        append(PostgresInstant(date))
    }

    mutating func append(_ date: Date?) {
        append(date.map(PostgresInstant.init))
    }
}

extension PostgresQuery.StringInterpolation {
    /// Interpolates an instant as whole microseconds (see `PostgresInstant`), preferred over PostgresNIO's `Date` coding.
    mutating func appendInterpolation(_ date: Date) {
        appendInterpolation(PostgresInstant(date))
    }

    mutating func appendInterpolation(_ date: Date?) {
        appendInterpolation(date.map(PostgresInstant.init))
    }
}
