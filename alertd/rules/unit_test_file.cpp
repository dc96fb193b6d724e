#include "alertd/rules/unit_test_file.h"

#include <glob.h>

#include <algorithm>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "common/duration.h"
#include "common/yaml_errors.h"

namespace twikit::rules {

namespace {

class Reader {
 public:
  Reader(std::string path, bool ignore_unknown) : path_(std::move(path)), ignore_unknown_(ignore_unknown) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) const {
    const YAML::Mark m = n.Mark();
    if (m.line < 0) throw std::runtime_error(path_ + ": " + msg);
    throw std::runtime_error(path_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " +
                             msg);
  }

  void fields(const YAML::Node& n, std::initializer_list<const char*> allowed, const char* type) const {
    if (!n.IsMap()) fail(n, std::string("cannot unmarshal into ") + type);
    if (ignore_unknown_) return;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
        fail(it->first, "field " + key + " not found in type " + type);
      }
    }
  }

  std::string str(const YAML::Node& n) const {
    if (!n || n.IsNull()) return {};
    if (!n.IsScalar()) fail(n, "expected a string");
    return n.Scalar();
  }

  std::int64_t duration(const YAML::Node& n) const {
    const std::string s = str(n);
    if (s.empty()) return 0;
    const auto ms = twikit::parse_duration_ms(s);
    if (!ms) fail(n, "not a valid duration string: \"" + s + "\"");
    return *ms;
  }

  double number(const YAML::Node& n) const {
    const std::string s = str(n);
    if (s.empty()) return 0;
    try {
      return n.as<double>();
    } catch (const YAML::Exception&) {
      fail(n, "cannot unmarshal !!str `" + s + "` into float64");
    }
  }

  Labels string_map(const YAML::Node& n) const {
    if (!n || n.IsNull()) return {};
    if (!n.IsMap()) fail(n, "expected a map of strings");
    std::vector<Label> out;
    for (auto it = n.begin(); it != n.end(); ++it) out.emplace_back(it->first.Scalar(), str(it->second));
    return make_labels(std::move(out));
  }

  template <typename F>
  void each(const YAML::Node& n, F&& f) const {
    if (!n || n.IsNull()) return;
    if (!n.IsSequence()) fail(n, "expected a list");
    for (const auto& item : n) f(item);
  }

  TimestampMs start_timestamp(const YAML::Node& n) const {
    const std::string s = str(n);
    if (s.empty()) return 0;
    if (std::all_of(s.begin(), s.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-'; })) {
      return static_cast<TimestampMs>(std::stod(s) * 1000);
    }
    std::tm tm{};
    int year = 0, mon = 0, day = 0, hh = 0, mm = 0;
    double ss = 0;
    char tz[16] = {0};
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf%15s", &year, &mon, &day, &hh, &mm, &ss, tz) < 6) {
      fail(n, "cannot parse start_timestamp \"" + s + "\" as RFC 3339 or Unix seconds");
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    std::int64_t t = static_cast<std::int64_t>(timegm(&tm)) * 1000 + static_cast<std::int64_t>(ss * 1000);
    const std::string zone = tz;
    if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-')) {
      const int off = (std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(4, 2))) * 60 * 1000;
      t += zone[0] == '+' ? -off : off;
    }
    return t;
  }

  UnitTestFile read(const YAML::Node& root) const {
    UnitTestFile f;
    if (root.IsNull()) return f;
    fields(root, {"rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare"},
           "main.unitTestFile");
    each(root["rule_files"], [&](const YAML::Node& n) { f.rule_files.push_back(str(n)); });
    if (const auto d = duration(root["evaluation_interval"])) f.evaluation_interval_ms = d;
    each(root["group_eval_order"], [&](const YAML::Node& n) { f.group_eval_order.push_back(str(n)); });
    if (root["fuzzy_compare"]) f.fuzzy_compare = root["fuzzy_compare"].as<bool>(false);
    each(root["tests"], [&](const YAML::Node& t) { f.tests.push_back(test_group(t)); });
    return f;
  }

  TestGroup test_group(const YAML::Node& t) const {
    TestGroup g;
    if (t.IsNull()) return g;
    fields(t,
           {"interval", "input_series", "alert_rule_test", "promql_expr_test", "external_labels", "external_url",
            "name", "start_timestamp"},
           "main.testGroup");
    g.name = str(t["name"]);
    g.interval_ms = duration(t["interval"]);
    g.external_labels = string_map(t["external_labels"]);
    g.external_url = str(t["external_url"]);
    g.start_ms = start_timestamp(t["start_timestamp"]);
    each(t["input_series"], [&](const YAML::Node& s) {
      fields(s, {"series", "values"}, "main.series");
      g.input_series.push_back({str(s["series"]), str(s["values"])});
    });
    each(t["alert_rule_test"], [&](const YAML::Node& a) {
      fields(a, {"eval_time", "alertname", "exp_alerts"}, "main.alertTestCase");
      AlertRuleTest test{duration(a["eval_time"]), str(a["alertname"]), {}};
      each(a["exp_alerts"], [&](const YAML::Node& e) {
        if (e.IsNull()) {
          test.expected.push_back({});
          return;
        }
        fields(e, {"exp_labels", "exp_annotations"}, "main.alert");
        test.expected.push_back({string_map(e["exp_labels"]), string_map(e["exp_annotations"])});
      });
      g.alert_rule_tests.push_back(std::move(test));
    });
    each(t["promql_expr_test"], [&](const YAML::Node& p) {
      fields(p, {"expr", "eval_time", "exp_samples"}, "main.promqlTestCase");
      PromqlExprTest test{str(p["expr"]), duration(p["eval_time"]), {}};
      each(p["exp_samples"], [&](const YAML::Node& s) {
        fields(s, {"labels", "value", "histogram"}, "main.sample");
        test.expected.push_back({str(s["labels"]), number(s["value"]), str(s["histogram"])});
      });
      g.promql_tests.push_back(std::move(test));
    });
    return g;
  }

 private:
  std::string path_;
  bool ignore_unknown_;
};

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

}  // namespace

UnitTestFile load_unit_test_file(const std::string& path, bool ignore_unknown_fields) {
  YAML::Node root;
  try {
    root = YAML::Load(twikit::read_config_text(path));
  } catch (const YAML::ParserException& e) {
    throw std::runtime_error(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                             ": yaml: " + e.msg);
  } catch (const std::exception& e) {
    throw std::runtime_error(e.what());
  }
  if (const auto dup = twikit::find_duplicate_key(root)) {
    const auto mark = dup->key.Mark();
    throw std::runtime_error(path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
                             ": yaml: unmarshal errors: mapping key \"" + dup->name + "\" already defined at line " +
                             std::to_string(dup->first_line));
  }
  Reader reader(path, ignore_unknown_fields);
  UnitTestFile f = reader.read(root);
  // Rule files are relative to the test file; globs expand as in Prometheus.
  std::vector<std::string> resolved;
  for (const auto& rf : f.rule_files) {
    const std::string full = (!rf.empty() && rf[0] == '/') ? rf : dir_of(path) + rf;
    glob_t g{};
    if (::glob(full.c_str(), 0, nullptr, &g) == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) resolved.emplace_back(g.gl_pathv[i]);
    } else {
      resolved.push_back(full);
    }
    ::globfree(&g);
  }
  f.rule_files = std::move(resolved);
  return f;
}

}  // namespace twikit::rules
