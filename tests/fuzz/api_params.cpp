// Fuzzes the parsers alertd's HTTP APIs apply to their parameters. Every line of the input goes through
// the Prometheus-shaped API's time and step parsers, the monitoring API's time parser, RFC 3339, Prometheus
// durations (common and PromQL's) and Alertmanager matcher strings (matched against a label set when they
// parse). Then the lines are the query of GET /api/monitoring/alerts (`name=value` each), or, when the input
// starts with `{`, the whole input is the body of POST /api/monitoring/silences. A rejection (nullopt,
// false, std::invalid_argument where documented, a 4xx answer) is legitimate; any other exception, a
// crash, a hang or UB is a finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>


#include "alertd/api/monitoring_api.h"
#include "alertd/api/monitoring_json.h"
#include "alertd/api/prometheus_api.h"
#include "alertd/notify/matcher.h"
#include "alertd/persistence/alert_store.h"
#include "alertd/persistence/database.h"
#include "alertd/promql/parser.h"
#include "alertd/silence/silences.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/json_text.h"
#include "common/rfc3339.h"

namespace {

void parse_one_parameter(const std::string& text) {
  (void)twikit::api::parse_time_param(text);
  (void)twikit::api::parse_duration_param(text);
  twikit::TimestampMs t = 0;
  (void)twikit::api::parse_api_time(text, t);
  (void)twikit::parse_rfc3339(text, t);
  (void)twikit::parse_duration_ms(text);
  try {
    (void)twikit::promql::parse_duration_ms(text);
  } catch (const std::invalid_argument&) {
  }
  static const auto labels = twikit::make_labels({{"alertname", "ProxyPoolDegraded"}, {"service", "proxy_rotation"},
                                                  {"severity", "critical"}, {"team", "ops"}});
  try {
    for (const auto& m : twikit::notify::parse_matchers(text)) {
      (void)m.matches(labels);
      (void)m.to_string();
    }
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)twikit::notify::parse_matcher(text).matches_value("proxy_rotation");
  } catch (const std::invalid_argument&) {
  }
}

// An empty alert store (list_alerts only reads it).
twikit::persistence::AlertStore& empty_alert_store() {
  static auto* db = new twikit::persistence::Database(":memory:", twikit::persistence::alertd_migrations());
  static auto* store = new twikit::persistence::AlertStore(*db);
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  twikit::WebParams params;
  for (std::size_t start = 0; start <= input.size();) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    const std::string line = input.substr(start, end - start);
    parse_one_parameter(line);
    const std::size_t eq = line.find('=');
    params.emplace_back(line.substr(0, eq), eq == std::string::npos ? "" : line.substr(eq + 1));
    start = end + 1;
  }
  const twikit::FakeClock clock(1'700'000'000'000);
  twikit::silence::Silences silences(clock, nullptr);
  twikit::api::MonitoringApi api(empty_alert_store(), silences, clock);
  api.set_token("fuzz");
  if (!input.empty() && input.front() == '{') {
    (void)twikit::safe_dump(api.create_silence("Bearer fuzz", input).body);
    (void)twikit::safe_dump(api.list_silences({}).body);
  } else {
    (void)twikit::safe_dump(api.list_alerts(params).body);
  }
  return 0;
}
