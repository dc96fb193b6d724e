#include "alertd/rules/unit_test_runner.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "alertd/promql/parser.h"
#include "alertd/rules/api_json.h"
#include "alertd/rules/go_format.h"
#include "alertd/rules/group.h"
#include "alertd/rules/series_notation.h"
#include "alertd/rules/unit_test_file.h"
#include "alertd/storage/sample.h"
#include "common/duration.h"
#include "common/regex.h"

namespace twikit::rules {

namespace {

struct LabelsAndAnnotations {
  Labels labels;
  Labels annotations;
  bool operator<(const LabelsAndAnnotations& o) const {
    return labels != o.labels ? labels < o.labels : annotations < o.annotations;
  }
  bool operator==(const LabelsAndAnnotations& o) const { return labels == o.labels && annotations == o.annotations; }
};

std::string indent_lines(const std::string& lines, const std::string& indent) {
  std::string out;
  std::size_t start = 0;
  bool first = true;
  for (;;) {
    const std::size_t nl = lines.find('\n', start);
    if (!first) out += indent;
    first = false;
    out += lines.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

// Go's labels.Labels.String(): {a="b", c="d"}.
std::string labels_string(const Labels& l) {
  std::string out = "{";
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (i > 0) out += ", ";
    out += l[i].first + "=" + go_quote(l[i].second);
  }
  return out + "}";
}

std::string alerts_string(const std::vector<LabelsAndAnnotations>& list) {
  if (list.empty()) return "[]";
  auto one = [](const LabelsAndAnnotations& la) {
    return "Labels:" + labels_string(la.labels) + "\nAnnotations:" + labels_string(la.annotations);
  };
  std::string s = "[\n0:" + indent_lines("\n" + one(list[0]), "  ");
  for (std::size_t i = 1; i < list.size(); ++i) {
    s += ",\n" + std::to_string(i) + ":" + indent_lines("\n" + one(list[i]), "  ");
  }
  return s + "\n]";
}

// strconv.FormatFloat(v, 'E', -1, 64).
std::string format_E(double v) {
  std::string s = format_value_e(v);
  for (char& c : s) {
    if (c == 'e') c = 'E';
  }
  return s;
}

struct ParsedSample {
  Labels labels;
  double value;
};

std::string samples_string(const std::vector<ParsedSample>& list) {
  if (list.empty()) return "nil";
  std::string s;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) s += ", ";
    s += labels_string(list[i].labels) + " " + format_E(list[i].value);
  }
  return s;
}

// Prometheus' almost.Equal with the tolerance promtool's fuzzy_compare uses.
bool almost_equal(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double min_normal = 2.2250738585072014e-308;
  const double epsilon = 1e-16;
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < min_normal) return diff < epsilon * min_normal;
  return diff / std::min(abs_sum, 1.7976931348623157e308) < epsilon;
}

struct LoadedSeries {
  Labels labels;
  std::vector<InputValue> values;
  std::size_t next = 0;
};

class TestGroupRunner {
 public:
  TestGroupRunner(const UnitTestFile& file, const TestGroup& tg, std::int64_t interval_ms)
      : file_(file), tg_(tg), interval_ms_(interval_ms) {}

