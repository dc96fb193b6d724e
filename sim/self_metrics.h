#pragma once
// twikit-sim's own /metrics: build info, process metrics, status requests per service and code, the fault
// set on each service, and admin API requests.

#include <memory>
#include <string>
#include <vector>

#include "common/exposition.h"
#include "common/metrics_registry.h"
#include "common/web_message.h"

namespace twikit::sim {

class ServiceServer;

/// The sim's own metric families, held in prometheus-cpp families. Thread-safe: services count their answers
/// and the admin API its own from their handler threads while /metrics collects.
class SimMetrics {
 public:
  /// Declares the families; the fault set on each of `services` (which must outlive this) is read at each
  /// collect().
  explicit SimMetrics(const std::vector<std::unique_ptr<ServiceServer>>& services);
  SimMetrics(const SimMetrics&) = delete;
  SimMetrics& operator=(const SimMetrics&) = delete;

  /// twikit_sim_requests_total{service, code}: where each service counts the GET /status requests it answers.
  prometheus::Family<prometheus::Counter>& status_requests() { return status_requests_; }
  /// Counts one admin API answer with `method` (a method label value) and HTTP status `code`.
  void admin_request(const std::string& method, int code);

  /// The twikit_sim_* and process_* families, read now.
  std::vector<MetricFamily> families() const { return registry_.collect(); }

 private:
  MetricsRegistry registry_;
  prometheus::Family<prometheus::Counter>& status_requests_;
  prometheus::Family<prometheus::Counter>* admin_requests_ = nullptr;
};

/// Answers GET /metrics with `metrics`' families: text 0.0.4, or OpenMetrics when the Accept header asks for it;
/// gzip-compressed when the Accept-Encoding header allows it.
void serve_metrics(const WebRequest& req, WebResponse& res, const SimMetrics& metrics);

}  // namespace twikit::sim
