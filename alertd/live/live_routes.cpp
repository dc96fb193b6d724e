#include "alertd/live/live_routes.h"

#include <openssl/crypto.h>

#include <variant>

#include "alertd/live/live_protocol.h"

namespace twikit::live {
namespace {

// Compares without leaking how much of a guess was right.
bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool authorized(const std::string& token, const WebRequest& request) {
  if (token.empty()) return true;
  const std::string header = request.headers.get("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() > kScheme.size() && iequals(std::string_view(header).substr(0, kScheme.size()), kScheme) &&
      same_secret(header.substr(kScheme.size()), token)) {
    return true;
  }
  const auto param = request.param("token");
  return param && same_secret(*param, token);
}

}  // namespace

WebSocketAcceptance accept_live_client(LiveHub& hub, const WebRequest& request) {
  if (!authorized(hub.options().bearer_token, request)) {
    hub.count_unauthorized();
    WebResponse res = web_error(401, WebErrorFormat::json, "a bearer token is required (Authorization: Bearer <token> or ?token=<token>)");
    res.headers.set("WWW-Authenticate", "Bearer");
    return res;
  }
  LiveSubscription initial;
  if (const auto topics = request.param("topics")) {
    auto parsed = parse_topic_list(*topics);
    if (auto* error = std::get_if<std::string>(&parsed)) return web_error(400, WebErrorFormat::json, "topics: " + *error);
    initial.topics = std::get<LiveTopicSet>(parsed);
  }
  if (const auto since = request.param("since")) {
    initial.since = parse_seq(*since);
    if (!initial.since) return web_error(400, WebErrorFormat::json, "since: not a sequence number");
  }
  auto endpoint = hub.open_client(initial);
  if (!endpoint) {
    WebResponse res = web_error(503, WebErrorFormat::json,
                                "too many live clients (" + std::to_string(hub.options().max_clients) + ")");
    res.headers.set("Retry-After", "5");
    return res;
  }
  return endpoint;
}

void add_live_routes(WebServer& server, LiveHub& hub) {
  WebSocketOptions options;
  options.max_queued_messages = hub.options().client_queue_messages;
  options.max_queued_bytes = hub.options().client_queue_bytes;
  options.ping_interval = hub.options().ping_interval;
  server.add_websocket(
      kLiveWebSocketPath, [&hub](const WebRequest& request) { return accept_live_client(hub, request); }, options);
  server.add_event_stream(
      kLiveEventStreamPath, [&hub](const WebRequest& request) { return accept_live_client(hub, request); }, options);
}

}  // namespace twikit::live
