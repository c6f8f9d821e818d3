// Reading SqlRow cells (sql_connection.h).
#include "adapters/teamstore/sql_connection.h"

#include <charconv>

namespace audex {

const std::string& SqlRow::Text(size_t column) const {
  static const std::string kEmpty;
  const auto& cell = cells.at(column);
  return cell ? *cell : kEmpty;
}

int64_t SqlRow::Int(size_t column) const { return OptionalInt(column).value_or(0); }

std::optional<int64_t> SqlRow::OptionalInt(size_t column) const {
  const auto& cell = cells.at(column);
  if (!cell) return std::nullopt;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(cell->data(), cell->data() + cell->size(), value);
  if (error != std::errc() || end != cell->data() + cell->size()) return 0;
  return value;
}

}  // namespace audex
