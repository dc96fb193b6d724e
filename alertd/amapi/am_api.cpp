#include "alertd/amapi/am_api.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "alertd/amapi/am_config_yaml.h"
#include "alertd/dispatch/route.h"
#include "common/json_text.h"

namespace twikit::amapi {
namespace {

AmResponse json_answer(const nlohmann::json& body) { return {200, safe_dump(body)}; }

// Alertmanager answers errors with a JSON string.
AmResponse error_answer(int status, const std::string& message) { return {status, safe_dump(nlohmann::json(message))}; }

// Compares in time that does not depend on where the two differ.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Alertmanager's AlertSlice order: by job, then instance (an alert without one sorts after), then labels.
bool alert_before(const AlertView& a, const AlertView& b) {
  for (const char* key : {"job", "instance"}) {
    const auto find = [key](const Labels& ls) {
      return std::find_if(ls.begin(), ls.end(), [key](const Label& l) { return l.first == key; });
    };
    const auto ia = find(a.labels), ib = find(b.labels);
    const bool has_a = ia != a.labels.end(), has_b = ib != b.labels.end();
    if (!has_a && !has_b) continue;
    if (!has_a) return false;
    if (!has_b) return true;
    if (ia->second != ib->second) return ia->second < ib->second;
  }
  return label_set_before(a.labels, b.labels);
}

}  // namespace

bool label_set_before(const Labels& a, const Labels& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  std::set<std::string> names;
  for (const auto& l : a) names.insert(l.first);
  for (const auto& l : b) names.insert(l.first);
  for (const auto& name : names) {
    const auto ia = std::find_if(a.begin(), a.end(), [&](const Label& l) { return l.first == name; });
    if (ia == a.end()) return true;
    const auto ib = std::find_if(b.begin(), b.end(), [&](const Label& l) { return l.first == name; });
    if (ib == b.end()) return false;
    if (ia->second != ib->second) return ia->second < ib->second;
  }
  return false;
}

AlertmanagerApi::AlertmanagerApi(Sources sources) : sources_(std::move(sources)) {}

std::optional<AmResponse> AlertmanagerApi::check_token(const NotificationView& view, const std::string& authorization) const {
  const std::string& token = view.config->api_bearer_token;
  if (token.empty()) return error_answer(403, "mutations are disabled: no API bearer token is configured");
  if (!same_secret(authorization, "Bearer " + token)) return error_answer(401, "missing or wrong bearer token");
  return std::nullopt;
}

std::vector<AlertView> AlertmanagerApi::alert_views(const NotificationView& view, TimestampMs now) const {
  persistence::AlertQuery q;
  q.state = "firing";
  q.limit = std::numeric_limits<std::size_t>::max();
  const dispatch::RouteNode tree = dispatch::build_route_tree(view.config->route);
  std::vector<silence::Silence> active;
  for (auto& s : sources_.silences->list()) {
    if (silence::silence_state(s, now) == "active") active.push_back(std::move(s));
  }
  std::vector<AlertView> out;
  for (auto& r : sources_.alerts->query(q)) {
    AlertView a;
    a.fingerprint = r.fingerprint;
    a.labels = std::move(r.labels);
    a.annotations = std::move(r.annotations);
    a.starts_at = r.active_at;
    a.updated_at = r.updated_at;
    a.generator_url = std::move(r.generator_url);
    if (const auto it = view.ends_at.find(r.fingerprint); it != view.ends_at.end()) a.ends_at = it->second;
    if (a.ends_at != 0 && a.ends_at < now) continue;  // resolved by now, as Alertmanager's filter drops it
    for (const auto* node : dispatch::match_routes(tree, a.labels)) a.receivers.push_back(node->config->receiver);
    for (const auto& s : active) {
      if (notify::matches_all(s.matchers, a.labels)) a.silenced_by.push_back(s.id);
    }
    std::sort(a.silenced_by.begin(), a.silenced_by.end());
    if (view.inhibited_by) {
      for (const auto fp : view.inhibited_by(a.labels, now)) a.inhibited_by.push_back(notify::fingerprint_hex(fp));
      std::sort(a.inhibited_by.begin(), a.inhibited_by.end());
    }
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(), [](const AlertView& x, const AlertView& y) {
    return notify::fingerprint_hex(x.fingerprint) < notify::fingerprint_hex(y.fingerprint);
  });
  return out;
}

AmResponse AlertmanagerApi::status() const {
  const NotificationView view = sources_.view();
  return json_answer(status_json(sources_.status, alertmanager_config_yaml(*view.config)));
}

AmResponse AlertmanagerApi::receivers() const { return json_answer(receivers_json(*sources_.view().config)); }

AmResponse AlertmanagerApi::alerts(const WebParams& params) const {
  auto parsed = parse_alert_filter(params);
  if (const auto* error = std::get_if<std::string>(&parsed)) return error_answer(400, *error);
  const auto& filter = std::get<AlertFilter>(parsed);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : alert_views(sources_.view(), sources_.clock->now_ms())) {
    if (!receiver_selected(filter, a.receivers) || !alert_selected(filter, a)) continue;
    out.push_back(gettable_alert_json(a));
  }
  return json_answer(out);
}

