// bench/live: N WebSocket clients on Beast (one thread, in this process) subscribed to `alerts` on
// tests/alertd/live/live_test_server (a WebServer + LiveHub in its own process). Each round publishes one event
// stamped with the server's steady clock at publish() (CLOCK_MONOTONIC, shared by both processes); each
// client notes when the whole message is in its hands. Prints, over the rounds, the latency from publish()
// to the LAST client holding the message (p50/p99/max), the same per client, and the server's RSS per
// connected client.
//
//   build/bench/live/bench_live [--clients 1000] [--rounds 100]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/stack.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace twikit::testing;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100 * static_cast<double>(v.size() - 1) + 0.5))];
}

// What all clients report to the main thread.
struct Results {
  std::mutex mu;
  std::condition_variable cv;
  std::size_t ready = 0;             // subscribed clients
  std::vector<double> round_ms;      // this round's latency per client
  std::size_t failed = 0;
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& ioc, Results& results) : ws_(ioc), results_(results) {}

  void start(const tcp::endpoint& ep) {
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      self->ws_.async_handshake("127.0.0.1", "/api/monitoring/ws?topics=alerts",
                                [self](beast::error_code ec2) {
                                  if (ec2) return self->fail();
                                  self->read();
                                });
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail();
      const std::int64_t now = now_ns();
      const auto msg = nlohmann::json::parse(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      {
        std::lock_guard lock(self->results_.mu);
        if (msg["type"] == "subscribed") {
          ++self->results_.ready;
        } else if (msg["type"] == "event") {
          self->results_.round_ms.push_back(static_cast<double>(now - msg["data"]["t_ns"].get<std::int64_t>()) / 1e6);
        }
      }
      self->results_.cv.notify_all();
      self->read();
    });
  }

  void fail() {
    std::lock_guard lock(results_.mu);
    ++results_.failed;
    results_.cv.notify_all();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  Results& results_;
};

std::size_t arg(int argc, char** argv, const std::string& name, std::size_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::stoul(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t clients = arg(argc, argv, "--clients", 1000);
  const std::size_t rounds = arg(argc, argv, "--rounds", 100);
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;  // the server, our child, inherits it
  ::setrlimit(RLIMIT_NOFILE, &lim);

  ChildProcess server(
      {binary_path("tests/alertd/live/live_test_server"), "--until-signal",
       "--max-clients=" + std::to_string(clients + 10)});
  const auto ready = server.read_line(std::chrono::seconds(10));
  if (!ready) {
    std::fprintf(stderr, "live_test_server printed no ready line\n");
    return 1;
  }
  const int port = nlohmann::json::parse(*ready).at("port").get<int>();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const long rss_before = rss_kib(server.pid());

  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);
  std::thread io([&ioc] { ioc.run(); });
  Results results;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  for (std::size_t i = 0; i < clients; i += 100) {  // in batches: the listen queue and the handshakes
    const std::size_t batch = std::min<std::size_t>(100, clients - i);
    for (std::size_t j = 0; j < batch; ++j) {
      asio::post(ioc, [&ioc, &results, ep] { std::make_shared<Client>(ioc, results)->start(ep); });
    }
    std::unique_lock lock(results.mu);
    if (!results.cv.wait_for(lock, std::chrono::seconds(30), [&] { return results.ready + results.failed >= i + batch; }) ||
        results.failed > 0) {
      std::fprintf(stderr, "only %zu clients subscribed, %zu failed\n", results.ready, results.failed);
      std::_Exit(1);
    }
  }
  const long rss_after = rss_kib(server.pid());

  std::vector<double> last_ms, each_ms;
  for (std::size_t r = 0; r < rounds; ++r) {
    if (http_send("POST", base + "/test/publish_timed?topic=alerts", "") != 200) {
      std::fprintf(stderr, "publish failed\n");
      std::_Exit(1);
    }
    std::unique_lock lock(results.mu);
    if (!results.cv.wait_for(lock, std::chrono::seconds(10), [&] { return results.round_ms.size() >= clients; })) {
      std::fprintf(stderr, "round %zu: only %zu clients got the message\n", r, results.round_ms.size());
      std::_Exit(1);
    }
    last_ms.push_back(*std::max_element(results.round_ms.begin(), results.round_ms.end()));
    each_ms.insert(each_ms.end(), results.round_ms.begin(), results.round_ms.end());
    results.round_ms.clear();
  }
  std::printf("live bench: %zu WebSocket clients (Beast, one thread) subscribed to alerts, %zu events\n", clients, rounds);
  std::printf("  publish() -> last client holds it: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", pct(last_ms, 50),
              pct(last_ms, 99), *std::max_element(last_ms.begin(), last_ms.end()));
  std::printf("  publish() -> each client:          p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", pct(each_ms, 50),
              pct(each_ms, 99), *std::max_element(each_ms.begin(), each_ms.end()));
  std::printf("  server RSS: %.1f MiB idle, %.1f MiB with the clients: %.1f KiB per client\n", rss_before / 1024.0,
              rss_after / 1024.0, static_cast<double>(rss_after - rss_before) / static_cast<double>(clients));
  ioc.stop();
  io.join();
  return 0;
}
