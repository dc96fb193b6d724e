#include "alertd/persistence/silence_store.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "common/json_text.h"
#include "common/logging.h"

namespace twikit::persistence {

void SqliteSilenceStore::save(const silence::Silence& s) {
  nlohmann::json matchers = nlohmann::json::array();
  for (const auto& m : s.matchers) matchers.push_back(m.to_string());
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO silences(id, matchers, starts_at, ends_at, created_by, comment, updated_at) "
      "VALUES (?,?,?,?,?,?,?)");
  st.bind(1, s.id)
      .bind(2, safe_dump(matchers))
      .bind(3, s.starts_at)
      .bind(4, s.ends_at)
      .bind(5, s.created_by)
      .bind(6, s.comment)
      .bind(7, s.updated_at)
      .run();
}

std::vector<silence::Silence> SqliteSilenceStore::load_all() {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto st = db_.prepare("SELECT id, matchers, starts_at, ends_at, created_by, comment, updated_at FROM silences");
  std::vector<silence::Silence> out;
  while (st.step()) {
    silence::Silence s;
    s.id = st.text(0);
    // A row that does not read back (bad JSON, invalid UTF-8, a matcher that no longer parses) is skipped
    // with a log line: a restart must never fail on stored state.
    try {
      const auto matchers = nlohmann::json::parse(st.text(1));
      if (!matchers.is_array()) throw std::runtime_error("matchers are not a JSON array");
      for (const auto& m : matchers) s.matchers.push_back(notify::parse_matcher(m.get<std::string>()));
    } catch (const std::exception& e) {
      logger("persistence")->warn("msg=\"skipping unreadable stored silence\" table=silences id={} err={}",
                                  logfmt_value(s.id), logfmt_value(e.what()));
      continue;
    }
    s.starts_at = st.integer(2);
    s.ends_at = st.integer(3);
    s.created_by = st.text(4);
    s.comment = st.text(5);
    s.updated_at = st.integer(6);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace twikit::persistence
