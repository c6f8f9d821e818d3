// The team store's PostgreSQL connection (sql_connection.h), over libpq.
// libpq rather than libpqxx: errors come back as values, as they do
// everywhere else in Audex, with no exceptions to catch at this boundary,
// and the handful of calls TeamStore needs (connect, run with parameters,
// read text) are as short in C as through the wrapper.
#include <libpq-fe.h>

#include <fmt/format.h>

#include "adapters/teamstore/sql_connection.h"

namespace audex {
namespace {

// libpq's messages end in '\n' and may span lines; Audex's are one line.
std::string OneLine(std::string_view text) {
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      line += "; ";
    } else {
      line += c;
    }
  }
  while (line.size() >= 2 && line.compare(line.size() - 2, 2, "; ") == 0)
    line.resize(line.size() - 2);
  return line;
}

// SQLSTATE classes (PostgreSQL, Appendix A): 08 connection exception, 23
// integrity constraint violation, 40 transaction rollback (serialization
// failure, deadlock), 57P0x the server is shutting down or starting.
SqlError::Code CodeFor(std::string_view sqlstate) {
  if (sqlstate.substr(0, 2) == "08" || sqlstate.substr(0, 4) == "57P0") {
    return SqlError::Code::kConnection;
  }
  if (sqlstate.substr(0, 2) == "23") return SqlError::Code::kConstraint;
  if (sqlstate.substr(0, 2) == "40") return SqlError::Code::kBusy;
  return SqlError::Code::kOther;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  SqlResult<SqlRows> Exec(std::string_view sql, const SqlParams& params) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* number = std::get_if<int64_t>(&params[i])) {
        texts[i] = std::to_string(*number);
        values[i] = texts[i].c_str();
      } else if (const auto* text = std::get_if<std::string>(&params[i])) {
        values[i] = text->c_str();
      }
    }
    // Unnamed statements (PQexecParams), not named prepared ones, so that a
    // transaction-pooling proxy such as PgBouncer can sit in between.
    ResultPtr result(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(params.size()),
                                  nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0));
    if (auto failed = Failure(result.get())) return tl::unexpected(std::move(*failed));
    SqlRows rows;
    const int count = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    rows.reserve(static_cast<size_t>(count));
    for (int r = 0; r < count; ++r) {
      SqlRow row;
      row.cells.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          row.cells.emplace_back();
        } else {
          row.cells.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                             static_cast<size_t>(PQgetlength(result.get(), r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  SqlResult<void> ExecScript(std::string_view sql) override {
    ResultPtr result(PQexec(conn_, std::string(sql).c_str()));
    if (auto failed = Failure(result.get())) return tl::unexpected(std::move(*failed));
    return {};
  }

  bool Broken() const override { return PQstatus(conn_) == CONNECTION_BAD; }
  SqlBackend backend() const override { return SqlBackend::kPostgres; }

 private:
  std::optional<SqlError> Failure(const PGresult* result) const {
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return std::nullopt;
    if (!result || PQstatus(conn_) == CONNECTION_BAD) {
      return SqlError{SqlError::Code::kConnection, OneLine(PQerrorMessage(conn_))};
    }
    // The primary message only: DETAIL can quote the values of a row.
    const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return SqlError{CodeFor(sqlstate ? sqlstate : ""),
                    OneLine(primary ? primary : PQresultErrorMessage(result))};
  }

  PGconn* conn_;
};

void IgnoreNotice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenPostgresConnection(const SecretString& url,
                                                              const std::string& display) {
  // dbname comes last so that what the URL says overrides these defaults
  // (libpq processes keywords in order; the last one wins). connect_timeout
  // 2 s, libpq's least, bounds how long a request waits on an unreachable
  // server before the HTTP layer answers 503.
  const char* const keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                              nullptr};
  const char* const values[] = {"2", "tryaudex-server", "UTF8", url.Reveal().c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return StateError(fmt::format("cannot connect to the store {}: out of memory", display));
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return StateError(fmt::format("cannot connect to the store {}: {}", display, message));
  }
  // CREATE ... IF NOT EXISTS and the like send notices, which libpq would
  // print on stderr, where the server writes its JSON log lines.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<SqlConnection>(std::make_unique<PostgresConnection>(conn));
}

}  // namespace audex
