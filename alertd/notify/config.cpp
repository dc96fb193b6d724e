#include "alertd/notify/config.h"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "alertd/notify/config_yaml.h"
#include "alertd/notify/default_templates.h"
#include "alertd/notify/duration.h"
#include "alertd/notify/http_config_yaml.h"
#include "alertd/notify/receiver_yaml.h"
#include "alertd/notify/time_interval_yaml.h"

namespace twikit::notify {

namespace {

// Alertmanager 0.25's global keys of integrations (and SMTP mechanisms) alertd does not have.
const std::set<std::string> kUnsupportedGlobalKeys = {
    "pagerduty_url",      "opsgenie_api_url",   "opsgenie_api_key",       "opsgenie_api_key_file",
    "wechat_api_url",     "wechat_api_secret",  "wechat_api_corp_id",     "victorops_api_url",
    "victorops_api_key",  "victorops_api_key_file", "telegram_api_url",   "webex_api_url",
    "smtp_auth_identity", "smtp_auth_secret"};

constexpr const char* kApiTokenEnv = "MONITORING_API_TOKEN";

// Whether Go's filepath.Match calls `pattern` malformed (ErrBadPattern, "syntax error in pattern"), which
// Alertmanager reports for a `templates:` glob: an unclosed class, an escape at the end, or a class bound that
// is missing or is '-' or ']'. POSIX glob() takes such patterns literally instead.
bool go_glob_malformed(const std::string& pattern) {
  std::size_t i = 0;
  // A class bound: an escaped character, or any character but '-' and ']'.
  auto bound = [&]() {
    if (i >= pattern.size() || pattern[i] == '-' || pattern[i] == ']') return false;
    if (pattern[i] == '\\' && ++i >= pattern.size()) return false;
    ++i;
    return true;
  };
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 >= pattern.size()) return true;
      i += 2;
    } else if (c == '[') {
      ++i;
      if (i < pattern.size() && pattern[i] == '^') ++i;
      int ranges = 0;
      for (;;) {
        if (i < pattern.size() && pattern[i] == ']' && ranges > 0) break;
        if (!bound()) return true;
        if (i < pattern.size() && pattern[i] == '-') {
          ++i;
          if (!bound()) return true;
        }
        ++ranges;
      }
      ++i;  // the closing ']'
    } else {
      ++i;
    }
  }
  return false;
}

class Loader {
 public:
  Loader(const std::string& file, const EnvLookup& env) : r_(file), env_(env) {}

  NotificationConfig load(const YAML::Node& root) {
    NotificationConfig cfg;
    if (!root.IsDefined() || root.IsNull()) return finish(cfg, root, false);
    if (!root.IsMap()) r_.fail(root, "alertd config must be a mapping");
    load_global(root["global"], cfg);
    load_templates(root["templates"], cfg);
    const YAML::Node receivers = root["receivers"];
    if (receivers.IsDefined() && !receivers.IsNull()) {
      if (!receivers.IsSequence()) r_.fail(receivers, "receivers must be a list");
      const ReceiverReader reader = receiver_reader();
      for (const auto& node : receivers) cfg.receivers.push_back(reader.receiver(node, cfg));
    }
    const YAML::Node route = root["route"];
    const bool has_route = route.IsDefined() && !route.IsNull();
    receiver_reader().add_implicit_receivers(cfg, !has_route);
    load_escalations(root["escalation_policies"], cfg);
    cfg.time_intervals = load_time_intervals(r_, root["time_intervals"], root["mute_time_intervals"]);
    if (has_route) {
      RouteConfig defaults;
      cfg.route = load_route(route, defaults, cfg, true);
      cfg.warnings = std::move(warnings_);
    }
    const YAML::Node inhibit = root["inhibit_rules"];
    if (inhibit.IsDefined() && !inhibit.IsNull()) {
      if (!inhibit.IsSequence()) r_.fail(inhibit, "inhibit_rules must be a list");
      for (const auto& node : inhibit) cfg.inhibit_rules.push_back(load_inhibit(node));
    }
    return finish(cfg, root, has_route);
  }

