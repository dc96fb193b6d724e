// histogram_quantile over classic histograms (series with an `le` label).

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "alertd/promql/function_impls.h"

namespace twikit::promql::fn {
namespace {

struct Bucket {
  double upper;
  double count;
};

// Reads an `le` value as Go's strconv.ParseFloat does: an optional sign, then a decimal number, a
// hexadecimal one with its mandatory binary exponent ("0x1p-1"), or inf/infinity/nan in any case.
bool parse_le(const std::string& s, double& out) {
  std::string_view body(s);
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  std::string lower(body);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "inf" || lower == "infinity") {
    out = negative ? -INFINITY : INFINITY;
    return true;
  }
  if (lower == "nan") {
    out = NAN;
    return true;
  }
  std::chars_format format = std::chars_format::general;
  if (lower.size() > 2 && lower[0] == '0' && lower[1] == 'x') {
    if (lower.find('p') == std::string::npos) return false;  // Go: "hexadecimal mantissa requires a 'p' exponent"
    body.remove_prefix(2);
    format = std::chars_format::hex;
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return false;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), out, format);
  if (ec != std::errc() || p != body.data() + body.size()) return false;
  if (negative) out = -out;
  return true;
}

double bucket_quantile(double q, std::vector<Bucket>& buckets) {
  if (std::isnan(q)) return NAN;
  if (q < 0) return -INFINITY;
  if (q > 1) return INFINITY;
  std::sort(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) { return a.upper < b.upper; });
  if (buckets.size() < 2 || !std::isinf(buckets.back().upper) || buckets.back().upper < 0) return NAN;
  // Merge buckets with the same upper bound, then force the counts to be monotonic.
  std::vector<Bucket> bs;
  for (const auto& b : buckets) {
    if (!bs.empty() && bs.back().upper == b.upper) bs.back().count += b.count;
    else bs.push_back(b);
  }
  double max = -INFINITY;
  for (auto& b : bs) {
    if (b.count < max) b.count = max;
    else max = b.count;
  }
  if (bs.size() < 2) return NAN;
  const double observations = bs.back().count;
  if (observations == 0 || std::isnan(observations)) return NAN;
  double rank = q * observations;
  std::size_t b = 0;
  while (b < bs.size() - 1 && bs[b].count < rank) ++b;
  if (b == bs.size() - 1) return bs[bs.size() - 2].upper;
  if (b == 0 && bs[0].upper <= 0) return bs[0].upper;
  double start = 0, end = bs[b].upper, count = bs[b].count;
  if (b > 0) {
    start = bs[b - 1].upper;
    count -= bs[b - 1].count;
    rank -= bs[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

}  // namespace

EValue histogram_quantile(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const double q = args[0].scalar;
  struct Group {
    Labels labels;
    std::vector<Bucket> buckets;
  };
  std::vector<Group> groups;
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> index;
  for (auto& s : args[1].vec) {
    double upper = 0;
    if (!parse_le(label_value(s.labels, "le"), upper)) continue;
    Labels key = s.labels;
    set_label(key, "le", "");
    drop_metric_name(key);
    const std::uint64_t h = storage::labels_hash(key);
    auto& bucket = index[h];
    Group* g = nullptr;
    for (std::size_t gi : bucket) {
      if (groups[gi].labels == key) g = &groups[gi];
    }
    if (g == nullptr) {
      bucket.push_back(groups.size());
      groups.push_back(Group{std::move(key), {}});
      g = &groups.back();
    }
    g->buckets.push_back({upper, s.v});
  }
  EVector out;
  for (auto& g : groups) out.push_back(ESample{std::move(g.labels), bucket_quantile(q, g.buckets), t, true});
  return EValue::of_vector(std::move(out));
}

}  // namespace twikit::promql::fn
