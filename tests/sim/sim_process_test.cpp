// Runs the real twikit-sim binary on loopback and checks the contract an operator (and the exporter) sees.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include "support/process.h"

using nlohmann::json;
using twikit::testing::ChildProcess;
using namespace std::chrono_literals;

namespace {

// A sim process started with --base-port 0 and the ports from its ready line.
struct RunningSim {
  std::unique_ptr<ChildProcess> process;
  int admin = 0;
  std::map<std::string, int> services;
  std::vector<std::string> order;
};

RunningSim start_sim(std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{twikit::testing::binary_path("sim/twikit-sim"), "--base-port", "0", "--seed", "11",
                                "--log.level", "warn"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  RunningSim sim;
  sim.process = std::make_unique<ChildProcess>(argv);
  const auto line = sim.process->read_line(10s);
  REQUIRE(line);
  const json ready = json::parse(*line);
  sim.admin = ready.at("admin").get<int>();
  for (const auto& [name, port] : ready.at("services").items()) sim.services[name] = port.get<int>();
  // The ready line keeps the contract's order; nlohmann sorts keys, so read the order from the text.
  for (const char* name : {"session_manager", "proxy_rotation", "rate_limit", "anti_detection", "account_health",
                           "emergency_stop", "content_safety", "connection_pool", "retry_engine",
                           "campaign_orchestrator"}) {
    REQUIRE(line->find(std::string("\"") + name + "\"") != std::string::npos);
    sim.order.push_back(name);
  }
  return sim;
}

httplib::Client client(int port, std::chrono::milliseconds timeout = 5s) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(timeout);
  c.set_read_timeout(timeout);
  return c;
}

httplib::Result get_status(int port, std::chrono::milliseconds timeout = 5s) {
  auto c = client(port, timeout);
  return c.Get("/status");
}

int put_fault(const RunningSim& sim, const std::string& service, const json& body) {
  auto c = client(sim.admin);
  auto res = c.Put(("/admin/services/" + service + "/fault").c_str(), body.dump(), "application/json");
  return res ? res->status : -1;
}

// The sim's /metrics body from its admin port (empty when the request fails).
std::string metrics(const RunningSim& sim) {
  auto c = client(sim.admin);
  auto res = c.Get("/metrics");
  return res && res->status == 200 ? res->body : std::string();
}

// Whether `exposition` has the sample line "`series` `value`".
bool has_sample(const std::string& exposition, const std::string& series, const std::string& value) {
  return ("\n" + exposition).find("\n" + series + " " + value + "\n") != std::string::npos;
}

struct PromtoolResult {
  int exit_code = -1;
  std::string output;
};

// Runs `promtool check metrics` with `exposition` on its stdin.
PromtoolResult promtool_check_metrics(const std::string& exposition) {
  const std::string dir = twikit::testing::make_temp_dir("twikit-sim-promtool");
  twikit::testing::write_file(dir + "/metrics.txt", exposition);
  const std::string cmd = "/usr/bin/promtool check metrics < " + dir + "/metrics.txt > " + dir + "/out.txt 2>&1";
  const int rc = std::system(cmd.c_str());
  PromtoolResult result{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, twikit::testing::read_file(dir + "/out.txt")};
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace

TEST_CASE("the ready line names the admin port and ten service ports in contract order", "[sim][integration]") {
  RunningSim sim = start_sim();
  REQUIRE(sim.services.size() == 10);
  auto admin = client(sim.admin);
  auto healthy = admin.Get("/-/healthy");
  REQUIRE(healthy);
  CHECK(healthy->status == 200);
  for (const auto& name : sim.order) {
    CAPTURE(name);
    auto res = get_status(sim.services.at(name));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    const json doc = json::parse(res->body);
    CHECK(doc["service"] == name);
    CHECK(doc["status"] == "healthy");
    CHECK(doc["metrics"].is_object());
  }
  auto listed = admin.Get("/admin/services");
  REQUIRE(listed);
  const json list = json::parse(listed->body)["services"];
  REQUIRE(list.size() == 10);
  for (std::size_t i = 0; i < list.size(); ++i) {
    CHECK(list[i]["name"] == sim.order[i]);
    CHECK(list[i]["port"] == sim.services.at(sim.order[i]));
    CHECK(list[i]["fault"]["mode"] == "none");
  }
}

TEST_CASE("a patched field stays pinned until reset while counters keep growing", "[sim][integration]") {
  RunningSim sim = start_sim();
  const int port = sim.services.at("session_manager");
  auto admin = client(sim.admin);
  const json patch = {{"status", "unhealthy"}, {"metrics", {{"sessions", {{"successRate", 12.5}}}}}};
  auto res = admin.Patch("/admin/services/session_manager/status", patch.dump(), "application/merge-patch+json");
  REQUIRE(res);
  CHECK(res->status == 200);
  std::int64_t requests = -1;
  for (int i = 0; i < 5; ++i) {
    const json doc = json::parse(get_status(port)->body);
    CHECK(doc["status"] == "unhealthy");
    CHECK(doc["metrics"]["sessions"]["successRate"] == 12.5);
    CHECK(doc["system"]["requests_total"].get<std::int64_t>() > requests);
    requests = doc["system"]["requests_total"].get<std::int64_t>();
  }
  REQUIRE(admin.Post("/admin/reset", "", "application/json")->status == 200);
  const json doc = json::parse(get_status(port)->body);
  CHECK(doc["status"] == "healthy");
  CHECK(doc["metrics"]["sessions"]["successRate"].get<double>() > 50.0);
}

TEST_CASE("the admin API rejects unknown services, invalid JSON and unknown modes", "[sim][integration]") {
  RunningSim sim = start_sim();
  auto admin = client(sim.admin);
  auto unknown = admin.Patch("/admin/services/nope/status", "{}", "application/json");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(json::parse(unknown->body)["status"] == "error");
  auto invalid = admin.Patch("/admin/services/rate_limit/status", "{not json", "application/json");
  REQUIRE(invalid);
  CHECK(invalid->status == 400);
  CHECK(json::accept(invalid->body));
  CHECK(put_fault(sim, "rate_limit", json{{"mode", "explode"}}) == 400);
  CHECK(put_fault(sim, "nope", json{{"mode", "none"}}) == 404);
  auto resize = admin.Put("/admin/services/proxy_rotation/size", R"({"size": 40})", "application/json");
  REQUIRE(resize);
  CHECK(resize->status == 200);
  CHECK(json::parse(get_status(sim.services.at("proxy_rotation"))->body)["metrics"]["proxies"]["pool"].size() == 40);
  CHECK(admin.Put("/admin/services/rate_limit/size", R"({"size": 4})", "application/json")->status == 400);
}

TEST_CASE("each fault mode shows its failure to a client", "[sim][integration]") {
  RunningSim sim = start_sim();
  const std::string name = "proxy_rotation";
  const int port = sim.services.at(name);

  SECTION("error answers with the configured status") {
    REQUIRE(put_fault(sim, name, json{{"mode", "error"}, {"http_status", 502}}) == 200);
    auto res = get_status(port);
    REQUIRE(res);
    CHECK(res->status == 502);
  }
  SECTION("garbage answers 200 with a body that is not JSON") {
    REQUIRE(put_fault(sim, name, json{{"mode", "garbage"}}) == 200);
    auto res = get_status(port);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK_FALSE(json::accept(res->body));
  }
  SECTION("truncate answers 200 with a cut-off JSON document") {
    REQUIRE(put_fault(sim, name, json{{"mode", "truncate"}}) == 200);
    auto res = get_status(port);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.starts_with("{\""));
    CHECK_FALSE(json::accept(res->body));
  }
  SECTION("oversize answers with more than 4 MiB") {
    REQUIRE(put_fault(sim, name, json{{"mode", "oversize"}}) == 200);
    auto res = get_status(port, 20s);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.size() > (std::size_t{4} << 20));
  }
  SECTION("latency delays the answer while parallel requests are still served") {
    REQUIRE(put_fault(sim, name, json{{"mode", "latency"}, {"latency_ms", 400}}) == 200);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&] {
        auto res = get_status(port);
        if (res && res->status == 200) ++ok;
      });
    }
    for (auto& t : threads) t.join();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(ok == 8);
    CHECK(elapsed >= 400ms);
    CHECK(elapsed < 3000ms);  // one after another they would take 3.2 s
  }
  SECTION("hang times out a client, other services still answer, and none releases it") {
    REQUIRE(put_fault(sim, name, json{{"mode", "hang"}}) == 200);
    auto res = get_status(port, 300ms);
    CHECK_FALSE(res);
    auto other = get_status(sim.services.at("rate_limit"), 2s);
    REQUIRE(other);
    CHECK(other->status == 200);
    REQUIRE(put_fault(sim, name, json{{"mode", "none"}}) == 200);
    auto again = get_status(port);
    REQUIRE(again);
    CHECK(again->status == 200);
  }
  SECTION("down refuses connections and none reopens the same port") {
    REQUIRE(put_fault(sim, name, json{{"mode", "down"}}) == 200);
    auto res = get_status(port, 1s);
    REQUIRE_FALSE(res);
    CHECK(res.error() == httplib::Error::Connection);
    REQUIRE(put_fault(sim, name, json{{"mode", "none"}}) == 200);
    auto again = get_status(port);
    REQUIRE(again);
    CHECK(again->status == 200);
  }
  SECTION("reset clears a fault") {
    REQUIRE(put_fault(sim, name, json{{"mode", "down"}}) == 200);
    auto admin = client(sim.admin);
    REQUIRE(admin.Post("/admin/reset", "", "application/json")->status == 200);
    auto again = get_status(port);
    REQUIRE(again);
    CHECK(again->status == 200);
  }
}

