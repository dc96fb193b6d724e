#include "alertd/rules_api/rules_api.h"

#include <map>
#include <regex>
#include <set>

#include "alertd/rules/api_json.h"
#include "alertd/rules_api/atomic_file.h"
#include "alertd/rules_api/rule_forms.h"
#include "alertd/rules_api/rule_yaml.h"
#include "common/json_text.h"

namespace twikit::rules_api {

/// One rule found in a rule file.
struct RulesApi::Located {
  std::string id;
  std::string file;
  std::string group;
  bool editable = false;
  bool enabled = true;
  rules::RuleSpec rule;
  std::size_t group_index = 0;
  std::size_t rule_index = 0;
};

/// Every rule, and the managed files' groups as read (the copy a write edits).
struct RulesApi::Catalog {
  std::vector<Located> rules;
  std::map<std::string, std::vector<rules::GroupSpec>> managed;  // path -> groups
  std::set<std::string> disabled_files;
  std::vector<std::string> broken;  // managed files that do not validate, as "file:line:col: message"
};

namespace {

ApiAnswer error(int status, const std::string& type, const std::string& message) {
  ApiAnswer a;
  a.status = status;
  a.body["status"] = "error";
  a.body["errorType"] = type;
  a.body["error"] = message;
  return a;
}

ApiAnswer success(nlohmann::ordered_json data, int status = 200) {
  ApiAnswer a;
  a.status = status;
  a.body["status"] = "success";
  a.body["data"] = std::move(data);
  return a;
}

std::string etag_of(const std::string& group, const rules::RuleSpec& rule, bool enabled) {
  // Appends only: GCC 12 at -O3 misreads `"literal" + std::string&&` as an overlapping copy (-Wrestrict).
  std::string etag = "\"";
  etag += hash_hex(group + '\0' + (enabled ? "enabled" : "disabled") + '\0' + render_rule(rule));
  etag += '"';
  return etag;
}

bool if_match_ok(const std::string& if_match, const std::string& etag) {
  if (if_match.empty()) return true;
  std::size_t start = 0;
  while (start <= if_match.size()) {
    std::size_t comma = if_match.find(',', start);
    if (comma == std::string::npos) comma = if_match.size();
    std::string tag = if_match.substr(start, comma - start);
    while (!tag.empty() && tag.front() == ' ') tag.erase(tag.begin());
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    if (tag == "*" || tag == etag) return true;
    start = comma + 1;
  }
  return false;
}

/// Compares in time that does not depend on where the two differ.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

nlohmann::ordered_json stored_json(const std::string& file, const std::string& group, const rules::RuleSpec& rule,
                                   bool enabled) {
  nlohmann::ordered_json j;
  j["file"] = file;
  j["enabled"] = enabled;
  j["rule"] = prometheus_form(group, rule);
  return j;
}

nlohmann::ordered_json labels_json(const Labels& labels) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

/// The PromQL parser's "line:col:" at the start of `message`, when there is one.
std::optional<std::pair<int, int>> leading_position(const std::string& message) {
  static const std::regex re(R"(^(\d+):(\d+): )");
  std::smatch m;
  if (!std::regex_search(message, m, re)) return std::nullopt;
  return std::make_pair(std::stoi(m[1].str()), std::stoi(m[2].str()));
}

}  // namespace

RulesApi::RulesApi(RulesApiOptions options)
    : options_(std::move(options)),
      store_(options_.managed_dir),
      own_clock_(options_.clock ? nullptr : std::make_unique<SystemClock>()),
      clock_(options_.clock ? options_.clock : own_clock_.get()),
      history_(options_.history_path.empty() ? store_.history_path() : options_.history_path, *clock_) {}

config::KpiTable RulesApi::kpi_table() const { return options_.kpis ? options_.kpis() : config::default_kpi_table(); }

std::optional<ApiAnswer> RulesApi::authorize(const std::string& authorization_header) const {
  const std::string token = options_.bearer_token ? options_.bearer_token() : std::string();
  if (token.empty()) return error(403, "forbidden", "mutations are disabled: no API bearer token is configured");
  if (!same_secret(authorization_header, "Bearer " + token)) {
    ApiAnswer a = error(401, "unauthorized", "missing or wrong bearer token");
    a.headers.emplace_back("WWW-Authenticate", "Bearer");
    return a;
  }
  return std::nullopt;
}

RulesApi::Catalog RulesApi::catalog() const {
  Catalog c;
  std::set<std::string> seen;
  // Hand-written files first, in the order alertd loads them; a file that does not validate is not loaded.
  if (options_.rule_files) {
    for (const auto& path : options_.rule_files()) {
      if (store_.is_managed(path) || !seen.insert(normal_path(path)).second) continue;
      const rules::RuleFile file = rules::load_rule_file(path);
      if (!file.errors.empty()) continue;
      for (std::size_t gi = 0; gi < file.groups.size(); ++gi) {
        std::map<std::string, std::size_t> ordinals;
        for (std::size_t ri = 0; ri < file.groups[gi].rules.size(); ++ri) {
          const auto& r = file.groups[gi].rules[ri];
          c.rules.push_back({file_rule_id(path, file.groups[gi].name, r.name(), ordinals[r.name()]++), path,
                             file.groups[gi].name, false, true, r, gi, ri});
        }
      }
    }
  }
  std::map<std::pair<std::string, std::string>, std::size_t> ordinals;
  for (const bool disabled : {false, true}) {
    for (auto& file : store_.read(disabled)) {
      if (!file.errors.empty()) {
        for (const auto& e : file.errors) c.broken.push_back(e.to_string());
        continue;
      }
      if (disabled) c.disabled_files.insert(file.path);
      for (std::size_t gi = 0; gi < file.groups.size(); ++gi) {
        for (std::size_t ri = 0; ri < file.groups[gi].rules.size(); ++ri) {
          const auto& r = file.groups[gi].rules[ri];
          const std::size_t ordinal = ordinals[{file.groups[gi].name, r.name()}]++;
          c.rules.push_back({managed_rule_id(file.groups[gi].name, r.name(), ordinal), file.path,
                             file.groups[gi].name, true, !disabled, r, gi, ri});
        }
      }
      c.managed[file.path] = std::move(file.groups);
    }
  }
  return c;
}

nlohmann::ordered_json RulesApi::describe(const Located& r, const std::vector<rules::GroupSnapshot>* snapshots,
                                          const config::KpiTable& kpis) const {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["file"] = r.file;
  j["group"] = r.group;
  j["type"] = r.rule.is_alert() ? "alerting" : "recording";
  j["editable"] = r.editable;
  j["enabled"] = r.enabled;
  j["etag"] = etag_of(r.group, r.rule, r.enabled);
  j["prometheus"] = prometheus_form(r.group, r.rule);
  if (r.rule.is_alert()) j["seed"] = seed_form(r.group, r.rule, r.enabled, kpis);
  const rules::RuleSnapshot* snap = nullptr;
  if (snapshots && r.enabled) {
    const std::string file = normal_path(r.file);
    for (const auto& g : *snapshots) {
      if (g.name != r.group || normal_path(g.file) != file) continue;
      if (r.rule_index < g.rules.size() && g.rules[r.rule_index].name == r.rule.name()) snap = &g.rules[r.rule_index];
    }
  }
  j["health"] = snap ? rules::rule_health_name(snap->health) : "unknown";
  j["lastError"] = snap ? snap->last_error : "";
  j["lastEvaluation"] = snap && snap->last_evaluation != 0 ? nlohmann::ordered_json(rules::rfc3339(snap->last_evaluation))
                                                           : nlohmann::ordered_json(nullptr);
  j["evaluationTime"] = snap ? snap->evaluation_seconds : 0.0;
  if (r.rule.is_alert()) {
    j["state"] = snap ? rules::alert_state_name(snap->state) : "inactive";
    nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
    if (snap) {
      for (const auto& a : snap->alerts) {
        if (a.state == rules::AlertState::inactive) continue;
        nlohmann::ordered_json aj;
        aj["labels"] = labels_json(a.labels);
        aj["annotations"] = labels_json(a.annotations);
        aj["state"] = rules::alert_state_name(a.state);
        aj["activeAt"] = rules::rfc3339(a.active_at);
        aj["value"] = rules::format_value_e(a.value);
        alerts.push_back(std::move(aj));
      }
    }
    j["alerts"] = std::move(alerts);
  }
  return j;
}

ApiAnswer RulesApi::list() {
  std::lock_guard<std::mutex> lock(mu_);
  const Catalog c = catalog();
  const auto snapshots = options_.snapshot ? options_.snapshot() : std::vector<rules::GroupSnapshot>{};
  const config::KpiTable kpis = kpi_table();
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const auto& r : c.rules) rules.push_back(describe(r, &snapshots, kpis));
  nlohmann::ordered_json data;
  data["managedDir"] = store_.dir();
  data["rules"] = std::move(rules);
  data["errors"] = c.broken;
  return success(std::move(data));
}

