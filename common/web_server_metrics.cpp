#include "common/web_server_metrics.h"

namespace twikit {
namespace {

MetricFamily one(std::string name, std::string help, MetricType type, std::uint64_t value) {
  return MetricFamily{std::move(name), std::move(help), type, {MetricSample{{}, static_cast<double>(value), {}, {}}}};
}

}  // namespace

std::vector<MetricFamily> web_server_families(const WebServerStats& stats, const std::string& prefix) {
  std::vector<MetricFamily> out;
  MetricFamily responses{prefix + "_http_responses_total", "HTTP responses sent, by status code.",
                         MetricType::counter, {}};
  for (const auto& [code, count] : stats.responses_by_code) {
    responses.samples.push_back(MetricSample{{{"code", std::to_string(code)}}, static_cast<double>(count), {}, {}});
  }
  out.push_back(std::move(responses));
  out.push_back(one(prefix + "_http_connections_open", "HTTP connections open now.", MetricType::gauge,
                    stats.connections_open));
  out.push_back(one(prefix + "_http_connections_accepted_total", "HTTP connections accepted.",
                    MetricType::counter, stats.connections_accepted));
  out.push_back(one(prefix + "_http_connections_rejected_total",
                    "HTTP connections closed at accept: over the connection limit or out of file descriptors.",
                    MetricType::counter, stats.connections_rejected));
  out.push_back(one(prefix + "_http_connections_timed_out_total",
                    "HTTP connections closed because a header, body, idle or write deadline passed.",
                    MetricType::counter, stats.connections_timed_out));
  return out;
}

}  // namespace twikit