TEST_CASE("SIGTERM stops the sim with exit code 0 even while a hang holds requests", "[sim][integration]") {
  RunningSim sim = start_sim();
  const int port = sim.services.at("retry_engine");
  REQUIRE(put_fault(sim, "retry_engine", json{{"mode", "hang"}}) == 200);
  std::thread held([port] { get_status(port, 10s); });
  std::this_thread::sleep_for(100ms);  // let the request reach the server before the signal
  sim.process->signal(SIGTERM);
  const auto code = sim.process->wait(5s);
  held.join();
  REQUIRE(code);
  CHECK(*code == 0);
}

TEST_CASE("the admin port serves the sim's own metrics in the text format that promtool accepts",
          "[sim][integration][metrics]") {
  RunningSim sim = start_sim();
  REQUIRE(get_status(sim.services.at("session_manager"))->status == 200);
  auto admin = client(sim.admin);
  auto res = admin.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(res->body.find("\ntwikit_sim_build_info{version=\"" TWIKIT_VERSION "\"} 1\n") != std::string::npos);
  for (const char* family : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                             "process_start_time_seconds"}) {
    CAPTURE(family);
    CHECK(res->body.find(std::string("\n# TYPE ") + family + " ") != std::string::npos);
  }
  const PromtoolResult lint = promtool_check_metrics(res->body);
  INFO(lint.output);
  CHECK(lint.exit_code == 0);
  CHECK(lint.output.empty());

  SECTION("gzip when the client accepts it") {
    auto gz = client(sim.admin);  // decompresses for us
    auto zipped = gz.Get("/metrics", {{"Accept-Encoding", "gzip"}});
    REQUIRE(zipped);
    CHECK(zipped->status == 200);
    CHECK(zipped->get_header_value("Content-Encoding") == "gzip");
    CHECK(zipped->body.find("\n# TYPE twikit_sim_requests_total counter\n") != std::string::npos);
  }
  SECTION("OpenMetrics when the client asks for it") {
    auto om = admin.Get("/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0"}});
    REQUIRE(om);
    CHECK(om->status == 200);
    CHECK(om->get_header_value("Content-Type").starts_with("application/openmetrics-text"));
    CHECK(om->body.ends_with("# EOF\n"));
  }
}