ApiAnswer RulesApi::get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  const Catalog c = catalog();
  for (const auto& r : c.rules) {
    if (r.id != id) continue;
    const auto snapshots = options_.snapshot ? options_.snapshot() : std::vector<rules::GroupSnapshot>{};
    ApiAnswer a = success(describe(r, &snapshots, kpi_table()));
    a.headers.emplace_back("ETag", etag_of(r.group, r.rule, r.enabled));
    return a;
  }
  return error(404, "not_found", "no alert rule with id \"" + id + "\"");
}

ApiAnswer RulesApi::history(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto changes = history_.list(id);
  if (changes.empty()) {
    const Catalog c = catalog();
    bool exists = false;
    for (const auto& r : c.rules) exists = exists || r.id == id;
    if (!exists) return error(404, "not_found", "no alert rule with id \"" + id + "\"");
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& ch : changes) {
    nlohmann::ordered_json j;
    j["seq"] = ch.seq;
    j["id"] = ch.rule_id;
    j["action"] = ch.action;
    j["by"] = ch.by;
    j["at"] = rules::rfc3339(ch.at);
    j["before"] = ch.before.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json::parse(ch.before);
    j["after"] = ch.after.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json::parse(ch.after);
    out.push_back(std::move(j));
  }
  return success(std::move(out));
}

