#include "alertd/rules_api/rule_history.h"

#include <filesystem>

namespace twikit::rules_api {
namespace {

const std::vector<persistence::Migration>& migrations() {
  static const std::vector<persistence::Migration> m = {
      {1,
       "CREATE TABLE rule_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, rule_id TEXT NOT NULL, "
       "action TEXT NOT NULL, by_user TEXT NOT NULL, at_ms INTEGER NOT NULL, before TEXT, after TEXT);"
       "CREATE INDEX rule_changes_by_rule ON rule_changes (rule_id, seq)"},
  };
  return m;
}


/// `path`, once the directory it is in exists.
const std::string& with_parent_directory(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  return path;
}

}  // namespace

RuleHistory::RuleHistory(const std::string& path, const Clock& clock)
    : db_(with_parent_directory(path), migrations()), clock_(clock) {}

std::int64_t RuleHistory::record(const std::string& rule_id, const std::string& action, const std::string& by,
                                 const std::string& before, const std::string& after) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto st = db_.prepare("INSERT INTO rule_changes (rule_id, action, by_user, at_ms, before, after) VALUES (?,?,?,?,?,?)");
  st.bind(1, rule_id).bind(2, action).bind(3, by).bind(4, static_cast<std::int64_t>(clock_.now_ms()));
  if (before.empty()) st.bind_null(5); else st.bind(5, before);
  if (after.empty()) st.bind_null(6); else st.bind(6, after);
  st.run();
  auto last = db_.prepare("SELECT last_insert_rowid()");
  last.step();
  return last.integer(0);
}

void RuleHistory::rename(const std::string& old_id, const std::string& new_id) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  db_.prepare("UPDATE rule_changes SET rule_id = ? WHERE rule_id = ?").bind(1, new_id).bind(2, old_id).run();
}

std::vector<RuleChange> RuleHistory::list(const std::string& rule_id) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto st = db_.prepare(
      "SELECT seq, rule_id, action, by_user, at_ms, before, after FROM rule_changes WHERE rule_id = ? ORDER BY seq DESC");
  st.bind(1, rule_id);
  std::vector<RuleChange> out;
  while (st.step()) {
    out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3), st.integer(4), st.text(5), st.text(6)});
  }
  return out;
}

}  // namespace twikit::rules_api
