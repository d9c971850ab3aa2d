import NIOSSL
import PostgresNIO
import WorkflowEngine

/// Maps driver errors to the engine's; `"\(error)"` of a `PSQLError` is deliberately generic, so read its SQLSTATE.
///
/// A server's message text is never passed on: it may quote a value (personal data). Messages name the SQLSTATE, its
/// class, and what to do.
enum PostgresErrors {
    /// What went wrong while connecting (`connecting`) or while running a command on an open connection.
    static func translate(_ error: any Error, location: PostgresLocation, connecting: Bool = false) -> any Error {
        if error is WorkflowError || error is StoreSignal || error is CancellationError { return error }
        if let transaction = error as? PostgresTransactionError {
            return translate(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error,
                             location: location, connecting: connecting)
        }
        if error is LostConnection {
            return WorkflowError(.temporary, "the connection to PostgreSQL at \(location.endpoint) closed while the command waited for its answer (the server restarted, or a pooler or network dropped it); a write either committed whole or not at all (case history shows which); it was temporary: retry")
        }
        guard let psql = error as? PSQLError else {
            // The pool's own errors (`ConnectionPoolError`): it could not make a connection in time, or was shut down.
            let type = String(describing: Swift.type(of: error))
            if "\(error)".contains("CircuitBreaker") {
                return WorkflowError(.unavailable, "no connection to PostgreSQL at \(location.endpoint) could be made for a minute (\(type)); check that the server runs and accepts this URL's settings")
            }
            return WorkflowError(.temporary, "the connection to PostgreSQL at \(location.endpoint) was closed during the command (\(type)); it was temporary: retry")
        }
        guard let state = psql.serverInfo?[.sqlState] else {
            return connectionFailure(psql, location: location, connecting: connecting)
        }
        return classify(sqlState: state, constraint: psql.serverInfo?[.constraintName], location: location, connecting: connecting)
    }

