#include "alertd/api/monitoring_api.h"

#include "alertd/api/monitoring_json.h"
#include "alertd/notify/notification_json.h"
#include "common/json_text.h"

#include <charconv>
#include <utility>

namespace twikit::api {

ApiResponse api_error(int status, const std::string& type, const std::string& message) {
  return {status, {{"status", "error"}, {"errorType", type}, {"error", message}}};
}

ApiResponse api_success(nlohmann::json data) { return {200, {{"status", "success"}, {"data", std::move(data)}}}; }

MonitoringApi::MonitoringApi(persistence::AlertStore& alerts, silence::Silences& silences, const Clock& clock,
                             AckListener on_ack)
    : alerts_(alerts), silences_(silences), clock_(clock), on_ack_(std::move(on_ack)) {}

void MonitoringApi::set_token(std::string token) {
  std::lock_guard<std::mutex> lock(mu_);
  token_ = std::move(token);
}

std::optional<ApiResponse> MonitoringApi::check_token(const std::string& authorization) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (token_.empty()) return api_error(403, "forbidden", "mutations are disabled: no API bearer token is configured");
  if (authorization != "Bearer " + token_) return api_error(401, "unauthorized", "missing or wrong bearer token");
  return std::nullopt;
}

namespace {

const std::string* param(const WebParams& params, const std::string& name) {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

bool parse_id(const std::string& id, notify::Fingerprint& fp) { return id.size() == 16 && notify::parse_fingerprint_hex(id, fp); }

nlohmann::json parse_body(const std::string& body, std::string& error) {
  try {
    auto j = nlohmann::json::parse(body.empty() ? "{}" : body);
    if (!j.is_object()) error = "request body must be a JSON object";
    return j;
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number beyond a double
    error = std::string("invalid JSON: ") + e.what();
    return nullptr;
  }
}

std::optional<std::string> string_field(const nlohmann::json& j, const char* name, std::string& error) {
  if (!j.contains(name) || j[name].is_null()) return std::nullopt;
  if (!j[name].is_string()) {
    error = std::string("\"") + name + "\" must be a string";
    return std::nullopt;
  }
  return j[name].get<std::string>();
}

}  // namespace

ApiResponse MonitoringApi::list_alerts(const WebParams& params) {
  if (const auto bad = invalid_utf8_param(params)) return api_error(400, "bad_data", *bad);
  persistence::AlertQuery q;
  if (const auto* s = param(params, "state")) {
    if (*s != "firing" && *s != "resolved") return api_error(400, "bad_data", "state must be firing or resolved");
    q.state = *s;
  }
  if (const auto* s = param(params, "severity")) q.severity = *s;
  if (const auto* s = param(params, "acknowledged")) {
    if (*s != "true" && *s != "false") return api_error(400, "bad_data", "acknowledged must be true or false");
    q.acknowledged = *s == "true";
  }
  for (const char* name : {"from", "to"}) {
    if (const auto* s = param(params, name)) {
      TimestampMs t = 0;
      if (!parse_api_time(*s, t)) return api_error(400, "bad_data", std::string("invalid ") + name + " time \"" + *s + "\"");
      (std::string(name) == "from" ? q.from : q.to) = t;
    }
  }
  if (q.from && q.to && q.to < q.from) return api_error(400, "bad_data", "to is before from");
  if (const auto* s = param(params, "limit")) {
    long long n = 0;
    const auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (ec != std::errc() || ptr != s->data() + s->size() || n <= 0 || n > 100000) {
      return api_error(400, "bad_data", "limit must be an integer from 1 to 100000");
    }
    q.limit = static_cast<std::size_t>(n);
  }
  for (const auto& [name, value] : params) {
    if (name != "filter") continue;
    try {
      for (auto& m : notify::parse_matchers(value)) q.matchers.push_back(std::move(m));
    } catch (const std::invalid_argument& e) {
      return api_error(400, "bad_data", e.what());
    }
  }
  nlohmann::json data = nlohmann::json::array();
  for (const auto& r : alerts_.query(q)) data.push_back(alert_json(r));
  return api_success(std::move(data));
}

ApiResponse MonitoringApi::get_alert(const std::string& id) {
  notify::Fingerprint fp = 0;
  if (!parse_id(id, fp)) return api_error(400, "bad_data", "alert id must be a 16-digit hex fingerprint");
  const auto r = alerts_.get(fp);
  if (!r) return api_error(404, "not_found", "no alert with id " + id);
  nlohmann::json j = alert_json(*r);
  j["history"] = nlohmann::json::array();
  for (const auto& e : alerts_.history(fp)) j["history"].push_back(history_json(e));
  return api_success(std::move(j));
}

ApiResponse MonitoringApi::acknowledge(const std::string& authorization, const std::string& id, const std::string& body) {
  if (auto denied = check_token(authorization)) return *denied;
  notify::Fingerprint fp = 0;
  if (!parse_id(id, fp)) return api_error(400, "bad_data", "alert id must be a 16-digit hex fingerprint");
  std::string error;
  const auto j = parse_body(body, error);
  if (!error.empty()) return api_error(400, "bad_data", error);
  const auto by = string_field(j, "by", error);
  const auto comment = string_field(j, "comment", error);
  if (!error.empty()) return api_error(400, "bad_data", error);
  if (!by || by->empty()) return api_error(400, "bad_data", "\"by\" is required");
  if (by->size() > silence::kMaxCreatedByBytes) {
    return api_error(400, "bad_data", "\"by\" is longer than " + std::to_string(silence::kMaxCreatedByBytes) + " bytes");
  }
  if (comment && comment->size() > silence::kMaxCommentBytes) {
    return api_error(400, "bad_data",
                     "\"comment\" is longer than " + std::to_string(silence::kMaxCommentBytes) + " bytes");
  }
  const auto r = alerts_.get(fp);
  if (!r) return api_error(404, "not_found", "no alert with id " + id);
  switch (alerts_.acknowledge(fp, *by, comment.value_or(""), clock_.now_ms())) {
    case persistence::AckOutcome::not_firing:
      return api_error(409, "conflict", "alert " + id + " is not firing");
    case persistence::AckOutcome::already_acknowledged: {
      // The first acknowledgement stands; the answer carries it so the caller sees who has it.
      ApiResponse conflict = api_error(409, "conflict", "alert " + id + " is already acknowledged");
      if (const auto current = alerts_.get(fp)) conflict.body["data"] = alert_json(*current);
      return conflict;
    }
    case persistence::AckOutcome::acknowledged:
      break;
  }
  const auto acked = alerts_.get(fp);
  if (!acked) return api_error(404, "not_found", "no alert with id " + id);  // deleted by retention meanwhile
  if (on_ack_) on_ack_(*acked);
  return api_success(alert_json(*acked));
}

ApiResponse MonitoringApi::list_silences(const WebParams& params) {
  if (const auto bad = invalid_utf8_param(params)) return api_error(400, "bad_data", *bad);
  const TimestampMs now = clock_.now_ms();
  const std::string* state = param(params, "state");
  if (state && *state != "active" && *state != "pending" && *state != "expired") {
    return api_error(400, "bad_data", "state must be active, pending or expired");
  }
  nlohmann::json data = nlohmann::json::array();
  for (const auto& s : silences_.list()) {
    if (state && silence::silence_state(s, now) != *state) continue;
    data.push_back(silence_json(s, now));
  }
  return api_success(std::move(data));
}

ApiResponse MonitoringApi::get_silence(const std::string& id) {
  const auto s = silences_.get(id);
  if (!s) return api_error(404, "not_found", "no silence with id " + id);
  return api_success(silence_json(*s, clock_.now_ms()));
}

ApiResponse MonitoringApi::create_silence(const std::string& authorization, const std::string& body) {
  if (auto denied = check_token(authorization)) return *denied;
  std::string error;
  const auto j = parse_body(body, error);
  if (!error.empty()) return api_error(400, "bad_data", error);
  silence::Silence s;
  if (!j.contains("matchers") || !j["matchers"].is_array()) return api_error(400, "bad_data", "\"matchers\" must be a list");
  if (j["matchers"].size() > silence::kMaxMatchers) {  // before parsing 500,000 of them
    return api_error(400, "bad_data", "a silence has at most " + std::to_string(silence::kMaxMatchers) + " matchers");
  }
  try {
    for (const auto& m : j["matchers"]) {
      if (m.is_string()) {
        for (auto& parsed : notify::parse_matchers(m.get<std::string>())) s.matchers.push_back(std::move(parsed));
      } else if (m.is_object() && m.contains("name") && m.contains("value")) {
        const bool regex = m.value("isRegex", false);
        const bool equal = m.value("isEqual", true);
        const auto op = regex ? (equal ? notify::Matcher::Op::regex : notify::Matcher::Op::not_regex)
                              : (equal ? notify::Matcher::Op::equal : notify::Matcher::Op::not_equal);
        s.matchers.emplace_back(m["name"].get<std::string>(), op, m["value"].get<std::string>());
      } else {
        return api_error(400, "bad_data", "each matcher must be a string or {name, value, isRegex, isEqual}");
      }
    }
  } catch (const std::invalid_argument& e) {
    return api_error(400, "bad_data", std::string("bad matcher: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    return api_error(400, "bad_data", std::string("bad matcher: ") + e.what());
  }
  for (const char* name : {"startsAt", "endsAt"}) {
    const auto text = string_field(j, name, error);
    if (!error.empty()) return api_error(400, "bad_data", error);
    if (!text) {
      if (std::string(name) == "endsAt") return api_error(400, "bad_data", "\"endsAt\" is required");
      continue;
    }
    TimestampMs t = 0;
    if (!parse_api_time(*text, t)) return api_error(400, "bad_data", std::string("invalid ") + name + " \"" + *text + "\"");
    (std::string(name) == "startsAt" ? s.starts_at : s.ends_at) = t;
  }
  s.created_by = string_field(j, "createdBy", error).value_or("");
  s.comment = string_field(j, "comment", error).value_or("");
  if (!error.empty()) return api_error(400, "bad_data", error);
  try {
    const std::string id = silences_.add(std::move(s));
    return api_success({{"silenceID", id}});
  } catch (const std::invalid_argument& e) {
    return api_error(400, "bad_data", e.what());
  }
}

ApiResponse MonitoringApi::delete_silence(const std::string& authorization, const std::string& id) {
  if (auto denied = check_token(authorization)) return *denied;
  if (!silences_.get(id)) return api_error(404, "not_found", "no silence with id " + id);
  if (!silences_.expire(id)) return api_error(409, "conflict", "silence " + id + " has already expired");
  return api_success(nullptr);
}

void MonitoringApi::register_routes(WebRouter& router, std::size_t max_body_bytes) {
  // Error messages may quote what the client sent; invalid UTF-8 in them is replaced, never a failed write.
  auto reply = [](WebResponse& res, const ApiResponse& r) {
    res.status = r.status;
    res.set_body(safe_dump(r.body), "application/json");
  };
  auto refuse = [reply](WebResponse& res, int status, const std::string& allow) {
    reply(res, status == 404 ? api_error(404, "not_found", "not found")
                             : api_error(405, "method_not_allowed", "method not allowed"));
    if (!allow.empty()) res.headers.set("Allow", allow);
  };
  auto options = [max_body_bytes](std::vector<std::string> methods) {
    WebRouteOptions o;
    o.methods = std::move(methods);
    o.max_body_bytes = max_body_bytes;
    o.errors = WebErrorFormat::json;
    return o;
  };
  router.add(
      "/api/monitoring/alerts",
      [this, reply](const WebRequest& req, WebResponse& res) { reply(res, list_alerts(req.query)); },
      options({"GET"}));
  // /api/monitoring/alerts/:id (GET) and /api/monitoring/alerts/:id/acknowledge (POST).
  router.add_prefix(
      "/api/monitoring/alerts/",
      [this, reply, refuse](const WebRequest& req, WebResponse& res) {
        const std::string rest = req.path.substr(std::string_view("/api/monitoring/alerts/").size());
        const auto slash = rest.find('/');
        if (slash == std::string::npos && !rest.empty()) {
          if (req.method != "GET" && req.method != "HEAD") return refuse(res, 405, "GET, HEAD");
          return reply(res, get_alert(rest));
        }
        if (slash != 0 && slash != std::string::npos && rest.substr(slash) == "/acknowledge") {
          if (req.method != "POST") return refuse(res, 405, "POST");
          return reply(res, acknowledge(req.headers.get("Authorization"), rest.substr(0, slash), req.body));
        }
        refuse(res, 404, "");
      },
      [&options] {
        WebRouteOptions o = options({"GET", "POST"});
        o.path_methods = [](std::string_view path) -> std::vector<std::string> {
          const std::string_view rest = path.substr(std::string_view("/api/monitoring/alerts/").size());
          const auto slash = rest.find('/');
          if (slash == std::string_view::npos && !rest.empty()) return {"GET"};
          if (slash != 0 && slash != std::string_view::npos && rest.substr(slash) == "/acknowledge") return {"POST"};
          return {};
        };
        return o;
      }());
  router.add(
      "/api/monitoring/silences",
      [this, reply](const WebRequest& req, WebResponse& res) {
        if (req.method == "POST") return reply(res, create_silence(req.headers.get("Authorization"), req.body));
        reply(res, list_silences(req.query));
      },
      options({"GET", "POST"}));
  // /api/monitoring/silences/:id (GET, DELETE).
  router.add_prefix(
      "/api/monitoring/silences/",
      [this, reply, refuse](const WebRequest& req, WebResponse& res) {
        const std::string id = req.path.substr(std::string_view("/api/monitoring/silences/").size());
        if (id.empty() || id.find('/') != std::string::npos) return refuse(res, 404, "");
        if (req.method == "DELETE") return reply(res, delete_silence(req.headers.get("Authorization"), id));
        reply(res, get_silence(id));
      },
      options({"GET", "DELETE"}));
}

}  // namespace twikit::api
