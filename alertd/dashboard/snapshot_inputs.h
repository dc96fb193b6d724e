#pragma once
// Everything a rebuild of the monitoring documents reads, as plain values the App already has.

#include <string>
#include <vector>

#include "alertd/config/kpi_table.h"
#include "alertd/dashboard/health.h"
#include "alertd/dashboard/trend_source.h"
#include "alertd/rules/alert.h"
#include "alertd/scrape/scrape_manager.h"
#include "alertd/storage/series_store.h"

namespace twikit::dashboard {

/// One of alertd's own parts (scraping, rule evaluation, a notification queue or receiver, the
/// database, history) as the App sees it.
struct ComponentStatus {
  std::string name;                 ///< E.g. "rule_evaluation", "receiver/ops-email".
  Health status = Health::healthy;  ///< Its status.
  std::string detail;               ///< One line for an operator, empty when there is nothing to say.
};

/// The inputs of one rebuild. The pointers are only read during the call that receives the inputs.
struct SnapshotInputs {
  const storage::Queryable* store = nullptr;  ///< The series store (required).
  const config::KpiTable* kpis = nullptr;     ///< The KPI table; null = config::default_kpi_table().
  const TrendSource* trends = nullptr;        ///< Where trends come from; null = the store itself.
  std::vector<rules::Alert> alerts;           ///< Pending and firing alerts (RuleManager::active_alerts()).
  std::vector<scrape::TargetStatus> targets;  ///< alertd's scrape targets (ScrapeManager::targets()).
  std::vector<ComponentStatus> components;    ///< alertd's own parts.
  TimestampMs now = 0;                        ///< The time the documents describe.
};

}  // namespace twikit::dashboard
