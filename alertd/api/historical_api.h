#pragma once
// GET /api/monitoring/historical/:metric — a metric's history (raw samples or aggregation buckets) as JSON
// for dashboards. Written against common/web_router.h; add_historical_routes() registers it.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "alertd/history/historical_source.h"
#include "common/web_router.h"

namespace twikit::api {

/// Maps a KPI key ("sessions.successRate") to its metric name; nullopt when `key` is not a KPI key.
using KpiResolver = std::function<std::optional<std::string>(std::string_view key)>;

/// Limits of the historical endpoint.
struct HistoricalApiOptions {
  /// Points one series may hold in an answer (as Prometheus' 11,000 steps of query_range); more is a 400.
  std::size_t max_points = 11'000;
};

/// Answers one GET /api/monitoring/historical/:metric request (`request.path` carries :metric) from `source`
/// (the embedded tier or a remote backend; a remote that cannot answer gives 503 when unreachable, else 502,
/// naming it); `resolver` (may be empty) maps KPI keys.
WebResponse historical_response(const WebRequest& request, const history::HistoricalSource& source,
                                const KpiResolver& resolver, const HistoricalApiOptions& options = {});

/// Registers GET /api/monitoring/historical/:metric on `router`. `source` must outlive it.
void add_historical_routes(WebRouter& router, const history::HistoricalSource& source, KpiResolver resolver = {},
                           HistoricalApiOptions options = {});

}  // namespace twikit::api
