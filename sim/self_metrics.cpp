#include "sim/self_metrics.h"

#include "common/exposition_response.h"
#include "common/process_metrics.h"
#include "sim/service_server.h"

namespace twikit::sim {
namespace {

// twikit_sim_build_info, declared first: 1, labelled by version.
MetricsRegistry& with_build_info(MetricsRegistry& registry) {
  registry
      .gauge("twikit_sim_build_info", "A metric with a constant '1' value labeled by version from which twikit-sim was built.")
      .Add({{"version", TWIKIT_VERSION}})
      .Set(1);
  return registry;
}

prometheus::MetricFamily fault_family(const std::vector<std::unique_ptr<ServiceServer>>& services) {
  prometheus::MetricFamily family = make_family(
      "twikit_sim_fault", "The fault mode set on each service: 1 for the mode set, 0 for the others.", prometheus::MetricType::Gauge);
  for (const auto& service : services) {
    const FaultMode current = service->fault().mode;
    for (const FaultMode mode : kFaultModes) {
      add_value(family, mode == current ? 1 : 0,
                make_labels({{"service", service->name()}, {"mode", std::string(fault_mode_name(mode))}}));
    }
  }
  return family;
}

}  // namespace

SimMetrics::SimMetrics(const std::vector<std::unique_ptr<ServiceServer>>& services)
    : status_requests_(with_build_info(registry_).counter(
          "twikit_sim_requests_total", "GET /status requests answered, by service and HTTP status code.")) {
  const auto* all = &services;
  registry_.add([all] { return std::vector<prometheus::MetricFamily>{fault_family(*all)}; });
  admin_requests_ = &registry_.counter("twikit_sim_admin_requests_total",
                                       "Requests answered by the admin API, by method and HTTP status code.");
  registry_.add(process_metrics);
}

void SimMetrics::admin_request(const std::string& method, int code) {
  admin_requests_->Add({{"method", method}, {"code", std::to_string(code)}}).Increment();
}

void serve_metrics(const WebRequest& req, WebResponse& res, const SimMetrics& metrics) {
  const ExpositionFormat format = negotiate_format(req.headers.get("Accept"));
  std::string text;
  write_exposition(text, metrics.families(), format);
  send_exposition(req, res, std::move(text), format);
}

}  // namespace twikit::sim
