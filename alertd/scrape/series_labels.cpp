#include "alertd/scrape/series_labels.h"

#include <algorithm>

namespace twikit::scrape {
namespace {

bool has_name(const Labels& labels, std::string_view name) {
  return std::any_of(labels.begin(), labels.end(), [&](const Label& l) { return l.first == name; });
}

}  // namespace

std::optional<std::string> build_series_labels(const SampleView& sample, const Labels& target_labels,
                                               Labels& out) {
  out.clear();
  out.reserve(sample.labels.size() + target_labels.size() + 1);
  out.emplace_back("__name__", std::string(sample.name));
  for (const auto& l : sample.labels) {
    if (l.name == "__name__") return std::string("label name \"__name__\" is reserved");
    if (l.value.empty()) continue;
    out.emplace_back(std::string(l.name), std::string(l.value));
  }
  std::sort(out.begin(), out.end(), [](const Label& a, const Label& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].first == out[i - 1].first) return "label name \"" + out[i].first + "\" is not unique";
  }
  // honor_labels: false — an exposed label that clashes with a target label is renamed exported_<name>
  // (repeatedly prefixed while that name is taken), then the target label is set.
  bool renamed = false;
  for (const auto& target_label : target_labels) {
    const std::string& name = target_label.first;
    auto it = std::find_if(out.begin(), out.end(), [&](const Label& l) { return l.first == name; });
    if (it == out.end()) continue;
    std::string exported = "exported_" + name;
    while (has_name(out, exported) || has_name(target_labels, exported)) exported = "exported_" + exported;
    it->first = std::move(exported);
    renamed = true;
  }
  for (const auto& l : target_labels) {
    if (!l.second.empty()) out.push_back(l);
  }
  if (renamed || !target_labels.empty()) {
    std::sort(out.begin(), out.end(), [](const Label& a, const Label& b) { return a.first < b.first; });
  }
  return std::nullopt;
}

}  // namespace twikit::scrape