ApiAnswer RulesApi::create(const std::string& body, const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  Catalog c = catalog();
  return write(c, nullptr, body, "", user);
}

ApiAnswer RulesApi::replace(const std::string& id, const std::string& body, const std::string& if_match,
                            const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  Catalog c = catalog();
  for (const auto& r : c.rules) {
    if (r.id == id) {
      const Located old = r;
      return write(c, &old, body, if_match, user);
    }
  }
  return error(404, "not_found", "no alert rule with id \"" + id + "\"");
}

ApiAnswer RulesApi::remove(const std::string& id, const std::string& if_match, const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  Catalog c = catalog();
  for (const auto& r : c.rules) {
    if (r.id == id) {
      const Located old = r;
      return write(c, &old, std::nullopt, if_match, user);
    }
  }
  return error(404, "not_found", "no alert rule with id \"" + id + "\"");
}

ApiAnswer RulesApi::write(Catalog& c, const Located* old, std::optional<std::string> body, const std::string& if_match,
                          const std::string& user) {
  if (old && !old->editable) {
    return error(409, "conflict",
                 "alert rule \"" + old->rule.name() + "\" is in " + old->file +
                     ", which is not under the managed directory " + store_.dir() +
                     ": it is read-only over the API; edit that file and reload");
  }
  if (old && !if_match_ok(if_match, etag_of(old->group, old->rule, old->enabled))) {
    return error(412, "precondition_failed",
                 "the rule has changed since it was read (If-Match " + if_match + ", now " +
                     etag_of(old->group, old->rule, old->enabled) + ")");
  }
  if (!c.broken.empty()) {
    return error(409, "conflict", "the managed directory holds a rule file that does not validate: " + c.broken.front());
  }
  std::optional<RuleInput> input;
  if (body) {
    const auto json = nlohmann::json::parse(*body, nullptr, false);
    if (json.is_discarded()) return error(400, "bad_data", "the body is not valid JSON");
    auto parsed = parse_rule_body(json, kpi_table());
    if (const auto* e = std::get_if<FormError>(&parsed)) {
      ApiAnswer a = error(400, "bad_data", e->message);
      if (!e->field.empty()) a.body["field"] = e->field;
      return a;
    }
    input = std::get<RuleInput>(std::move(parsed));
    // Checked on its own first, so that the position is the one inside the expression.
    if (const auto problem = rules::promql_expr_checker()(input->rule.expr)) {
      ApiAnswer a = error(400, "bad_data", "could not parse expression: " + *problem);
      a.body["field"] = "expr";
      if (const auto pos = leading_position(*problem)) a.body["position"] = {{"line", pos->first}, {"column", pos->second}};
      return a;
    }
    for (const auto& r : c.rules) {
      if (r.editable && r.group == input->group && r.rule.name() == input->rule.alert && !(old && r.id == old->id)) {
        return error(409, "conflict", "group \"" + input->group + "\" of the managed directory already has a rule named \"" +
                                          input->rule.alert + "\" (id " + r.id + ")");
      }
    }
  }
  std::set<std::string> touched;
  bool placed = false;
  if (old) {
    auto& rules_of = c.managed[old->file][old->group_index].rules;
    if (input && input->group == old->group && input->enabled == old->enabled) {
      rules_of[old->rule_index] = input->rule;  // edited in place, keeping its position
      placed = true;
    } else {
      rules_of.erase(rules_of.begin() + static_cast<std::ptrdiff_t>(old->rule_index));
    }
    touched.insert(old->file);
  }
  if (input && !placed) {
    const bool disabled = !input->enabled;
    std::string target;
    for (auto& [path, groups] : c.managed) {
      if (c.disabled_files.count(path) != (disabled ? 1u : 0u)) continue;
      for (auto& g : groups) {
        if (g.name == input->group && target.empty()) {
          g.rules.push_back(input->rule);
          target = path;
        }
      }
    }
    if (target.empty()) {
      target = store_.path_for_group(input->group, disabled);
      rules::GroupSpec g;
      g.name = input->group;
      g.rules.push_back(input->rule);
      c.managed[target].push_back(std::move(g));
    }
    touched.insert(target);
  }

  // Render and validate every touched file as `alertd check rules` would, before anything is written.
  std::vector<std::pair<std::string, std::optional<std::string>>> plan;  // path -> new text (nullopt = remove)
  for (const auto& path : touched) {
    auto& groups = c.managed[path];
    std::erase_if(groups, [](const rules::GroupSpec& g) { return g.rules.empty(); });
    if (groups.empty()) {
      plan.emplace_back(path, std::nullopt);
      continue;
    }
    std::string text = render_rule_file(groups);
    const rules::RuleFile check = rules::parse_rule_file(path, text);
    if (!check.errors.empty()) {
      ApiAnswer a = error(400, "bad_data", check.errors.front().message);
      return a;
    }
    plan.emplace_back(path, std::move(text));
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> previous;
  try {
    for (const auto& [path, text] : plan) {
      previous.emplace_back(path, read_file_if_exists(path));
      if (text) {
        write_file_atomically(path, *text);
      } else {
        remove_file_durably(path);
      }
    }
  } catch (const std::exception& e) {
    for (const auto& [path, text] : previous) {
      try {
        if (text) write_file_atomically(path, *text); else remove_file_durably(path);
      } catch (const std::exception&) {
      }
    }
    return error(500, "internal", std::string("writing the rule file failed: ") + e.what());
  }
  if (options_.reload) {
    if (const auto failure = options_.reload()) {
      for (const auto& [path, text] : previous) {
        try {
          if (text) write_file_atomically(path, *text); else remove_file_durably(path);
        } catch (const std::exception&) {
        }
      }
      return error(500, "internal", "reloading alertd failed, the previous rule file is back: " + *failure);
    }
  }

  // Record and answer.
  const std::string before = old ? safe_dump(stored_json(old->file, old->group, old->rule, old->enabled)) : std::string();
  const std::string by = !user.empty() ? user : (input && !input->by.empty() ? input->by : std::string("api"));
  if (!input) {
    history_.record(old->id, "delete", by, before, "");
    nlohmann::ordered_json data;
    data["id"] = old->id;
    data["deleted"] = true;
    return success(std::move(data));
  }
  const Catalog after = catalog();
  const Located* now = nullptr;
  for (const auto& r : after.rules) {
    if (r.editable && r.group == input->group && r.rule.name() == input->rule.alert) now = &r;
  }
  if (!now) return error(500, "internal", "the rule was written but is not found in the managed directory");
  if (old && old->id != now->id) history_.rename(old->id, now->id);
  history_.record(now->id, old ? "update" : "create", by, before,
                  safe_dump(stored_json(now->file, now->group, now->rule, now->enabled)));
  const auto snapshots = options_.snapshot ? options_.snapshot() : std::vector<rules::GroupSnapshot>{};
  ApiAnswer a = success(describe(*now, &snapshots, kpi_table()), old ? 200 : 201);
  a.headers.emplace_back("ETag", etag_of(now->group, now->rule, now->enabled));
  if (!old) a.headers.emplace_back("Location", "/api/monitoring/alert-rules/" + now->id);
  return a;
}

}  // namespace twikit::rules_api