TEST_CASE("the sim's metrics count status requests per service and code and show each service's fault",
          "[sim][integration][metrics]") {
  RunningSim sim = start_sim();
  const int port = sim.services.at("rate_limit");
  for (int i = 0; i < 3; ++i) REQUIRE(get_status(port)->status == 200);
  REQUIRE(put_fault(sim, "rate_limit", json{{"mode", "error"}, {"http_status", 502}}) == 200);
  for (int i = 0; i < 2; ++i) REQUIRE(get_status(port)->status == 502);

  const std::string text = metrics(sim);
  INFO(text);
  CHECK(has_sample(text, R"(twikit_sim_requests_total{code="200",service="rate_limit"})", "3"));
  CHECK(has_sample(text, R"(twikit_sim_requests_total{code="502",service="rate_limit"})", "2"));
  CHECK(has_sample(text, R"(twikit_sim_requests_total{code="200",service="session_manager"})", "0"));
  CHECK(has_sample(text, R"(twikit_sim_fault{mode="error",service="rate_limit"})", "1"));
  CHECK(has_sample(text, R"(twikit_sim_fault{mode="none",service="rate_limit"})", "0"));
  CHECK(has_sample(text, R"(twikit_sim_fault{mode="hang",service="rate_limit"})", "0"));
  CHECK(has_sample(text, R"(twikit_sim_fault{mode="none",service="session_manager"})", "1"));
  CHECK(has_sample(text, R"(twikit_sim_fault{mode="error",service="session_manager"})", "0"));
  // The admin API counts a request once its answer is written, so it may trail the client by a moment.
  CHECK(twikit::testing::eventually([&] {
    return has_sample(metrics(sim), R"(twikit_sim_admin_requests_total{code="200",method="PUT"})", "1");
  }));

  SECTION("reset sets every service back to none") {
    REQUIRE(client(sim.admin).Post("/admin/reset", "", "application/json")->status == 200);
    const std::string after = metrics(sim);
    CHECK(has_sample(after, R"(twikit_sim_fault{mode="none",service="rate_limit"})", "1"));
    CHECK(has_sample(after, R"(twikit_sim_fault{mode="error",service="rate_limit"})", "0"));
    CHECK(has_sample(after, R"(twikit_sim_requests_total{code="502",service="rate_limit"})", "2"));
  }
  SECTION("unknown admin paths are counted with their status") {
    REQUIRE(client(sim.admin).Get("/nope")->status == 404);
    CHECK(twikit::testing::eventually([&] {
      return has_sample(metrics(sim), R"(twikit_sim_admin_requests_total{code="404",method="GET"})", "1");
    }));
  }
}

