import PostgresNIO

/// Maps driver errors to the engine's; `"\(error)"` of a `PSQLError` is deliberately generic, so read its SQLSTATE.
enum PostgresErrors {
    static func translate(_ error: any Error, location: PostgresLocation) -> any Error {
        if error is WorkflowError || error is StoreSignal { return error }
        if let transaction = error as? PostgresTransactionError {
            return translate(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error, location: location)
        }
        guard let psql = error as? PSQLError else { return error }
        guard let state = psql.serverInfo?[.sqlState] else {
            let cause = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
            return WorkflowError(.unavailable, "cannot reach PostgreSQL at \(location) (\(cause)); check that the server runs and the URL is right")
        }
        let constraint = psql.serverInfo?[.constraintName] ?? ""
        let message = psql.serverInfo?[.message] ?? state
        switch state {
        case "23505" where constraint == "case_events_idempotency_key_key":
            return StoreSignal.idempotencyKeyTaken(constraint)
        case "23505" where constraint == "case_events_case_id_case_version_key":
            return StoreSignal.versionConflict
        case "23505" where constraint == "case_unique_values_pkey":
            return StoreSignal.uniqueValueTaken
        case "23505" where constraint == "users_pkey":
            return WorkflowError(.invalidData, "that user name is taken: choose another (rsoctl users list shows them)")
        case "40001", "40P01":
            return StoreSignal.versionConflict
        case "42P01", "42883":
            return WorkflowError(.unavailable, "\(location) has no rso-workflow schema yet: run rsoctl db migrate")
        case "3D000", "28000", "28P01", "57P03", "53300":
            return WorkflowError(.unavailable, "PostgreSQL at \(location) refused the connection: \(message)")
        default:
            return WorkflowError(.unavailable, "PostgreSQL error \(state) at \(location): \(message)")
        }
    }
}
