#pragma once
// Silences in SQLite.

#include "alertd/persistence/database.h"
#include "alertd/silence/silences.h"

namespace twikit::persistence {

/// The silences table. Thread-safe.
class SqliteSilenceStore final : public silence::SilenceStore {
 public:
  /// Uses `db`, which must outlive it.
  explicit SqliteSilenceStore(Database& db) : db_(db) {}
  void save(const silence::Silence& s) override;
  std::vector<silence::Silence> load_all() override;

 private:
  Database& db_;
};

}  // namespace twikit::persistence