 private:
  ReceiverReader receiver_reader() const { return ReceiverReader(r_, env_, globals_, templates_); }

  void load_global(const YAML::Node& g, NotificationConfig& cfg) {
    if (!g.IsDefined() || g.IsNull()) return;
    r_.check_keys(g, {notification_global_keys().begin(), notification_global_keys().end()}, "global");
    for (const auto& kv : g) {
      const std::string key = kv.first.Scalar();
      if (kUnsupportedGlobalKeys.count(key)) {
        r_.fail(g[key], "global: " + key + " is not supported by alertd (its integration or SMTP mechanism is not "
                          "there; send through an Alertmanager with alertmanager_configs)");
      }
    }
    // The default http_config of the receivers that set none, as Alertmanager's global http_config.
    if (g["http_config"]) globals_.http_config = load_http_config(r_, g["http_config"]);
    if (g["external_url"]) {
      cfg.external_url = r_.str(g["external_url"]);
      r_.check_url(g["external_url"], cfg.external_url, "external_url");
    }
    if (g["smtp_smarthost"]) {
      globals_.smtp_smarthost = r_.str(g["smtp_smarthost"]);
      if (const auto problem = smarthost_problem(globals_.smtp_smarthost)) {
        r_.fail(g["smtp_smarthost"], "invalid smtp_smarthost: " + *problem);
      }
    }
    if (g["smtp_from"]) globals_.smtp_from = r_.str(g["smtp_from"]);
    if (g["smtp_hello"]) globals_.smtp_hello = r_.str(g["smtp_hello"]);
    if (g["smtp_auth_username"]) globals_.smtp_auth_username = r_.str(g["smtp_auth_username"]);
    if (g["smtp_auth_password"] && g["smtp_auth_password_file"]) {
      r_.fail(g["smtp_auth_password_file"], "at most one of smtp_auth_password & smtp_auth_password_file must be configured");
    }
    if (g["smtp_auth_password"]) globals_.smtp_auth_password = r_.str(g["smtp_auth_password"]);
    if (g["smtp_auth_password_file"]) {
      globals_.smtp_auth_password = r_.secret_file(g["smtp_auth_password_file"], "smtp_auth_password_file");
    }
    if (g["smtp_require_tls"]) globals_.smtp_require_tls = r_.boolean(g["smtp_require_tls"]);
    if (g["slack_api_url"] && g["slack_api_url_file"]) {
      r_.fail(g["slack_api_url_file"], "at most one of slack_api_url & slack_api_url_file must be configured");
    }
    if (g["slack_api_url"]) {
      globals_.slack_api_url = r_.str(g["slack_api_url"]);
      r_.check_url(g["slack_api_url"], globals_.slack_api_url.value, "slack_api_url");
    }
    if (g["slack_api_url_file"]) globals_.slack_api_url = r_.secret_file(g["slack_api_url_file"], "slack_api_url_file");
    if (g["notify_resolved_silenced"]) cfg.notify_resolved_silenced = r_.boolean(g["notify_resolved_silenced"]);
    if (g["history_retention"]) cfg.history_retention_ms = r_.duration(g["history_retention"]);
    if (g["api_bearer_token_file"]) {
      cfg.api_bearer_token = r_.read_secret_file(g["api_bearer_token_file"], "api_bearer_token_file");
      r_.check_token(g["api_bearer_token_file"], cfg.api_bearer_token, "api_bearer_token_file");
    }
  }