AmResponse AlertmanagerApi::alert_groups(const WebParams& params) const {
  auto parsed = parse_alert_filter(params);
  if (const auto* error = std::get_if<std::string>(&parsed)) return error_answer(400, *error);
  const auto& filter = std::get<AlertFilter>(parsed);
  const NotificationView view = sources_.view();
  const dispatch::RouteNode tree = dispatch::build_route_tree(view.config->route);
  // One group per route and group_by values, as the dispatcher aggregates; an alert's receivers are those of
  // the groups it appears in.
  std::map<std::pair<std::string, Labels>, AlertGroupView> groups;
  std::map<notify::Fingerprint, std::vector<std::string>> receivers;
  for (const auto& a : alert_views(view, sources_.clock->now_ms())) {
    if (!alert_selected(filter, a)) continue;
    for (const auto* node : dispatch::match_routes(tree, a.labels)) {
      const std::string& receiver = node->config->receiver;
      if (filter.receiver && !filter.receiver->full_match(receiver)) continue;
      Labels labels = dispatch::group_labels(*node->config, a.labels);
      auto& g = groups[{node->id, labels}];
      g.labels = std::move(labels);
      g.receiver = receiver;
      g.alerts.push_back(a);
      receivers[a.fingerprint].push_back(receiver);
    }
  }
  std::vector<AlertGroupView> sorted;
  for (auto& [key, g] : groups) {
    for (auto& a : g.alerts) a.receivers = receivers[a.fingerprint];
    std::sort(g.alerts.begin(), g.alerts.end(), alert_before);
    sorted.push_back(std::move(g));
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const AlertGroupView& x, const AlertGroupView& y) {
    if (x.labels == y.labels) return x.receiver < y.receiver;
    return label_set_before(x.labels, y.labels);
  });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : sorted) out.push_back(alert_group_json(g));
  return json_answer(out);
}

AmResponse AlertmanagerApi::silences(const WebParams& params) const {
  auto parsed = parse_filter(params);
  if (const auto* error = std::get_if<std::string>(&parsed)) return error_answer(400, *error);
  const auto& filter = std::get<notify::Matchers>(parsed);
  const TimestampMs now = sources_.clock->now_ms();
  std::vector<silence::Silence> selected;
  for (auto& s : sources_.silences->list()) {
    if (silence_selected(filter, s)) selected.push_back(std::move(s));
  }
  sort_silences(selected, now);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : selected) out.push_back(gettable_silence_json(s, now));
  return json_answer(out);
}

AmResponse AlertmanagerApi::silence(const std::string& id) const {
  const auto s = sources_.silences->get(id);
  if (!s) return {404, ""};  // Alertmanager's 404 has no body
  return json_answer(gettable_silence_json(*s, sources_.clock->now_ms()));
}

AmResponse AlertmanagerApi::post_silence(const std::string& authorization, const std::string& body) {
  if (auto denied = check_token(sources_.view(), authorization)) return *denied;
  auto parsed = parse_postable_silence(body);
  if (const auto* error = std::get_if<BodyError>(&parsed)) return {error->status, safe_dump(error->body)};
  auto& s = std::get<silence::Silence>(parsed);
  // The API's own checks come first, with Alertmanager's words.
  if (s.starts_at >= s.ends_at) return error_answer(400, "Failed to create silence: start time must be before end time");
  if (s.ends_at < sources_.clock->now_ms()) return error_answer(400, "Failed to create silence: end time can't be in the past");
  try {
    return json_answer({{"silenceID", sources_.silences->set(std::move(s))}});
  } catch (const silence::SilenceNotFound&) {
    return error_answer(404, "silence not found");
  } catch (const std::invalid_argument& e) {
    return error_answer(400, std::string("silence invalid: ") + e.what());
  }
}

AmResponse AlertmanagerApi::delete_silence(const std::string& authorization, const std::string& id) {
  if (auto denied = check_token(sources_.view(), authorization)) return *denied;
  if (!sources_.silences->get(id)) return error_answer(404, "silence not found");
  sources_.silences->expire(id);  // false when it had already expired: still 200, as Alertmanager answers
  return {200, ""};
}

}  // namespace twikit::amapi
