#include "exporter/target_samples.h"

#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/exposition.h"

namespace twikit::exporter {
namespace {

std::size_t hash_labels(const Labels& labels) {
  std::size_t h = labels.size();
  for (const auto& [name, value] : labels) {
    for (const std::string* s : {&name, &value}) {
      h ^= std::hash<std::string>{}(*s) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    }
  }
  return h;
}

}  // namespace

RenderedSamples render_samples(std::vector<MappedSample> samples) {
  RenderedSamples out;
  // Per family: its samples, and once it is large an index from a hash of each one's labels, to find repeats
  // without copying label sets. Repeats are rare and most families small (one sample a target): until a
  // family has kLinearScan samples a new one is compared with each.
  constexpr std::size_t kLinearScan = 32;
  struct Family {
    const MetricSpec* spec;
    MetricFamily samples;
    std::unordered_multimap<std::size_t, std::size_t> index;  // hash → sample, once the family is large
  };
  std::vector<Family> families;
  std::unordered_map<std::string_view, std::size_t> by_name;
  std::size_t current = 0;  // the family of the previous sample: a spec's samples come together
  for (auto& s : samples) {
    if (families.empty() || families[current].spec != s.spec) {
      auto [it, inserted] = by_name.emplace(s.spec->name, families.size());
      if (inserted) families.push_back({s.spec, MetricFamily{s.spec->name, {}, MetricType::untyped, {}}, {}});
      current = it->second;
    }
    Family& f = families[current];
    std::vector<MetricSample>& kept = f.samples.samples;
    bool repeated = false;
    std::size_t hash = 0;
    if (kept.size() < kLinearScan) {
      for (std::size_t k = 0; k < kept.size() && !repeated; ++k) repeated = kept[k].labels == s.labels;
    } else {
      hash = hash_labels(s.labels);
      for (auto [at, end] = f.index.equal_range(hash); at != end && !repeated; ++at) {
        repeated = kept[at->second].labels == s.labels;
      }
    }
    if (repeated) {
      ++out.duplicates;
      continue;
    }
    kept.push_back(MetricSample{std::move(s.labels), s.value, {}, {}});
    if (kept.size() > kLinearScan) {
      f.index.emplace(hash, kept.size() - 1);
    } else if (kept.size() == kLinearScan) {
      for (std::size_t k = 0; k < kept.size(); ++k) f.index.emplace(hash_labels(kept[k].labels), k);
    }
  }
  std::string lines;
  for (const auto& f : families) {
    // Without help the family's header is its one TYPE line; the sample lines follow it.
    lines.clear();
    write_family(lines, f.samples, ExpositionFormat::text);
    const std::size_t begin = out.text.size();
    out.text.append(lines, lines.find('\n') + 1);
    out.families.push_back({f.spec, begin, out.text.size()});
    out.series += f.samples.samples.size();
  }
  out.text.shrink_to_fit();
  return out;
}

}  // namespace twikit::exporter