  // `templates:` file globs, relative to the config file's directory as Alertmanager resolves them; the
  // defaults first, then each matched file in order, so a file may redefine `slack.default.title`.
  void load_templates(const YAML::Node& list, NotificationConfig& cfg) {
    templates_ = default_template_set();
    if (!list.IsDefined() || list.IsNull()) {
      cfg.templates = templates_;
      return;
    }
    if (!list.IsSequence()) r_.fail(list, "templates must be a list of file globs");
    const std::filesystem::path base = std::filesystem::path(r_.file()).parent_path();
    auto set = std::make_shared<rules::TemplateSet>(*templates_);
    for (const auto& entry : list) {
      const std::string pattern_text = r_.str(entry);
      if (pattern_text.empty()) r_.fail(entry, "templates: empty file glob");
      if (go_glob_malformed(pattern_text)) r_.fail(entry, "templates: syntax error in pattern \"" + pattern_text + "\"");
      std::filesystem::path pattern(pattern_text);
      if (pattern.is_relative()) pattern = base / pattern;
      glob_t g{};
      const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
      std::vector<std::string> files;
      if (rc == 0) {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (rc != 0 && rc != GLOB_NOMATCH) r_.fail(entry, "templates: cannot read glob \"" + pattern_text + "\"");
      for (const auto& file : files) {
        try {
          set->add(file, read_template_file(entry, file));
        } catch (const rules::TemplateError& e) {
          r_.fail(entry, std::string("templates: ") + e.what());
        }
        cfg.template_files.push_back(file);
      }
    }
    templates_ = std::move(set);
    cfg.templates = templates_;
  }

  std::string read_template_file(const YAML::Node& entry, const std::string& file) const {
    std::ifstream in(file, std::ios::binary);
    if (!in) r_.fail(entry, "templates: cannot read " + file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }


  void load_escalations(const YAML::Node& node, NotificationConfig& cfg) {
    if (!node.IsDefined() || node.IsNull()) return;
    auto load_steps = [&](const std::string& name, const YAML::Node& steps_node, const YAML::Node& at) {
      if (cfg.escalation_policies.count(name)) r_.fail(at, "escalation policy \"" + name + "\" is defined twice");
      EscalationPolicy p;
      p.name = name;
      if (!steps_node.IsSequence() || steps_node.size() == 0) r_.fail(at, "escalation policy needs a list of steps");
      for (const auto& s : steps_node) {
        r_.check_keys(s, {"after", "receivers"}, "escalation step");
        EscalationStep step;
        if (!s["after"]) r_.fail(s, "escalation step without after");
        step.after_ms = r_.duration(s["after"]);
        if (!p.steps.empty() && step.after_ms < p.steps.back().after_ms) {
          r_.fail(s["after"], "escalation steps must be in ascending order of after");
        }
        step.receivers = r_.strings(s["receivers"]);
        if (step.receivers.empty()) r_.fail(s, "escalation step without receivers");
        for (std::size_t i = 0; i < step.receivers.size(); ++i) {
          if (!cfg.find_receiver(step.receivers[i])) {
            r_.fail(s["receivers"][i], "escalation step refers to unknown receiver \"" + step.receivers[i] + "\"");
          }
        }
        p.steps.push_back(std::move(step));
      }
      cfg.escalation_policies[name] = std::move(p);
    };
    if (node.IsSequence()) {
      for (const auto& item : node) {
        r_.check_keys(item, {"name", "steps"}, "escalation policy");
        if (!item["name"]) r_.fail(item, "escalation policy without a name");
        load_steps(r_.str(item["name"]), item["steps"], item);
      }
    } else if (node.IsMap()) {
      for (const auto& kv : node) load_steps(r_.str(kv.first), kv.second, kv.first);
    } else {
      r_.fail(node, "escalation_policies must be a list");
    }
  }

  RouteConfig load_route(const YAML::Node& n, const RouteConfig& parent, const NotificationConfig& cfg, bool root) {
    r_.check_keys(n,
                  {"receiver", "group_by", "matchers", "match", "match_re", "continue", "group_wait", "group_interval",
                   "repeat_interval", "escalation_policy", "mute_time_intervals", "active_time_intervals", "routes"},
                  "route");
    RouteConfig rc;
    rc.receiver = parent.receiver;
    rc.group_by = parent.group_by;
    rc.group_by_all = parent.group_by_all;
    rc.timing = parent.timing;
    rc.escalation_policy = parent.escalation_policy;
    if (n["receiver"]) {
      rc.receiver = r_.str(n["receiver"]);
      if (!cfg.find_receiver(rc.receiver)) r_.fail(n["receiver"], "route refers to unknown receiver \"" + rc.receiver + "\"");
    }
    if (root && rc.receiver.empty()) r_.fail(n, "root route must specify a receiver");
    // An empty list inherits the parent's grouping, as in Alertmanager (only a non-empty one replaces it).
    if (n["group_by"] && !r_.strings(n["group_by"]).empty()) {
      rc.group_by = r_.strings(n["group_by"]);
      rc.group_by_all = false;
      std::set<std::string> seen;
      for (std::size_t i = 0; i < rc.group_by.size(); ++i) {
        const std::string& l = rc.group_by[i];
        if (l == "...") {
          if (rc.group_by.size() != 1) r_.fail(n["group_by"][i], "group_by '...' must be the only element");
          rc.group_by_all = true;
        } else if (!is_valid_label_name(l)) {
          r_.fail(n["group_by"][i], "invalid label name \"" + l + "\" in group_by");
        } else if (!seen.insert(l).second) {
          r_.fail(n["group_by"][i], "duplicate label \"" + l + "\" in group_by");
        }
      }
      if (rc.group_by_all) rc.group_by.clear();
    }
    rc.matchers = r_.matchers(n["matchers"]);
    for (const char* key : {"match", "match_re"}) {
      const YAML::Node m = n[key];
      if (!m.IsDefined() || m.IsNull()) continue;
      if (!m.IsMap()) r_.fail(m, std::string(key) + " must be a mapping");
      for (const auto& kv : m) {
        try {
          // Alertmanager keeps a match_re value anchored, and prints it so (groupKey, amtool's tree).
          if (!is_valid_label_name(r_.str(kv.first))) r_.fail(kv.first, "invalid label name \"" + r_.str(kv.first) + "\"");
          const bool equal = std::string(key) == "match";
          const std::string value = equal ? r_.str(kv.second) : "^(?:" + r_.str(kv.second) + ")$";
          rc.matchers.emplace_back(r_.str(kv.first), equal ? Matcher::Op::equal : Matcher::Op::regex, value);
        } catch (const std::invalid_argument& e) {
          r_.fail(kv.second, std::string("bad matcher: ") + e.what());
        }
      }
    }
    // Sorted by name, then value, then operator, as Alertmanager sorts a route's matchers: the route's
    // groupKey and `alertd config routes show` come out as Alertmanager's.
    std::stable_sort(rc.matchers.begin(), rc.matchers.end(), [](const Matcher& a, const Matcher& b) {
      if (a.name() != b.name()) return a.name() < b.name();
      if (a.value() != b.value()) return a.value() < b.value();
      return a.op() < b.op();
    });
    if (root && !rc.matchers.empty()) r_.fail(n, "root route must not have any matchers");
    if (n["continue"]) {
      rc.continue_matching = r_.boolean(n["continue"]);
      if (root && rc.continue_matching) r_.fail(n["continue"], "cannot have continue in root route");
    }
    if (n["group_wait"]) rc.timing.group_wait_ms = r_.duration(n["group_wait"]);
    if (n["group_interval"]) {
      rc.timing.group_interval_ms = r_.duration(n["group_interval"]);
      if (rc.timing.group_interval_ms == 0) r_.fail(n["group_interval"], "group_interval cannot be zero");
    }
    if (n["repeat_interval"]) {
      rc.timing.repeat_interval_ms = r_.duration(n["repeat_interval"]);
      if (rc.timing.repeat_interval_ms == 0) r_.fail(n["repeat_interval"], "repeat_interval cannot be zero");
    }
    warn_about_intervals(n, rc);
    if (n["escalation_policy"]) {
      rc.escalation_policy = r_.str(n["escalation_policy"]);
      if (!rc.escalation_policy.empty() && !cfg.escalation_policies.count(rc.escalation_policy)) {
        r_.fail(n["escalation_policy"], "route refers to unknown escalation policy \"" + rc.escalation_policy + "\"");
      }
    }
    // Not inherited: a route mutes or activates by its own intervals only, as in Alertmanager.
    for (const char* key : {"mute_time_intervals", "active_time_intervals"}) {
      const YAML::Node list = n[key];
      if (!list.IsDefined() || list.IsNull()) continue;
      const bool mute = key[0] == 'm';
      if (root) r_.fail(list, std::string("root route must not have any ") + (mute ? "mute" : "active") + " time intervals");
      std::vector<std::string>& names = mute ? rc.mute_time_intervals : rc.active_time_intervals;
      names = r_.strings(list);
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (!cfg.time_intervals.count(names[i])) {
          r_.fail(list[i], "undefined time interval \"" + names[i] + "\" used in route");
        }
      }
    }
    const YAML::Node children = n["routes"];
    if (children.IsDefined() && !children.IsNull()) {
      if (!children.IsSequence()) r_.fail(children, "routes must be a list");
      for (const auto& child : children) rc.routes.push_back(load_route(child, rc, cfg, false));
    }
    return rc;
  }

  // Repeats are only considered when a group is flushed, every group_interval (as in Alertmanager), so a
  // repeat_interval that is not a multiple of group_interval is in effect rounded up: say so, once, where set.
  void warn_about_intervals(const YAML::Node& n, const RouteConfig& rc) {
    if (!n["repeat_interval"] && !n["group_interval"]) return;
    const std::int64_t group_interval = rc.timing.group_interval_ms, repeat_interval = rc.timing.repeat_interval_ms;
    if (group_interval <= 0 || repeat_interval % group_interval == 0) return;
    const std::int64_t effective = (repeat_interval + group_interval - 1) / group_interval * group_interval;
    const YAML::Node at = n["repeat_interval"] ? n["repeat_interval"] : n["group_interval"];
    warnings_.push_back(r_.position(at) + ": repeat_interval " + format_duration_ms(repeat_interval) +
                           " is not a multiple of group_interval " + format_duration_ms(group_interval) +
                           "; notifications repeat every " + format_duration_ms(effective));
  }

  InhibitRuleConfig load_inhibit(const YAML::Node& n) {
    r_.check_keys(n,
                  {"source_matchers", "target_matchers", "equal", "source_match", "target_match", "source_match_re",
                   "target_match_re"},
                  "inhibit rule");
    InhibitRuleConfig ir;
    ir.source_matchers = r_.matchers(n["source_matchers"]);
    ir.target_matchers = r_.matchers(n["target_matchers"]);
    // The legacy maps: match is equality, match_re an anchored regex, as in Alertmanager.
    for (const char* key : {"source_match", "target_match", "source_match_re", "target_match_re"}) {
      const YAML::Node m = n[key];
      if (!m.IsDefined() || m.IsNull()) continue;
      if (!m.IsMap()) r_.fail(m, std::string(key) + " must be a mapping");
      const std::string k = key;
      auto& list = k.rfind("source", 0) == 0 ? ir.source_matchers : ir.target_matchers;
      const bool regex = k.size() > 3 && k.compare(k.size() - 3, 3, "_re") == 0;
      for (const auto& kv : m) {
        if (!is_valid_label_name(r_.str(kv.first))) r_.fail(kv.first, "invalid label name \"" + r_.str(kv.first) + "\"");
        try {
          list.emplace_back(r_.str(kv.first), regex ? Matcher::Op::regex : Matcher::Op::equal,
                            regex ? "^(?:" + r_.str(kv.second) + ")$" : r_.str(kv.second));
        } catch (const std::invalid_argument& e) {
          r_.fail(kv.second, std::string("bad matcher: ") + e.what());
        }
      }
    }
    if (n["equal"]) {
      ir.equal = r_.strings(n["equal"]);
      for (std::size_t i = 0; i < ir.equal.size(); ++i) {
        if (!is_valid_label_name(ir.equal[i])) r_.fail(n["equal"][i], "invalid label name \"" + ir.equal[i] + "\" in equal");
      }
    }
    return ir;
  }

  NotificationConfig& finish(NotificationConfig& cfg, const YAML::Node& root, bool has_route) {
    if (!root.IsDefined() || root.IsNull()) receiver_reader().add_implicit_receivers(cfg, true);
    if (!has_route) {
      cfg.route = RouteConfig{};
      cfg.route.receiver = "default";
    }
    if (cfg.api_bearer_token.empty()) {
      cfg.api_bearer_token = yaml::env_value(env_, kApiTokenEnv).value_or("");
      if (!cfg.api_bearer_token.empty()) r_.check_env_token(kApiTokenEnv, cfg.api_bearer_token);
    }
    return cfg;
  }

  yaml::Reader r_;
  const EnvLookup& env_;
  std::vector<std::string> warnings_;  // collected while the route tree is read
  ReceiverGlobals globals_;
  std::shared_ptr<const rules::TemplateSet> templates_ = default_template_set();
};

}  // namespace

