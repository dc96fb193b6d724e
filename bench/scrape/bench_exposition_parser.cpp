// Measures exposition parsing throughput on one core: generates a realistic 10,000-series body (the
// exporter's metric shapes: a few labels per series, counters, gauges and histograms, HELP/TYPE lines),
// parses it N times and prints MB/s. Usage: bench_exposition_parser [iterations] [text|openmetrics]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/exposition_parser.h"

namespace {

/// Generates `series` samples spread over families of 20 series each.
std::string generate_body(int series, twikit::ExpositionFormat format) {
  const bool om = format == twikit::ExpositionFormat::openmetrics;
  std::string out;
  const char* services[] = {"session_manager", "proxy_rotation", "rate_limit", "anti_detection",
                            "account_health", "emergency_stop", "content_safety", "connection_pool",
                            "retry_engine", "campaign_orchestrator"};
  int written = 0;
  for (int family = 0; written < series; ++family) {
    const bool histogram = family % 5 == 4;
    const bool counter = family % 2 == 0 && !histogram;
    const std::string name = "twikit_bench_metric_" + std::to_string(family) +
                             (histogram ? "_seconds" : counter ? "_total" : "");
    const std::string family_name = om && counter ? name.substr(0, name.size() - 6) : name;
    out += "# HELP " + family_name + " Generated metric number " + std::to_string(family) + " for the benchmark.\n";
    out += "# TYPE " + family_name + (histogram ? " histogram\n" : counter ? " counter\n" : " gauge\n");
    for (int i = 0; i < 20 && written < series; ++i) {
      const std::string labels = "service=\"" + std::string(services[i % 10]) + "\",instance=\"10.0.0." +
                                 std::to_string(i) + ":9877\",proxy=\"proxy-" + std::to_string(i * 7 + family) + "\"";
      if (histogram) {
        const char* bounds[] = {"0.005", "0.01", "0.05", "0.1", "0.5", "1", "+Inf"};
        for (int b = 0; b < 7 && written < series; ++b, ++written) {
          out += name + "_bucket{" + labels + ",le=\"" + bounds[b] + "\"} " + std::to_string(100 * b + i) + "\n";
        }
      } else {
        out += name + "{" + labels + "} " + std::to_string(12345.678 * (i + 1) / (family + 1)) + "\n";
        ++written;
      }
    }
  }
  if (om) out += "# EOF\n";
  return out;
}

struct CountingHandler final : twikit::ExpositionHandler {
  std::size_t samples = 0;
  double sum = 0;
  void on_sample(const twikit::SampleView& s) override {
    ++samples;
    sum += s.value + static_cast<double>(s.labels.size());
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  const auto format = argc > 2 && std::string(argv[2]) == "openmetrics" ? twikit::ExpositionFormat::openmetrics
                                                                        : twikit::ExpositionFormat::text;
  const std::string body = generate_body(10'000, format);
  twikit::ExpositionParser parser;
  CountingHandler handler;
  if (auto err = parser.parse(body, format, handler)) {
    std::fprintf(stderr, "generated body does not parse: %s\n", err->to_string().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) parser.parse(body, format, handler);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mb = static_cast<double>(body.size()) * iterations / 1e6;
  std::printf("format=%s body_bytes=%zu series=%zu iterations=%d seconds=%.3f throughput_mb_s=%.1f samples_per_s=%.0f\n",
              format == twikit::ExpositionFormat::openmetrics ? "openmetrics" : "text", body.size(),
              handler.samples / static_cast<std::size_t>(iterations + 1), iterations, seconds, mb / seconds,
              static_cast<double>(handler.samples) / (iterations + 1) * iterations / seconds);
  return handler.sum == 0 ? 1 : 0;
}
