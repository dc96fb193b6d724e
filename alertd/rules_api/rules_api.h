#pragma once
// The operations behind /api/monitoring/alert-rules: list every rule of every loaded file, read one, and
// create, replace or delete rules in the managed directory (validated as `alertd check rules`, written
// atomically, then reloaded), with ETags and a change history. Free of the App: what it needs of alertd
// comes in as callbacks.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "alertd/config/kpi_table.h"
#include "alertd/rules/snapshot.h"
#include "alertd/rules_api/rule_history.h"
#include "alertd/rules_api/rule_store.h"
#include "common/clock.h"

namespace twikit::rules_api {

/// What the API needs of the daemon around it.
struct RulesApiOptions {
  std::string managed_dir;  ///< `rules.managed_dir`.
  /// The change-log database; empty = `<managed_dir>/history.db`.
  std::string history_path;
  /// The rule files alertd loads now (config's rule_files); the managed files are listed in any case.
  std::function<std::vector<std::string>()> rule_files;
  /// The rule manager's snapshot (health, last evaluation, alerts); none = every rule "unknown".
  std::function<std::vector<rules::GroupSnapshot>()> snapshot;
  /// Reloads alertd after a write; returns the reason when the reload failed (the write is then undone).
  std::function<std::optional<std::string>()> reload;
  /// The API bearer token now configured; empty = mutations refused with 403. None = no token.
  std::function<std::string()> bearer_token;
  /// The KPI table the seed form's `metric` is looked up in; none = the embedded default.
  std::function<config::KpiTable()> kpis;
  const Clock* clock = nullptr;  ///< Stamps history entries; none = the system clock.
};

/// An answer: status, JSON body and extra headers (ETag, Location, WWW-Authenticate).
struct ApiAnswer {
  int status = 200;                                          ///< HTTP status.
  nlohmann::ordered_json body;                               ///< {"status":"success","data":…} or an error.
  std::vector<std::pair<std::string, std::string>> headers;  ///< Extra response headers.
};

/// The rules API. Thread-safe: reads and writes are serialised by one mutex, so two writers never
/// interleave their read-modify-write of a file.
class RulesApi {
 public:
  /// An API over `options.managed_dir`; opens the history database (throws std::runtime_error on failure).
  explicit RulesApi(RulesApiOptions options);
  RulesApi(const RulesApi&) = delete;
  RulesApi& operator=(const RulesApi&) = delete;

  /// 401 (wrong or missing `Authorization: Bearer`) or 403 (no token configured), or nullopt when allowed.
  std::optional<ApiAnswer> authorize(const std::string& authorization_header) const;

  /// Every rule of every loaded file, plus the disabled ones.
  ApiAnswer list();
  /// One rule, with its ETag; 404 when there is none with `id`.
  ApiAnswer get(const std::string& id);
  /// Creates a rule from a JSON body in either form; 201 with Location and ETag.
  ApiAnswer create(const std::string& body, const std::string& user);
  /// Replaces rule `id`; `if_match` (empty = unconditional) must match its ETag, else 412.
  ApiAnswer replace(const std::string& id, const std::string& body, const std::string& if_match, const std::string& user);
  /// Deletes rule `id`; `if_match` as for replace().
  ApiAnswer remove(const std::string& id, const std::string& if_match, const std::string& user);
  /// The changes made to rule `id`, newest first; 404 when it neither exists nor has any.
  ApiAnswer history(const std::string& id);

  /// The managed directory's paths.
  const RuleStore& store() const { return store_; }

 private:
  struct Located;
  struct Catalog;
  Catalog catalog() const;
  nlohmann::ordered_json describe(const Located& r, const std::vector<rules::GroupSnapshot>* snapshots,
                                  const config::KpiTable& kpis) const;
  ApiAnswer write(Catalog& catalog, const Located* old_rule, std::optional<std::string> body, const std::string& if_match,
                  const std::string& user);
  config::KpiTable kpi_table() const;

  RulesApiOptions options_;
  RuleStore store_;
  std::unique_ptr<Clock> own_clock_;
  const Clock* clock_;
  RuleHistory history_;
  std::mutex mu_;
};

}  // namespace twikit::rules_api