const ReceiverConfig* NotificationConfig::find_receiver(const std::string& name) const {
  for (const auto& r : receivers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::optional<std::string> url_problem(const std::string& url) {
  const auto colon = url.find("://");
  if (colon == std::string::npos) return "expected an absolute http:// or https:// URL";
  std::string scheme = url.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "http" && scheme != "https") return "the scheme must be http or https";
  for (const unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return "it contains whitespace or control characters";
  }
  const std::string rest = url.substr(colon + 3);
  const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  const std::string host = authority.substr(authority.rfind('@') == std::string::npos ? 0 : authority.rfind('@') + 1);
  if (host.empty() || host[0] == ':') return "the host is missing";
  return std::nullopt;
}

std::optional<std::string> smarthost_problem(const std::string& address) {
  if (address.find("://") != std::string::npos) return "expected host:port, not a URL";
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return "expected host:port";
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return "expected host:port with a port from 1 to 65535";
  }
  for (const unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '/' || c == '@') return "expected host:port";
  }
  return std::nullopt;
}

std::optional<std::string> token_problem(const std::string& token) {
  if (token.empty()) return "it is empty";
  for (const unsigned char c : token) {
    if (c <= 0x20 || c == 0x7f) return "it contains whitespace or control characters";
  }
  return std::nullopt;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

const std::set<std::string>& notification_global_keys() {
  static const std::set<std::string> keys = [] {
    std::set<std::string> k = {"external_url",          "smtp_smarthost",     "smtp_from",
                               "smtp_hello",            "smtp_auth_username", "smtp_auth_password",
                               "smtp_auth_password_file", "smtp_require_tls", "slack_api_url",
                               "slack_api_url_file",    "http_config",        "notify_resolved_silenced",
                               "history_retention",     "api_bearer_token_file", "resolve_timeout"};
    k.insert(kUnsupportedGlobalKeys.begin(), kUnsupportedGlobalKeys.end());
    return k;
  }();
  return keys;
}

NotificationConfig load_notification_config(const YAML::Node& root, const std::string& file) {
  return load_notification_config(root, file, process_env());
}

NotificationConfig load_notification_config(const YAML::Node& root, const std::string& file, const EnvLookup& env) {
  return Loader(file, env).load(root);
}

}  // namespace twikit::notify