    /// The store's reading of a SQLSTATE (and the constraint it names, if any): the one table of what each means.
    static func classify(sqlState state: String, constraint: String?, location: PostgresLocation, connecting: Bool = false) -> any Error {
        let constraint = constraint ?? ""
        let code = "SQLSTATE \(state), \(className(of: state))"
        // While connecting, a refused value is one of the session's settings, not the user's data.
        if connecting, ["22", "42"].contains(state.prefix(2)) {
            return WorkflowError(.unavailable, "PostgreSQL at \(location.endpoint) refused the session's settings (\(code)); check the URL's connect_timeout, lock_timeout and statement_timeout, and that the server is PostgreSQL 14 or later")
        }
        switch state {
        case "23505" where constraint == "case_events_idempotency_key_key":
            return StoreSignal.idempotencyKeyTaken(constraint)
        case "23505" where constraint == "case_events_case_id_case_version_key":
            return StoreSignal.versionConflict
        case "23505" where constraint == "case_unique_values_pkey":
            return StoreSignal.uniqueValueTaken
        case "23505" where constraint == "users_pkey":
            return WorkflowError(.invalidData, "that user name is taken: choose another (rsoctl users list shows them)")
        case "55P03":
            return WorkflowError(.temporary, "another session held a lock on the data this command needed for longer than the lock timeout (\(location.lockTimeout.spoken), lock_timeout / RSO_LOCK_TIMEOUT) (\(code)); nothing was written; it was temporary: retry")
        case "57014":
            return WorkflowError(.temporary, "the statement ran longer than the statement timeout (\(location.statementTimeout.spoken), statement_timeout / RSO_STATEMENT_TIMEOUT) or was cancelled (\(code)); nothing was written; it was temporary: retry")
        case "40P01":
            return WorkflowError(.temporary, "the server broke a deadlock with another session by rolling this command back (\(code)); nothing was written; it was temporary: retry")
        case "40001":
            return WorkflowError(.temporary, "the server could not serialize this command with a concurrent one (\(code)); nothing was written; it was temporary: retry")
        case "25006":
            return WorkflowError(.temporary, "PostgreSQL at \(location.endpoint) is read-only (a standby replica, or a database set read-only) (\(code)): writes go to the primary; nothing was written; retry against the primary, or after a failover")
        case "57P01", "57P02", "57P03":
            return WorkflowError(.temporary, "PostgreSQL at \(location.endpoint) is shutting down, restarting or starting up (\(code)); the command was not completed; it was temporary: retry in a moment")
        case "53300":
            return WorkflowError(.temporary, "PostgreSQL at \(location.endpoint) has no free connection slots (\(code)); it was temporary: retry in a moment")
        case "42P01", "42883":
            return WorkflowError(.unavailable, "\(location) has no rso-workflow schema yet (\(code)): run rsoctl db migrate")
        case "3D000":
            return WorkflowError(.unavailable, "PostgreSQL at \(location.endpoint) has no database \(location.database) (\(code)); check the URL")
        case "28000" where location.sslMode == .disable && location.socketPath == nil:
            // Sent in plaintext: the likeliest reason is a pg_hba.conf that admits this user only over TLS (hostssl).
            return WorkflowError(.unavailable, "PostgreSQL at \(location.endpoint) refused user \(location.username) on a connection without TLS (\(code)): the server requires TLS (hostssl in its pg_hba.conf); connect with sslmode=require, or sslmode=verify-full&sslrootcert=CA.pem to check its certificate; else check the user and the server's pg_hba.conf")
        case "28000", "28P01":
            let password = location.passwordSource.source.map { ", the password (from \($0))" } ?? ", the password"
            let certificate = location.sslMode == .disable ? "" : ", the client certificate (sslcert, sslkey)"
            let skipped = location.passwordSource.skipped.map { "; \($0)" } ?? ""
            return WorkflowError(.unavailable, "PostgreSQL at \(location.endpoint) refused user \(location.username) (\(code)); check the user\(password)\(certificate) and the server's pg_hba.conf\(skipped)")
        case "08P01":
            return WorkflowError(.unavailable, "the server at \(location.endpoint) refused the connection's startup packet (\(code)); a pooler may refuse the `options` parameter carrying lock_timeout, statement_timeout and plan_cache_mode: with PgBouncer, add options to ignore_startup_parameters and set them on the role (ALTER ROLE ... SET), or connect to PostgreSQL directly")
        default:
            break
        }
        switch String(state.prefix(2)) {
        case "23":
            let named = constraint.isEmpty ? "" : " \(constraint)"
            return WorkflowError(.invalidData, "the database refused the data: it breaks the constraint\(named) (\(code)); nothing was written: check the values given")
        case "22":
            return WorkflowError(.invalidData, "the database refused a value as out of range or malformed (\(code)); nothing was written: check the values given")
        case "40", "53":
            return WorkflowError(.temporary, "PostgreSQL at \(location.endpoint) rolled the command back (\(code)); nothing was written; it was temporary: retry")
        case "08":
            return WorkflowError(.temporary, "the connection to PostgreSQL at \(location.endpoint) failed during the command (\(code)); it was temporary: retry")
        default:
            return WorkflowError(.unavailable, "PostgreSQL at \(location.endpoint) refused the command (\(code)); nothing was written: check the server's log for this SQLSTATE, and that rsoctl db migrate has run")
        }
    }

