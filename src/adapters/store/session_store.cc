// Session files under <state_dir>/sessions: save, load by id or prefix, list (session_store.h).
#include "adapters/store/session_store.h"

#include <dirent.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>

#include "adapters/files/files.h"
#include "core/audit/session_id.h"
#include "core/base/text.h"

namespace audex {
namespace {

constexpr std::string_view kSuffix = ".json";

Result<SessionRecord> ReadRecord(const std::filesystem::path& path, std::string_view id) {
  auto text = ReadFileIfPresent(path);
  if (!text) return tl::unexpected(text.error());
  if (!*text)
    return StateError(fmt::format("{} disappeared while it was being read", path.string()));
  auto record = ParseSessionRecord(**text);
  if (!record) {
    return StateError(
        fmt::format("{} is not a session record: {}", path.string(), record.error().message));
  }
  if (record->id != id) {
    return StateError(fmt::format("{} holds session \"{}\", not the one its name says",
                                  path.string(), record->id));
  }
  return record;
}

}  // namespace

SessionStore::SessionStore(const std::filesystem::path& state_dir)
    : directory_(state_dir / "sessions") {}

std::filesystem::path SessionStore::FileFor(std::string_view id) const {
  return directory_ / (std::string(id) + std::string(kSuffix));
}

Result<void> SessionStore::Save(const SessionRecord& record) const {
  // The id becomes a file name: only a well-formed one may.
  if (!IsSessionId(record.id)) {
    return StateError(fmt::format("\"{}\" is not a session id; session not saved", record.id));
  }
  if (auto made = MakePrivateDirectory(directory_); !made) return made;
  return ReplaceFileAtomically(FileFor(record.id), SessionRecordJson(record).dump(2) + "\n");
}

Result<std::vector<std::string>> SessionStore::Ids() const {
  std::vector<std::string> ids;
  DIR* directory = ::opendir(directory_.c_str());
  if (directory == nullptr) {
    if (errno == ENOENT) return ids;
    return tl::unexpected(SystemError("list", directory_, errno));
  }
  while (const dirent* entry = ::readdir(directory)) {
    const std::string_view name = entry->d_name;
    if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
      continue;
    }
    const std::string_view id = name.substr(0, name.size() - kSuffix.size());
    if (IsSessionId(id)) ids.emplace_back(id);  // temporary files start with '.'
  }
  ::closedir(directory);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<SessionRecord> SessionStore::Load(std::string_view id_or_prefix) const {
  if (!IsSessionIdPrefix(id_or_prefix)) {
    return UsageError(fmt::format(
        "\"{}\" is not a session id (ids are {} characters of 0-9 and a-z without i, l, o, u); "
        "tryaudex sessions list --all shows them",
        id_or_prefix, kSessionIdLength));
  }
  const std::string wanted = ToLower(id_or_prefix);
  auto ids = Ids();
  if (!ids) return tl::unexpected(ids.error());
  std::vector<std::string> matches;
  for (const std::string& id : *ids) {
    if (id == wanted) return ReadRecord(FileFor(id), id);
    if (id.compare(0, wanted.size(), wanted) == 0) matches.push_back(id);
  }
  if (matches.empty()) {
    return UsageError(
        fmt::format("no session \"{}\" in {}; tryaudex sessions list --all shows them",
                    id_or_prefix, directory_.string()));
  }
  if (matches.size() > 1) {
    const size_t shown = std::min<size_t>(matches.size(), 5);
    return UsageError(fmt::format(
        "\"{}\" is the beginning of {} sessions ({}{}); type more of the id", id_or_prefix,
        matches.size(), Join({matches.begin(), matches.begin() + static_cast<long>(shown)}, ", "),
        matches.size() > shown ? ", ..." : ""));
  }
  return ReadRecord(FileFor(matches.front()), matches.front());
}

Result<SessionStore::Listing> SessionStore::List() const {
  auto ids = Ids();
  if (!ids) return tl::unexpected(ids.error());
  Listing listing;
  for (const std::string& id : *ids) {
    auto record = ReadRecord(FileFor(id), id);
    if (record) {
      listing.sessions.push_back(std::move(*record));
    } else {
      listing.warnings.push_back(record.error().message);
    }
  }
  std::stable_sort(listing.sessions.begin(), listing.sessions.end(),
                   [](const SessionRecord& a, const SessionRecord& b) {
                     return a.created != b.created ? a.created > b.created : a.id < b.id;
                   });
  return listing;
}

}  // namespace audex
