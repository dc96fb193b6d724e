// label_replace and label_join.

#include "alertd/promql/function_impls.h"
#include "common/regex.h"

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

}  // namespace

EValue label_replace(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const std::string& dst = args[1].str;
  const std::string& repl = args[2].str;
  const std::string& src = args[3].str;
  const std::string& pattern = args[4].str;
  std::optional<Regex> re;
  try {
    re = Regex::compile(pattern, RegexAnchor::promql);  // Prometheus' ^(?s:…)$
  } catch (const RegexError&) {
    throw EvalError("invalid regular expression in label_replace(): " + pattern);
  }
  if (!valid_label_name(dst)) throw EvalError("invalid destination label name in label_replace(): " + dst);
  EVector& v = args[0].vec;
  for (auto& s : v) {
    const std::string value = label_value(s.labels, src);
    if (const auto m = re->find(value)) {
      set_label(s.labels, dst, re->expand(repl, *m));
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
