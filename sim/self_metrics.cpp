#include "sim/self_metrics.h"

#include <algorithm>

#include "common/exposition_response.h"
#include "common/process_metrics.h"

namespace twikit::sim {
namespace {

MetricSample sample(Labels labels, double value) { return MetricSample{make_labels(std::move(labels)), value, {}, {}}; }

MetricFamily requests_family(const std::vector<std::unique_ptr<ServiceServer>>& services) {
  MetricFamily family{"twikit_sim_requests_total", "GET /status requests answered, by service and HTTP status code.",
                      MetricType::counter, {}};
  for (const auto& service : services) {
    auto counts = service->requests_by_status();
    counts.try_emplace(200, 0);  // every service has a series from the start, so rate() sees its first requests
    for (const auto& [code, count] : counts) {
      family.samples.push_back(
          sample({{"service", service->name()}, {"code", std::to_string(code)}}, static_cast<double>(count)));
    }
  }
  return family;
}

MetricFamily fault_family(const std::vector<std::unique_ptr<ServiceServer>>& services) {
  MetricFamily family{"twikit_sim_fault", "The fault mode set on each service: 1 for the mode set, 0 for the others.",
                      MetricType::gauge, {}};
  for (const auto& service : services) {
    const FaultMode current = service->fault().mode;
    for (const FaultMode mode : kFaultModes) {
      family.samples.push_back(sample({{"service", service->name()}, {"mode", std::string(fault_mode_name(mode))}},
                                      mode == current ? 1 : 0));
    }
  }
  return family;
}

MetricFamily admin_family(const AdminRequestCounts& admin) {
  MetricFamily family{"twikit_sim_admin_requests_total",
                      "Requests answered by the admin API, by method and HTTP status code.", MetricType::counter, {}};
  for (const auto& [key, count] : admin.snapshot()) {
    family.samples.push_back(sample({{"method", key.first}, {"code", std::to_string(key.second)}},
                                    static_cast<double>(count)));
  }
  return family;
}

}  // namespace

std::vector<MetricFamily> self_metrics(const std::vector<std::unique_ptr<ServiceServer>>& services,
                                       const AdminRequestCounts& admin) {
  std::vector<MetricFamily> out;
  out.push_back(MetricFamily{"twikit_sim_build_info",
                             "A metric with a constant '1' value labeled by version from which twikit-sim was built.",
                             MetricType::gauge,
                             {sample({{"version", TWIKIT_VERSION}}, 1)}});
  out.push_back(requests_family(services));
  out.push_back(fault_family(services));
  out.push_back(admin_family(admin));
  for (auto& family : process_metrics()) out.push_back(std::move(family));
  return out;
}

void serve_metrics(const WebRequest& req, WebResponse& res,
                   const std::vector<std::unique_ptr<ServiceServer>>& services, const AdminRequestCounts& admin) {
  const ExpositionFormat format = negotiate_format(req.headers.get("Accept"));
  std::string text;
  write_exposition(text, self_metrics(services, admin), format);
  send_exposition(req, res, std::move(text), format);
}

}  // namespace twikit::sim
