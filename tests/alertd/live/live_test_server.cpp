// A small server for the live tests and bench/live: a WebServer with a LiveHub on 127.0.0.1:0, steered
// over HTTP. Prints {"port":N} when ready and stops (closing every WebSocket with 1001) when stdin closes,
// or with --until-signal on SIGTERM/SIGINT.
//
//   live_test_server [--until-signal] [--token=T] [--max-clients=N] [--buffer-messages=N] [--queue-messages=N]
//                    [--queue-bytes=N] [--ping-ms=N] [--tls-cert=FILE --tls-key=FILE]
//   POST /test/publish?topic=alerts&count=N&pad=B   N events {"i":k,"pad":"xx…"}; answers {"first":s,"last":e}
//   POST /test/publish_timed?topic=alerts            one event {"t_ns":<steady clock at publish>}
//   PUT  /test/snapshot?topic=dashboard              body: the snapshot document
//   GET  /test/stats                                 the hub's and the server's counts
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "alertd/live/live_hub.h"
#include "alertd/live/live_routes.h"
#include "common/signals.h"
#include "common/web_server.h"

using namespace twikit;
using namespace twikit::live;

namespace {

std::string flag(int argc, char** argv, const std::string& name, const std::string& fallback = {}) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
  }
  return fallback;
}

LiveTopic topic_of(const WebRequest& req) {
  const auto t = parse_topic(req.param("topic").value_or("alerts"));
  if (!t) throw std::runtime_error("unknown topic");
  return *t;
}

}  // namespace

int main(int argc, char** argv) {
  bool until_signal = false;
  for (int i = 1; i < argc; ++i) until_signal = until_signal || std::string(argv[i]) == "--until-signal";
  if (until_signal) block_signals();
  LiveOptions options;
  options.bearer_token = flag(argc, argv, "token");
  options.max_clients = std::stoul(flag(argc, argv, "max-clients", "1000"));
  options.buffer_messages = std::stoul(flag(argc, argv, "buffer-messages", "10000"));
  options.client_queue_messages = std::stoul(flag(argc, argv, "queue-messages", "4096"));
  options.client_queue_bytes = std::stoul(flag(argc, argv, "queue-bytes", std::to_string(8 << 20)));
  options.ping_interval = std::chrono::milliseconds(std::stol(flag(argc, argv, "ping-ms", "30000")));
  SystemClock clock;
  LiveHub hub(options, clock);

  WebRouter router(WebErrorFormat::json);
  router.add("/test/publish", [&hub](const WebRequest& req, WebResponse& res) {
    const LiveTopic topic = topic_of(req);
    const long count = std::stol(req.param("count").value_or("1"));
    const std::string pad(std::stoul(req.param("pad").value_or("0")), 'x');
    std::uint64_t first = 0, last = 0;
    for (long i = 0; i < count; ++i) {
      last = hub.publish(topic, {{"i", i}, {"pad", pad}});
      if (i == 0) first = last;
    }
    res.set_body(nlohmann::json{{"first", first}, {"last", last}}.dump(), "application/json");
  }, {{"POST"}});
  router.add("/test/publish_timed", [&hub](const WebRequest& req, WebResponse& res) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch();
    const auto seq = hub.publish(topic_of(req), {{"t_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()}});
    res.set_body(nlohmann::json{{"seq", seq}}.dump(), "application/json");
  }, {{"POST"}});
  router.add("/test/snapshot", [&hub](const WebRequest& req, WebResponse& res) {
    hub.set_snapshot(topic_of(req), nlohmann::json::parse(req.body));
    res.set_body("{}", "application/json");
  }, {{"PUT"}});

  WebServerOptions server_options;
  server_options.max_connections = 100'000;
  server_options.stop_grace = std::chrono::milliseconds(3000);
  const std::string cert = flag(argc, argv, "tls-cert");
  if (!cert.empty()) server_options.web.tls = TlsServerConfig{cert, flag(argc, argv, "tls-key"), {}};
  WebServer* server_ptr = nullptr;
  router.add("/test/stats", [&hub, &server_ptr](const WebRequest&, WebResponse& res) {
    const LiveHubStats s = hub.stats();
    const WebServerStats w = server_ptr->stats();
    res.set_body(nlohmann::json{{"clients", s.clients},
                                {"last_seq", s.last_seq},
                                {"messages_sent", s.messages_sent},
                                {"clients_dropped_slow", s.clients_dropped_slow},
                                {"clients_refused_limit", s.clients_refused_limit},
                                {"clients_refused_unauthorized", s.clients_refused_unauthorized},
                                {"resumes_replayed", s.resumes_replayed},
                                {"resumes_reset", s.resumes_reset},
                                {"client_errors", s.client_errors},
                                {"connections_open", w.connections_open}}
                     .dump(),
                 "application/json");
  });

  WebServer server(std::move(router), server_options);
  server_ptr = &server;
  add_live_routes(server, hub);
  const int port = server.bind("127.0.0.1:0");
  server.start();
  std::cout << nlohmann::json{{"port", port}}.dump() << std::endl;
  if (until_signal) {
    wait_for_stop_signal();
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
    }
  }
  server.stop();
  return 0;
}