namespace {

// Runs a shell command and returns what it wrote to stdout.
std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  return out;
}

}  // namespace

TEST_CASE("wrong methods get 405 with Allow, a body-less POST works, and connections are kept alive",
          "[sim][integration]") {
  const RunningSim sim = start_sim();
  const std::string admin = "http://127.0.0.1:" + std::to_string(sim.admin);
  const std::string service = "http://127.0.0.1:" + std::to_string(sim.services.at("rate_limit"));
  const std::string curl = "curl -sS --max-time 10 ";
  // -D - writes the response header; -o /dev/null drops the body; only the lines asked for are kept.
  const auto status_and_allow = [&](const std::string& args) {
    const std::string head = run(curl + "-D - -o /dev/null " + args);
    const auto allow = head.find("\r\nAllow: ");
    return head.substr(0, head.find("\r\n")) + " | " +
           (allow == std::string::npos ? "" : head.substr(allow + 9, head.find("\r\n", allow + 9) - allow - 9));
  };
  CHECK(status_and_allow("-X DELETE " + admin + "/admin/reset") == "HTTP/1.1 405 Method Not Allowed | POST");
  CHECK(status_and_allow("-X POST " + service + "/status") == "HTTP/1.1 405 Method Not Allowed | GET, HEAD");
  CHECK(status_and_allow("-X GET " + admin + "/admin/services/rate_limit/fault") ==
        "HTTP/1.1 405 Method Not Allowed | PUT");
  CHECK(run(curl + "-X DELETE " + admin + "/admin/reset") == R"({"error":"Method Not Allowed","status":"error"})" "\n");
  // `curl -X POST` without data sends no Content-Length and no body.
  CHECK(run(curl + "-X POST " + admin + "/admin/reset") == R"({"status":"success"})" "\n");
  // Two requests in one curl run: the second reuses the first's connection (no new connect).
  CHECK(run(curl + "-o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\\n' " + service + "/status " + service +
            "/status") == "200 1\n200 0\n");
}
