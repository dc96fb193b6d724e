// common/metrics_registry.h: prometheus-cpp's families and collectables, written by the project's exposition writer.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "common/metrics_registry.h"

namespace {

using twikit::ExpositionFormat;
using twikit::MetricsRegistry;

std::string text_of(const MetricsRegistry& registry, ExpositionFormat format = ExpositionFormat::text) {
  std::string out;
  twikit::write_exposition(out, registry.collect(), format);
  return out;
}

}  // namespace

TEST_CASE("a declared family without series is served with its HELP and TYPE, as prometheus-cpp alone would not") {
  MetricsRegistry registry;
  registry.counter("jobs_total", "Jobs done, by kind.");
  CHECK(text_of(registry) == "# HELP jobs_total Jobs done, by kind.\n# TYPE jobs_total counter\n");
}

TEST_CASE("a family's series are written in label order, whatever order they were added in") {
  MetricsRegistry registry;
  auto& jobs = registry.counter("jobs_total", "Jobs done, by kind.");
  jobs.Add({{"kind", "c"}}).Increment();
  jobs.Add({{"kind", "a"}}).Increment(2);
  jobs.Add({{"kind", "b"}, {"code", "500"}}).Increment(3);
  jobs.Add({{"kind", "a"}}).Increment();  // the same series as before
  CHECK(text_of(registry) ==
        "# HELP jobs_total Jobs done, by kind.\n# TYPE jobs_total counter\n"
        "jobs_total{code=\"500\",kind=\"b\"} 3\n"
        "jobs_total{kind=\"a\"} 3\n"
        "jobs_total{kind=\"c\"} 1\n");
}

TEST_CASE("families are collected in the order they were declared or added, across types") {
  MetricsRegistry registry;
  registry.gauge("b_gauge", "B.").Add({}).Set(2);
  registry.add([] {
    return std::vector<prometheus::MetricFamily>{
        twikit::single_value("a_read_at_scrape", "A.", prometheus::MetricType::Gauge, 7)};
  });
  registry.counter("c_total", "C.").Add({}).Increment();
  CHECK(text_of(registry) ==
        "# HELP b_gauge B.\n# TYPE b_gauge gauge\nb_gauge 2\n"
        "# HELP a_read_at_scrape A.\n# TYPE a_read_at_scrape gauge\na_read_at_scrape 7\n"
        "# HELP c_total C.\n# TYPE c_total counter\nc_total 1\n");
}

TEST_CASE("a histogram is written as cumulative buckets with le last, then _sum and _count") {
  MetricsRegistry registry;
  auto& latency = registry.histogram("send_seconds", "Send latency.");
  auto& h = latency.Add({{"integration", "slack"}}, prometheus::Histogram::BucketBoundaries{0.125, 0.5});
  h.Observe(0.125);  // on a bound: counted in that bucket (le)
  h.Observe(0.25);
  h.Observe(20);
  CHECK(text_of(registry) ==
        "# HELP send_seconds Send latency.\n# TYPE send_seconds histogram\n"
        "send_seconds_bucket{integration=\"slack\",le=\"0.125\"} 1\n"
        "send_seconds_bucket{integration=\"slack\",le=\"0.5\"} 2\n"
        "send_seconds_bucket{integration=\"slack\",le=\"+Inf\"} 3\n"
        "send_seconds_sum{integration=\"slack\"} 20.375\n"
        "send_seconds_count{integration=\"slack\"} 3\n");
}

TEST_CASE("values keep the writer's shortest round-trip form and NaN, where prometheus-cpp 1.0.1 writes 0.3 and Nan") {
  MetricsRegistry registry;
  auto& g = registry.gauge("ratio", "A ratio.");
  g.Add({{"k", "sum"}}).Set(0.1 + 0.2);
  g.Add({{"k", "unknown"}}).Set(std::nan(""));
  CHECK(text_of(registry) ==
        "# HELP ratio A ratio.\n# TYPE ratio gauge\nratio{k=\"sum\"} 0.30000000000000004\nratio{k=\"unknown\"} NaN\n");
}

TEST_CASE("OpenMetrics from the registry names a counter family without _total and escapes quotes in HELP") {
  MetricsRegistry registry;
  registry.counter("jobs_total", "Jobs \"done\".").Add({}).Increment(4);
  CHECK(text_of(registry, ExpositionFormat::openmetrics) ==
        "# HELP jobs Jobs \\\"done\\\".\n# TYPE jobs counter\njobs_total 4\n# EOF\n");
}

TEST_CASE("a collectable's families are computed anew at each collect, in the collectable's own order") {
  MetricsRegistry registry;
  int calls = 0;
  registry.add([&calls] {
    ++calls;
    prometheus::MetricFamily f = twikit::make_family("calls", "Collections so far.", prometheus::MetricType::Gauge);
    twikit::add_value(f, calls, {{"z", "1"}});
    twikit::add_value(f, calls, {{"a", "1"}});
    return std::vector<prometheus::MetricFamily>{f};
  });
  CHECK(text_of(registry) == "# HELP calls Collections so far.\n# TYPE calls gauge\ncalls{z=\"1\"} 1\ncalls{a=\"1\"} 1\n");
  CHECK(text_of(registry) == "# HELP calls Collections so far.\n# TYPE calls gauge\ncalls{z=\"1\"} 2\ncalls{a=\"1\"} 2\n");
}
