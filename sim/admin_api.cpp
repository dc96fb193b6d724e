#include "sim/admin_api.h"

#include <optional>
#include <stdexcept>
#include <string>

#include "common/logging.h"

namespace twikit::sim {
namespace {

using nlohmann::json;
using Services = std::vector<std::unique_ptr<ServiceServer>>;

void reply(httplib::Response& res, const json& body) { res.set_content(body.dump() + "\n", "application/json"); }

ServiceServer* find(const Services& services, const std::string& name) {
  for (const auto& s : services) {
    if (s->name() == name) return s.get();
  }
  return nullptr;
}

// Resolves the {name} path segment, answering 404 itself when the service is unknown.
ServiceServer* service_or_404(const Services& services, const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1];
  ServiceServer* service = find(services, name);
  if (!service) json_error(res, 404, "unknown service '" + name + "'");
  return service;
}

// Parses the request body as JSON, answering 400 itself when it is not.
std::optional<json> body_or_400(const httplib::Request& req, httplib::Response& res) {
  try {
    return json::parse(req.body);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number beyond a double
    json_error(res, 400, std::string("invalid JSON: ") + e.what());
    return std::nullopt;
  }
}

bool json_content_type(const httplib::Request& req, bool merge_patch_allowed) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type.empty() || type == "application/json" || (merge_patch_allowed && type == "application/merge-patch+json");
}

void list_services(const Services& services, httplib::Response& res) {
  json list = json::array();
  for (const auto& s : services) list.push_back(s->describe());
  reply(res, {{"services", list}});
}

void patch_status(const Services& services, const httplib::Request& req, httplib::Response& res) {
  ServiceServer* service = service_or_404(services, req, res);
  if (!service) return;
  if (!json_content_type(req, true)) {
    return json_error(res, 415, "want Content-Type application/merge-patch+json or application/json");
  }
  auto patch = body_or_400(req, res);
  if (!patch) return;
  logger("sim")->info("status patched service={}", service->name());
  reply(res, service->patch(*patch));
}

void put_fault(const Services& services, const httplib::Request& req, httplib::Response& res) {
  ServiceServer* service = service_or_404(services, req, res);
  if (!service) return;
  auto body = body_or_400(req, res);
  if (!body) return;
  Fault fault;
  try {
    fault = parse_fault(*body);
  } catch (const std::invalid_argument& e) {
    return json_error(res, 400, e.what());
  }
  try {
    service->set_fault(fault);
  } catch (const std::exception& e) {
    return json_error(res, 500, e.what());
  }
  reply(res, fault_to_json(fault));
}

void put_size(const Services& services, const httplib::Request& req, httplib::Response& res) {
  ServiceServer* service = service_or_404(services, req, res);
  if (!service) return;
  auto body = body_or_400(req, res);
  if (!body) return;
  const auto size = body->is_object() ? body->find("size") : body->end();
  if (!body->is_object() || size == body->end() || !size->is_number_unsigned() || size->get<std::size_t>() > 100000) {
    return json_error(res, 400, "want {\"size\": N} with 0 <= N <= 100000");
  }
  if (!service->resize(size->get<std::size_t>())) {
    return json_error(res, 400, "service '" + service->name() + "' has no resizable list");
  }
  logger("sim")->info("list resized service={} size={}", service->name(), size->get<std::size_t>());
  reply(res, service->describe());
}

void reset_all(const Services& services, httplib::Response& res) {
  try {
    for (const auto& s : services) s->reset();
  } catch (const std::exception& e) {
    return json_error(res, 500, e.what());
  }
  logger("sim")->info("reset");
  reply(res, {{"status", "success"}});
}

// The method as a label value: standard methods as they are, anything else as "other", so a client cannot
// add series at will.
std::string method_label(const std::string& method) {
  for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return method;
  }
  return "other";
}

}  // namespace

void register_admin_routes(httplib::Server& server, const Services& services, AdminRequestCounts& requests) {
  const Services* all = &services;
  AdminRequestCounts* counts = &requests;
  // The logger runs once the answer is written, for every request including unrouted ones.
  server.set_logger([counts](const httplib::Request& req, const httplib::Response& res) {
    counts->add({method_label(req.method), res.status});
  });
  server.Get("/metrics", [all, counts](const httplib::Request& req, httplib::Response& res) {
    serve_metrics(req, res, *all, *counts);
  });
  server.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("twikit-sim is Healthy.\n", "text/plain; charset=utf-8");
  });
  server.Get("/-/ready", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("twikit-sim is Ready.\n", "text/plain; charset=utf-8");
  });
  server.Get("/admin/services", [all](const httplib::Request&, httplib::Response& res) { list_services(*all, res); });
  server.Get(R"(/admin/services/([^/]+))", [all](const httplib::Request& req, httplib::Response& res) {
    if (ServiceServer* service = service_or_404(*all, req, res)) reply(res, service->describe());
  });
  server.Patch(R"(/admin/services/([^/]+)/status)",
               [all](const httplib::Request& req, httplib::Response& res) { patch_status(*all, req, res); });
  server.Put(R"(/admin/services/([^/]+)/fault)",
             [all](const httplib::Request& req, httplib::Response& res) { put_fault(*all, req, res); });
  server.Put(R"(/admin/services/([^/]+)/size)",
             [all](const httplib::Request& req, httplib::Response& res) { put_size(*all, req, res); });
  server.Post("/admin/reset", [all](const httplib::Request&, httplib::Response& res) { reset_all(*all, res); });
}

}  // namespace twikit::sim
