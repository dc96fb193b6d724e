#include "bench/history/bench_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>

namespace twikit::bench {

SeriesModel::SeriesModel(int index) : kind(index % 5), rng(static_cast<std::uint64_t>(index) * 7919 + 1), value(0) {
  std::uniform_real_distribution<double> u(0, 1);
  switch (kind) {
    case 0: value = std::floor(u(rng) * 500000); break;
    case 1: value = std::floor(10 + u(rng) * 200); break;
    case 2: value = std::round((20 + u(rng) * 40) * 100) / 100; break;
    case 3: value = std::round((80 + u(rng) * 20) * 100) / 100 / 100; break;
    default: value = 1; break;
  }
}

double SeriesModel::next() {
  std::uniform_real_distribution<double> u(0, 1);
  switch (kind) {
    case 0: value += std::floor(20 + u(rng) * 180); break;
    case 1:
      if (u(rng) < 0.3) value = std::clamp(value + std::floor(u(rng) * 5) - 2, 0.0, 1000.0);
      break;
    case 2: value = std::clamp(std::round((value + (u(rng) * 2 - 1) * 4) * 100) / 100, 10.0, 120.0); break;
    case 3: {
      const double percent = std::clamp(std::round((value * 100 + (u(rng) * 2 - 1) * 0.5) * 100) / 100, 50.0, 100.0);
      value = percent / 100;
      break;
    }
    default:
      if (u(rng) < 0.0005) value = 1 - value;
      break;
  }
  return value;
}

Labels labels_of(int index) {
  static const char* kNames[] = {"twikit_requests_total",        "twikit_sessions_active",
                                 "twikit_response_time_seconds", "twikit_session_success_ratio",
                                 "twikit_up"};
  return make_labels({{"__name__", kNames[index % 5]},
                      {"instance", "host-" + std::to_string(index / 50) + ":9877"},
                      {"job", "twikit"},
                      {"service", "svc-" + std::to_string(index / 5 % 10)}});
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void write_openmetrics(const std::string& path, std::vector<BenchSeries> series) {
  const auto name = [](const BenchSeries& s) { return label_value(s.labels, "__name__"); };
  std::stable_sort(series.begin(), series.end(), [&](const BenchSeries& a, const BenchSeries& b) { return name(a) < name(b); });
  std::ofstream out(path);
  for (const BenchSeries& s : series) {
    SeriesModel model(s.model);
    std::string prefix = name(s) + "{";
    bool first = true;
    for (const auto& [label, value] : s.labels) {
      if (label == "__name__") continue;
      prefix += (first ? "" : ",") + label + "=\"" + value + "\"";
      first = false;
    }
    prefix += "} ";
    for (std::int64_t k = 0; k < s.samples; ++k) {
      const TimestampMs t = s.first + k * kStepMs;
      out << prefix << format_double(model.next()) << ' ' << t / 1000 << '.' << (t % 1000) / 100 << (t % 100) / 10
          << t % 10 << '\n';
    }
  }
  out << "# EOF\n";
}

}  // namespace twikit::bench
