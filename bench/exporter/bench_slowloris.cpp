// Scrape latency of an exporter with and without idle (slowloris) connections held open against it.
// Usage: bench_slowloris PORT [IDLE=2000] [SCRAPES=200] [INTERVAL_MS=20]
// Each scrape is a Prometheus request (OpenMetrics, gzip, scrape-timeout header) on a new connection, read
// to the end; the idle connections each send half a request header and then nothing. Prints p50/p99/max
// for both phases, after one warm-up scrape (which waits for the first collection). A scrape that takes longer than 60 s counts as failed, and a phase stops after 120 s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One scrape on a new connection; its duration in ms, or a negative number when it failed.
double scrape(int port) {
  static const std::string request =
      "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Prometheus/2.42.0\r\n"
      "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n"
      "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\nConnection: close\r\n\r\n";
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(60);
  const int fd = connect_to(port);
  if (fd < 0) return -1;
  std::string head;
  bool ok = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
  char buf[65536];
  while (ok) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1) {
      ok = false;
      break;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) ok = false;
    if (n <= 0) break;
    if (head.size() < 12) head.append(buf, static_cast<std::size_t>(std::min<ssize_t>(n, 12)));
  }
  ::close(fd);
  if (!ok || head.rfind("HTTP/1.1 200", 0) != 0) return -1;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void report(const char* label, std::vector<double> ms, int failed) {
  std::sort(ms.begin(), ms.end());
  if (ms.empty()) {
    std::printf("%-30s no scrape answered (%d failed)\n", label, failed);
    return;
  }
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
  std::printf("%-30s p50 %.1f ms, p99 %.1f ms, max %.1f ms over %zu scrapes, %d failed\n", label, at(0.5), at(0.99),
              ms.back(), ms.size(), failed);
}

void run_phase(const char* label, int port, int scrapes, int interval_ms) {
  std::vector<double> ms;
  int failed = 0;
  const auto end = Clock::now() + std::chrono::seconds(120);
  for (int i = 0; i < scrapes && Clock::now() < end; ++i) {
    const double d = scrape(port);
    if (d < 0) {
      ++failed;
    } else {
      ms.push_back(d);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  report(label, std::move(ms), failed);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PORT [IDLE=2000] [SCRAPES=200] [INTERVAL_MS=20]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int idle = argc > 2 ? std::atoi(argv[2]) : 2000;
  const int scrapes = argc > 3 ? std::atoi(argv[3]) : 200;
  const int interval_ms = argc > 4 ? std::atoi(argv[4]) : 20;
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);

  if (scrape(port) < 0) std::fprintf(stderr, "warm-up scrape failed\n");  // waits for the first collection
  run_phase("no idle connections:", port, scrapes, interval_ms);

  const std::string half = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/pl";
  std::vector<int> fds;
  for (int i = 0; i < idle; ++i) {
    const int fd = connect_to(port);
    if (fd < 0) break;
    ::send(fd, half.data(), half.size(), MSG_NOSIGNAL);
    fds.push_back(fd);
  }
  const std::string label = "with " + std::to_string(fds.size()) + " idle connections:";
  run_phase(label.c_str(), port, scrapes, interval_ms);
  for (const int fd : fds) ::close(fd);
  return 0;
}
