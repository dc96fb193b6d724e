// label_replace and label_join.

#include <regex>

#include "alertd/promql/function_impls.h"
#include "alertd/storage/label_matcher.h"

namespace twikit::promql::fn {
namespace {

// Prometheus 3 accepts any non-empty UTF-8 label name.
bool valid_label_name(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Expands a Go regexp template: $1, ${1}, $$; a name that is not a group number expands to nothing.
std::string expand(const std::string& tmpl, const std::smatch& m) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
      out += tmpl[i];
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    std::size_t j = i + 1;
    if (tmpl[j] == '{') {
      const std::size_t close = tmpl.find('}', j);
      if (close == std::string::npos) {
        out += tmpl[i];
        continue;
      }
      name = tmpl.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < tmpl.size() && is_name_char(tmpl[j])) name += tmpl[j++];
    }
    if (name.empty()) {
      out += tmpl[i];
      continue;
    }
    bool numeric = true;
    for (char c : name) numeric = numeric && c >= '0' && c <= '9';
    if (numeric) {
      const std::size_t idx = std::stoul(name.size() > 6 ? std::string("999999") : name);
      if (idx < m.size() && m[idx].matched) out += m[idx].str();
    }
    i = j - 1;
  }
  return out;
}

}  // namespace

EValue label_replace(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const std::string& dst = args[1].str;
  const std::string& repl = args[2].str;
  const std::string& src = args[3].str;
  const std::string& pattern = args[4].str;
  std::shared_ptr<const std::regex> re;
  try {
    re = storage::compile_anchored_regex(pattern);
  } catch (const std::regex_error&) {
    throw EvalError("invalid regular expression in label_replace(): " + pattern);
  }
  if (!valid_label_name(dst)) throw EvalError("invalid destination label name in label_replace(): " + dst);
  EVector& v = args[0].vec;
  for (auto& s : v) {
    const std::string value = label_value(s.labels, src);
    std::smatch m;
    if (std::regex_match(value, m, *re)) {
      set_label(s.labels, dst, expand(repl, m));
      if (dst == "__name__") s.drop_name = false;
    }
    s.t = t;
  }
  return EValue::of_vector(std::move(v));
}

EValue label_join(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const std::string& dst = args[1].str;
  const std::string& sep = args[2].str;
  if (!valid_label_name(dst)) throw EvalError("invalid destination label name in label_join(): " + dst);
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (!valid_label_name(args[i].str)) throw EvalError("invalid source label name in label_join(): " + args[i].str);
  }
  EVector& v = args[0].vec;
  for (auto& s : v) {
    std::string joined;
    for (std::size_t i = 3; i < args.size(); ++i) {
      if (i > 3) joined += sep;
      joined += label_value(s.labels, args[i].str);
    }
    set_label(s.labels, dst, std::move(joined));
    if (dst == "__name__") s.drop_name = false;
    s.t = t;
  }
  return EValue::of_vector(std::move(v));
}

}  // namespace twikit::promql::fn
