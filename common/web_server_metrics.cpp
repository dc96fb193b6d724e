#include "common/web_server_metrics.h"

namespace twikit {
namespace {

prometheus::MetricFamily one(std::string name, std::string help, prometheus::MetricType type, std::uint64_t value) {
  return single_value(std::move(name), std::move(help), type, static_cast<double>(value));
}

}  // namespace

std::vector<prometheus::MetricFamily> web_server_families(const WebServerStats& stats, const std::string& prefix) {
  std::vector<prometheus::MetricFamily> out;
  prometheus::MetricFamily responses =
      make_family(prefix + "_http_responses_total", "HTTP responses sent, by status code.", prometheus::MetricType::Counter);
  for (const auto& [code, count] : stats.responses_by_code) {
    add_value(responses, static_cast<double>(count), {{"code", std::to_string(code)}});
  }
  out.push_back(std::move(responses));
  out.push_back(one(prefix + "_http_connections_open", "HTTP connections open now.", prometheus::MetricType::Gauge,
                    stats.connections_open));
  out.push_back(one(prefix + "_http_connections_accepted_total", "HTTP connections accepted.",
                    prometheus::MetricType::Counter, stats.connections_accepted));
  out.push_back(one(prefix + "_http_connections_rejected_total",
                    "HTTP connections closed at accept: over the connection limit or out of file descriptors.",
                    prometheus::MetricType::Counter, stats.connections_rejected));
  out.push_back(one(prefix + "_http_connections_timed_out_total",
                    "HTTP connections closed because a header, body, idle or write deadline passed.",
                    prometheus::MetricType::Counter, stats.connections_timed_out));
  return out;
}

}  // namespace twikit