  std::vector<std::string> run(const std::vector<GroupSpec>& specs) {
    std::vector<std::string> errs;
    for (const auto& in : tg_.input_series) {
      if (in.values.find("{{") != std::string::npos) {
        return {"native histogram samples are not supported by alertd: series " + in.series};
      }
      try {
        loaded_.push_back({parse_series_description(in.series), expand_series_values(in.values), 0});
      } catch (const std::exception& e) {
        return {e.what()};
      }
    }
    promql::EngineOptions opts;
    opts.default_subquery_step_ms = file_.evaluation_interval_ms;
    const promql::Engine engine(opts);
    EvalContext ctx{&store_, &engine, tg_.external_labels, tg_.external_url};

    std::map<std::string, std::size_t> order;
    for (std::size_t i = 0; i < file_.group_eval_order.size(); ++i) order[file_.group_eval_order[i]] = i;
    std::vector<std::unique_ptr<Group>> groups;
    for (const auto& spec : specs) groups.push_back(std::make_unique<Group>(spec, interval_ms_));
    std::stable_sort(groups.begin(), groups.end(),
                     [&](const auto& a, const auto& b) { return order[a->name()] < order[b->name()]; });

    const TimestampMs mint = tg_.start_ms;
    std::int64_t max_eval = 0;
    std::map<std::int64_t, std::vector<const AlertRuleTest*>> alert_tests;
    for (const auto& at : tg_.alert_rule_tests) {
      if (at.alertname.empty()) {
        return {"an item under alert_rule_test misses required attribute alertname at eval_time " +
                format_duration_ms(at.eval_time_ms) + (tg_.name.empty() ? "" : " (in TestGroup " + tg_.name + ")")};
      }
      alert_tests[at.eval_time_ms].push_back(&at);
      max_eval = std::max(max_eval, at.eval_time_ms);
    }
    for (const auto& pt : tg_.promql_tests) max_eval = std::max(max_eval, pt.eval_time_ms);
    const std::int64_t eval_interval = file_.evaluation_interval_ms;
    auto next_alert_time = alert_tests.begin();
    for (TimestampMs ts = mint; ts <= mint + max_eval; ts += eval_interval) {
      load_until(ts);
      std::vector<std::string> eval_errs;
      for (auto& g : groups) {
        g->eval(ts, store_, ctx);
        for (const auto& r : g->rules()) {
          if (!r->last_error.empty()) {
            eval_errs.push_back("    rule: " + r->name() + ", time: " + go_duration_string(ts - mint) +
                                ", err: " + r->last_error);
          }
        }
      }
      if (!eval_errs.empty()) {
        errs.insert(errs.end(), eval_errs.begin(), eval_errs.end());
        return errs;
      }
      while (next_alert_time != alert_tests.end() && ts - mint <= next_alert_time->first &&
             next_alert_time->first < ts + eval_interval - mint) {
        check_alerts(groups, next_alert_time->second, errs);
        ++next_alert_time;
      }
    }
    for (const auto& pt : tg_.promql_tests) check_expr(pt, engine, mint, errs);
    return errs;
  }

 private:
  void load_until(TimestampMs ts) {
    for (auto& s : loaded_) {
      while (s.next < s.values.size()) {
        const TimestampMs t = tg_.start_ms + static_cast<std::int64_t>(s.next) * interval_ms_;
        if (t > ts) break;
        const InputValue& v = s.values[s.next++];
        if (v.kind == InputValue::Kind::number) store_.append(s.labels, t, v.value);
        if (v.kind == InputValue::Kind::stale) store_.append(s.labels, t, storage::stale_marker());
      }
    }
  }

  void check_alerts(const std::vector<std::unique_ptr<Group>>& groups, const std::vector<const AlertRuleTest*>& tests,
                    std::vector<std::string>& errs) const {
    for (const AlertRuleTest* test : tests) {
      std::vector<LabelsAndAnnotations> got;
      for (const auto& g : groups) {
        for (const auto& r : g->rules()) {
          const auto* ar = dynamic_cast<const AlertingRule*>(r.get());
          if (ar == nullptr || ar->name() != test->alertname) continue;
          for (const auto& a : ar->alerts()) {
            if (a.state == AlertState::firing) got.push_back({a.labels, a.annotations});
          }
        }
      }
      std::vector<LabelsAndAnnotations> exp;
      for (const auto& e : test->expected) {
        Labels l = e.labels;
        set_label(l, "alertname", test->alertname);
        exp.push_back({l, e.annotations});
      }
      std::sort(got.begin(), got.end());
      std::sort(exp.begin(), exp.end());
      if (got != exp) {
        const std::string name = tg_.name.empty() ? "" : "    name: " + tg_.name + ",\n";
        errs.push_back(name + "    alertname: " + test->alertname +
                       ", time: " + format_duration_ms(test->eval_time_ms) +
                       ", \n        exp:" + indent_lines(alerts_string(exp), "            ") +
                       ", \n        got:" + indent_lines(alerts_string(got), "            "));
      }
    }
  }