    /// A failure with no SQLSTATE: the socket, not the server, failed.
    private static func connectionFailure(_ psql: PSQLError, location: PostgresLocation, connecting: Bool) -> WorkflowError {
        let underlying = psql.underlying.map { "\($0)" } ?? ""
        if let refused = connectionRefused(psql, location: location) { return refused }
        if connecting || psql.code == .connectionError {
            let cause: String
            if case .connectTimeout? = psql.underlying as? ChannelError {
                cause = "no answer within the connect timeout of \(location.connectTimeout.spoken): connect_timeout / RSO_CONNECT_TIMEOUT"
            } else if underlying.contains("connectTimeout") || underlying.lowercased().contains("timed out") {
                cause = "no answer within the connect timeout of \(location.connectTimeout.spoken): connect_timeout / RSO_CONNECT_TIMEOUT"
            } else if underlying.contains("refused") {
                cause = "connection refused"
            } else if underlying.contains("dnsA") || underlying.lowercased().contains("resolve") {
                cause = "the host name could not be resolved"
            } else if underlying.contains("No such file") {
                cause = "no server socket at that path"
            } else {
                cause = "\(psql.code)"
            }
            return WorkflowError(.unavailable, "cannot reach PostgreSQL at \(location.endpoint) (\(cause)); check that the server runs and the URL is right")
        }
        return WorkflowError(.temporary, "the connection to PostgreSQL at \(location.endpoint) was lost during the command (\(psql.code)); a write either committed whole or not at all (case history shows which); it was temporary: retry")
    }

    /// The server's certificate failed the check sslmode asks for, TLS was refused, or a password is needed and none
    /// was given: each said so, with what to change.
    private static func connectionRefused(_ psql: PSQLError, location: PostgresLocation) -> WorkflowError? {
        let mode = "sslmode=\(location.sslMode.rawValue)"
        if psql.code == .sslUnsupported {
            return WorkflowError(.unavailable, "PostgreSQL at \(location.endpoint) does not offer TLS (its ssl setting is off) and \(mode) requires it: turn ssl on at the server, or on a trusted network connect with sslmode=prefer or disable")
        }
        if psql.code == .authMechanismRequiresPassword {
            let skipped = location.passwordSource.skipped.map { "; \($0)" } ?? ""
            return WorkflowError(.unavailable, "PostgreSQL at \(location.endpoint) asks user \(location.username) for a password and none was given: put it in ~/.pgpass (mode 0600) or the file PGPASSFILE names, in the file RSO_DATABASE_PASSWORD_FILE names, or in PGPASSWORD\(skipped)")
        }
        if (psql.underlying as? NIOSSLExtraError) == .failedToValidateHostname {
            return WorkflowError(.unavailable, "the server's certificate at \(location.endpoint) does not name the host \(location.host) (certificate host name mismatch; \(mode) checks it): connect by a name the certificate lists, or have the certificate issued for \(location.host); sslmode=verify-ca checks the CA alone")
        }
        if case .handshakeFailed(let failure)? = psql.underlying as? NIOSSLError {
            let trusted = location.tls.trustedCAs ?? "no CA"
            if "\(failure)".contains("CERTIFICATE_VERIFY_FAILED") {
                return WorkflowError(.unavailable, "the server's certificate at \(location.endpoint) was not issued by a CA in \(trusted) (certificate verify failed; \(mode) checks it): give the CA that issued the server's certificate with sslrootcert=PATH")
            }
            return WorkflowError(.unavailable, "the TLS handshake with PostgreSQL at \(location.endpoint) failed (\(failure)); check the server's ssl settings and the URL's sslmode, sslcert and sslkey")
        }
        return nil
    }

    /// The SQLSTATE class, as PostgreSQL's documentation names it (Appendix A).
    static func className(of state: String) -> String {
        switch String(state.prefix(2)) {
        case "08": return "connection exception"
        case "0A": return "feature not supported"
        case "22": return "data exception"
        case "23": return "integrity constraint violation"
        case "25": return "invalid transaction state"
        case "28": return "invalid authorization specification"
        case "3D": return "invalid catalog name"
        case "40": return "transaction rollback"
        case "42": return "syntax error or access rule violation"
        case "53": return "insufficient resources"
        case "54": return "program limit exceeded"
        case "55": return "object not in prerequisite state"
        case "57": return "operator intervention"
        case "58": return "system error"
        case "P0": return "PL/pgSQL error"
        case "XX": return "internal error"
        default: return "class \(state.prefix(2))"
        }
    }
}
