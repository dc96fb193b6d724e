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

void append_sample_line(std::string& out, std::string_view name, const Labels& labels, double value) {
  append_series(out, name, {}, labels);
  out += ' ';
  append_double(out, value);
  out += '\n';
}

RenderedSamples render_samples(std::vector<MappedSample> samples) {
  RenderedSamples out;
  // Per family: the samples it keeps (indices into `samples`), and once it is large an index from a hash of
  // each one's labels, to find repeats without copying label sets. Repeats are rare and most families small
  // (one sample a target): until a family keeps kLinearScan samples a new one is compared with each.
  constexpr std::size_t kLinearScan = 32;
  struct Family {
    const MetricSpec* spec;
    std::vector<std::size_t> kept;
    std::unordered_multimap<std::size_t, std::size_t> index;  // hash → sample, once the family is large
  };
  std::vector<Family> families;
  std::unordered_map<std::string_view, std::size_t> by_name;
  std::size_t current = 0;  // the family of the previous sample: a spec's samples come together
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const MappedSample& s = samples[i];
    if (families.empty() || families[current].spec != s.spec) {
      auto [it, inserted] = by_name.emplace(s.spec->name, families.size());
      if (inserted) families.push_back({s.spec, {}, {}});
      current = it->second;
    }
    Family& f = families[current];
    bool repeated = false;
    std::size_t hash = 0;
    if (f.kept.size() < kLinearScan) {
      for (std::size_t k = 0; k < f.kept.size() && !repeated; ++k) repeated = samples[f.kept[k]].labels == s.labels;
    } else {
      hash = hash_labels(s.labels);
      for (auto [at, end] = f.index.equal_range(hash); at != end && !repeated; ++at) {
        repeated = samples[at->second].labels == s.labels;
      }
    }
    if (repeated) {
      ++out.duplicates;
      continue;
    }
    f.kept.push_back(i);
    if (f.kept.size() > kLinearScan) {
      f.index.emplace(hash, i);
    } else if (f.kept.size() == kLinearScan) {
      for (const std::size_t k : f.kept) f.index.emplace(hash_labels(samples[k].labels), k);
    }
  }
  out.text.reserve(samples.size() * 96);
  for (const auto& f : families) {
    const std::size_t begin = out.text.size();
    for (const std::size_t k : f.kept) append_sample_line(out.text, f.spec->name, samples[k].labels, samples[k].value);
    out.families.push_back({f.spec, begin, out.text.size()});
    out.series += f.kept.size();
  }
  out.text.shrink_to_fit();
  return out;
}

}  // namespace twikit::exporter
