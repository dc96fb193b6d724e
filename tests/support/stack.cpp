#include "support/stack.h"

#include <regex>
#include <stdexcept>

#include "common/http_client.h"

namespace twikit::testing {
namespace {

CurlHttpClient& client() {
  static CurlHttpClient c;
  return c;
}

std::string url_encode(const std::string& s) {
  std::string out;
  const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string http_get(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpRequest r;
  r.url = url;
  r.headers = headers;
  r.timeout = std::chrono::seconds(2) * kTimeoutScale;
  HttpResponse resp = client().send(r);
  return resp.transport_ok() && resp.status == 200 ? resp.body : std::string();
}

int http_send(const std::string& method, const std::string& url, const std::string& body) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  r.body = body;
  r.headers = {{"Content-Type", "application/json"}};
  r.timeout = std::chrono::seconds(5) * kTimeoutScale;
  HttpResponse resp = client().send(r);
  return resp.transport_ok() ? resp.status : 0;
}

double metric_value(int port, const std::string& name) {
  const std::string body = http_get("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + name.size() + 2));
}

Sim::Sim(std::vector<std::string> extra) {
  std::vector<std::string> argv{binary_path("sim/twikit-sim"), "--base-port", "0", "--seed", "7"};
  for (auto& e : extra) argv.push_back(std::move(e));
  process_ = std::make_unique<ChildProcess>(argv, std::vector<std::string>{}, "/tmp/twikit-test-sim.log");
  auto line = process_->read_line(std::chrono::seconds(10));
  if (!line) throw std::runtime_error("twikit-sim printed no ready line");
  const auto ready = nlohmann::json::parse(*line);
  admin_port_ = ready.at("admin").get<int>();
  for (const auto& [name, port] : ready.at("services").items()) ports_[name] = port.get<int>();
}

int Sim::fault(const std::string& name, const std::string& fault) {
  return http_send("PUT", admin_url() + "/admin/services/" + name + "/fault", fault);
}

int Sim::patch(const std::string& name, const std::string& merge_patch) {
  return http_send("PATCH", admin_url() + "/admin/services/" + name + "/status", merge_patch);
}

int Sim::reset() { return http_send("POST", admin_url() + "/admin/reset", ""); }

std::string exporter_config_for(const Sim& sim, const std::string& collection_yaml) {
  std::string out = "collection:\n" + collection_yaml + "\ntargets:\n";
  for (const auto& [name, port] : sim.ports()) {
    out += "  - {name: " + name + ", url: \"http://127.0.0.1:" + std::to_string(port) + "/status\", timeout: " +
           std::to_string(kTargetTimeout.count()) + "ms}\n";
  }
  // The metric mapping is the shipped default, unchanged: everything after its `common_metrics:` key.
  const std::string defaults = testing::read_file(std::string(TWIKIT_SOURCE_DIR) + "/exporter/default_config.yaml");
  out += defaults.substr(defaults.find("\ncommon_metrics:") + 1);
  return out;
}

Exporter::Exporter(const std::string& config_yaml) {
  dir_ = make_temp_dir("twikit-exporter");
  config_path_ = dir_ + "/exporter.yaml";
  write_file(config_path_, config_yaml);
  port_ = free_port();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary_path("exporter/twikit-exporter"), "--config.file=" + config_path_,
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
      std::vector<std::string>{}, dir_ + "/exporter.log");
  if (!eventually([&] { return !http_get(url() + "/-/healthy").empty(); }, std::chrono::seconds(10))) {
    throw std::runtime_error("twikit-exporter did not come up; see " + dir_ + "/exporter.log");
  }
}

Prometheus::Prometheus(const std::string& config_yaml) {
  dir_ = make_temp_dir("twikit-prometheus");
  write_file(dir_ + "/prometheus.yml", config_yaml);
  port_ = free_port();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"prometheus", "--config.file=" + dir_ + "/prometheus.yml",
                               "--storage.tsdb.path=" + dir_ + "/data",
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--web.enable-lifecycle"},
      std::vector<std::string>{}, dir_ + "/prometheus.log");
  if (!eventually([&] { return !http_get(url() + "/-/ready").empty(); }, std::chrono::seconds(30))) {
    throw std::runtime_error("prometheus did not become ready; see " + dir_ + "/prometheus.log");
  }
}

nlohmann::json Prometheus::query(const std::string& promql) const {
  const std::string body = http_get(url() + "/api/v1/query?query=" + url_encode(promql));
  if (body.empty()) return nlohmann::json::array();
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || doc.value("status", "") != "success") return nlohmann::json::array();
  return doc["data"]["result"];
}

}  // namespace twikit::testing
