// Fuzzes the PromQL evaluator (alertd/promql/engine): the input is parsed as an expression and, when it
// parses, run as an instant query and a short range query over a small fixed store (counters, gauges,
// histogram buckets, a gap, a staleness marker, NaN and Inf). ParseError and EvalError are legitimate
// answers; a crash, a hang beyond -timeout, memory beyond -rss_limit_mb, UB or any other exception is a
// finding. The engine's sample limit is lowered and its timeout set to 2 s, so that a legitimately heavy
// query fails fast.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "alertd/promql/engine.h"
#include "alertd/promql/parser.h"
#include "alertd/storage/sample.h"
#include "alertd/storage/series_store.h"

namespace {

using twikit::TimestampMs;

constexpr TimestampMs kStep = 15'000;  // the scrape interval of the fixed store
constexpr int kPoints = 80;            // 20 minutes of samples
constexpr TimestampMs kEnd = kStep * kPoints;

void add(twikit::storage::SeriesStore& store, std::vector<twikit::Label> labels, double (*value)(int)) {
  const auto set = twikit::make_labels(std::move(labels));
  for (int i = 0; i < kPoints; ++i) store.append(set, kStep * i, value(i));
}

// The store every input is evaluated against; built once and only read afterwards.
const twikit::storage::SeriesStore& fixed_store() {
  static const auto* store = [] {
    auto* s = new twikit::storage::SeriesStore();
    add(*s, {{"__name__", "up"}, {"job", "api"}, {"instance", "a:1"}}, [](int) { return 1.0; });
    add(*s, {{"__name__", "up"}, {"job", "api"}, {"instance", "b:1"}}, [](int i) { return i % 7 == 0 ? 0.0 : 1.0; });
    add(*s, {{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "200"}},
        [](int i) { return i < 40 ? 10.0 * i : 10.0 * (i - 40); });  // a counter reset
    add(*s, {{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "500"}}, [](int i) { return 0.5 * i; });
    add(*s, {{"__name__", "temperature"}, {"room", "x"}},
        [](int i) { return i == 20 ? std::numeric_limits<double>::quiet_NaN() : std::sin(i) * 30; });
    add(*s, {{"__name__", "temperature"}, {"room", "y"}},
        [](int i) { return i == 30 ? std::numeric_limits<double>::infinity() : -1e308 * (i % 2); });
    for (const char* le : {"0.1", "0.5", "1", "+Inf"}) {
      add(*s, {{"__name__", "latency_seconds_bucket"}, {"job", "api"}, {"le", le}},
          [](int i) { return 3.0 * i; });
    }
    add(*s, {{"__name__", "latency_seconds_count"}, {"job", "api"}}, [](int i) { return 3.0 * i; });
    add(*s, {{"__name__", "latency_seconds_sum"}, {"job", "api"}}, [](int i) { return 0.2 * i; });
    const auto gone = twikit::make_labels({{"__name__", "flapping"}, {"job", "api"}});
    for (int i = 0; i < kPoints / 2; ++i) s->append(gone, kStep * i, i);
    s->append(gone, kStep * (kPoints / 2), twikit::storage::stale_marker());
    return s;
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  twikit::promql::ExprPtr expr;
  try {
    expr = twikit::promql::parse(query);
  } catch (const twikit::promql::ParseError&) {
    return 0;
  }
  // The query timeout bounds a legitimately heavy query (a subquery of 40,000 steps at every step of the
  // range query) as alertd's --query.timeout does; an input that outlives -timeout is then one whose
  // evaluation ignores its deadline.
  const twikit::promql::Engine engine(twikit::promql::EngineOptions{.max_samples = 100'000, .timeout_ms = 2'000});
  const auto& store = fixed_store();
  try {
    (void)engine.instant_query(*expr, store, kEnd);
  } catch (const twikit::promql::EvalError&) {
  }
  try {
    (void)engine.range_query(*expr, store, kEnd / 2, kEnd + 5 * kStep, 4 * kStep);
  } catch (const twikit::promql::EvalError&) {
  }
  return 0;
}