  void check_expr(const PromqlExprTest& pt, const promql::Engine& engine, TimestampMs mint,
                  std::vector<std::string>& errs) {
    const std::string head = "    expr: " + go_quote(pt.expr) + ", time: " + format_duration_ms(pt.eval_time_ms);
    std::vector<ParsedSample> got;
    try {
      const auto expr = promql::parse(pt.expr);
      promql::Value v = engine.instant_query(*expr, store_, mint + pt.eval_time_ms);
      if (v.type == promql::ValueType::scalar) {
        got.push_back({{}, v.scalar});
      } else if (v.type == promql::ValueType::vector) {
        for (auto& s : v.vector) got.push_back({std::move(s.labels), s.value});
      } else {
        throw std::runtime_error("rule result is not a vector or scalar");
      }
    } catch (const std::exception& e) {
      errs.push_back(head + ", err: " + e.what());
      return;
    }
    std::vector<ParsedSample> exp;
    for (const auto& s : pt.expected) {
      if (!s.histogram.empty()) {
        errs.push_back(head + ", err: native histograms are not supported by alertd");
        return;
      }
      try {
        exp.push_back({parse_series_description(s.labels), s.value});
      } catch (const std::exception& e) {
        errs.push_back(head + ", err: labels " + go_quote(s.labels) + ": " + e.what());
        return;
      }
    }
    auto by_labels = [](const ParsedSample& a, const ParsedSample& b) { return a.labels < b.labels; };
    std::stable_sort(exp.begin(), exp.end(), by_labels);
    std::stable_sort(got.begin(), got.end(), by_labels);
    bool equal = exp.size() == got.size();
    for (std::size_t i = 0; equal && i < exp.size(); ++i) {
      equal = exp[i].labels == got[i].labels &&
              (file_.fuzzy_compare ? almost_equal(exp[i].value, got[i].value) : exp[i].value == got[i].value);
    }
    if (!equal) {
      errs.push_back(head + ",\n        exp: " + samples_string(exp) + "\n        got: " + samples_string(got));
    }
  }

  const UnitTestFile& file_;
  const TestGroup& tg_;
  std::int64_t interval_ms_;
  storage::SeriesStore store_;
  std::vector<LoadedSeries> loaded_;
};

// promtool joins the --run patterns with '|' into one unanchored Go regexp.
bool matches_run(const std::string& name, const std::optional<Regex>& run) { return !run || run->partial_match(name); }

}  // namespace

std::string go_duration_string(std::int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  const std::int64_t h = ms / 3'600'000;
  const std::int64_t m = (ms / 60'000) % 60;
  const std::int64_t s = (ms / 1000) % 60;
  const std::int64_t frac = ms % 1000;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += std::to_string(s);
  if (frac != 0) {
    std::string f = std::to_string(frac + 1000).substr(1);
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out + "s";
}

std::vector<std::string> run_unit_test_file(const std::string& path, const UnitTestOptions& options) {
  std::optional<Regex> run;
  if (!options.run.empty()) {
    std::string joined;
    for (const auto& pattern : options.run) joined += (joined.empty() ? "" : "|") + pattern;
    try {
      run = Regex::compile(joined);
    } catch (const RegexError& e) {
      return {"--run: error parsing regexp: " + std::string(e.what())};
    }
  }
  UnitTestFile file;
  try {
    file = load_unit_test_file(path, options.ignore_unknown_fields);
  } catch (const std::exception& e) {
    return {e.what()};
  }
  std::set<std::string> seen;
  for (const auto& g : file.group_eval_order) {
    if (!seen.insert(g).second) return {"group name repeated in evaluation order: " + g};
  }
  std::vector<GroupSpec> specs;
  std::vector<std::string> errs;
  for (const auto& rf : file.rule_files) {
    RuleFile loaded = load_rule_file(rf, promql_expr_checker(), options.ignore_unknown_fields);
    for (const auto& e : loaded.errors) errs.push_back(e.to_string());
    for (auto& g : loaded.groups) specs.push_back(std::move(g));
  }
  if (!errs.empty()) return errs;
  for (const auto& tg : file.tests) {
    if (!matches_run(tg.name, run)) continue;
    const std::int64_t interval = tg.interval_ms > 0 ? tg.interval_ms : file.evaluation_interval_ms;
    TestGroupRunner runner(file, tg, interval);
    try {
      auto group_errs = runner.run(specs);
      errs.insert(errs.end(), group_errs.begin(), group_errs.end());
    } catch (const std::exception& e) {
      errs.push_back(e.what());
    }
  }
  return errs;
}

}  // namespace twikit::rules
