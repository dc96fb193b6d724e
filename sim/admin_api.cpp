#include "sim/admin_api.h"

#include <optional>
#include <stdexcept>
#include <string>

#include "common/logging.h"

namespace twikit::sim {
namespace {

using nlohmann::json;
using Services = std::vector<std::unique_ptr<ServiceServer>>;

void reply(WebResponse& res, const json& body) { res.set_body(body.dump() + "\n", "application/json"); }

ServiceServer* find(const Services& services, const std::string& name) {
  for (const auto& s : services) {
    if (s->name() == name) return s.get();
  }
  return nullptr;
}

// Resolves the service named `name`, answering 404 itself when it is unknown.
ServiceServer* service_or_404(const Services& services, const std::string& name, WebResponse& res) {
  ServiceServer* service = find(services, name);
  if (!service) json_error(res, 404, "unknown service '" + name + "'");
  return service;
}

// Parses the request body as JSON, answering 400 itself when it is not.
std::optional<json> body_or_400(const WebRequest& req, WebResponse& res) {
  try {
    return json::parse(req.body);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number beyond a double
    json_error(res, 400, std::string("invalid JSON: ") + e.what());
    return std::nullopt;
  }
}

bool json_content_type(const WebRequest& req, bool merge_patch_allowed) {
  std::string type = req.headers.get("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type.empty() || type == "application/json" || (merge_patch_allowed && type == "application/merge-patch+json");
}

void list_services(const Services& services, WebResponse& res) {
  json list = json::array();
  for (const auto& s : services) list.push_back(s->describe());
  reply(res, {{"services", list}});
}

void patch_status(ServiceServer* service, const WebRequest& req, WebResponse& res) {
  if (!json_content_type(req, true)) {
    return json_error(res, 415, "want Content-Type application/merge-patch+json or application/json");
  }
  auto patch = body_or_400(req, res);
  if (!patch) return;
  logger("sim")->info("status patched service={}", service->name());
  reply(res, service->patch(*patch));
}

void put_fault(ServiceServer* service, const WebRequest& req, WebResponse& res) {
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

void put_size(ServiceServer* service, const WebRequest& req, WebResponse& res) {
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

void reset_all(const Services& services, WebResponse& res) {
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

// /admin/services/{name}[/status|/fault|/size]: the service and the sub-resource with its method.
void service_route(const Services& services, const WebRequest& req, WebResponse& res) {
  const std::string rest = req.path.substr(std::string_view("/admin/services/").size());
  const auto slash = rest.find('/');
  const std::string name = rest.substr(0, slash);
  const std::string sub = slash == std::string::npos ? "" : rest.substr(slash);
  const auto wrong_method = [&](const char* allow) {
    json_error(res, 405, "Method Not Allowed");
    res.headers.set("Allow", allow);
  };
  if (name.empty() || (sub != "" && sub != "/status" && sub != "/fault" && sub != "/size")) {
    return json_error(res, 404, "not found");
  }
  if (sub.empty() && req.method != "GET" && req.method != "HEAD") return wrong_method("GET, HEAD");
  if (sub == "/status" && req.method != "PATCH") return wrong_method("PATCH");
  if ((sub == "/fault" || sub == "/size") && req.method != "PUT") return wrong_method("PUT");
  ServiceServer* service = service_or_404(services, name, res);
  if (!service) return;
  if (sub.empty()) return reply(res, service->describe());
  if (sub == "/status") return patch_status(service, req, res);
  if (sub == "/fault") return put_fault(service, req, res);
  put_size(service, req, res);
}

}  // namespace

WebRouter admin_router(const Services& services, SimMetrics& metrics) {
  const Services* all = &services;
  SimMetrics* counts = &metrics;
  WebRouter router;
  // Every answer is counted, the router's own errors (404, 405, 413) included.
  router.set_error_writer([counts](const WebRequest& req, int status, WebErrorFormat, const std::string& message) {
    WebResponse res;
    json_error(res, status, message.empty() ? (status == 404 ? "not found" : web_status_message(status)) : message);
    counts->admin_request(method_label(req.method), status);
    return res;
  });
  const auto counted = [counts](WebHandler handler) {
    return [counts, handler = std::move(handler)](const WebRequest& req, WebResponse& res) {
      handler(req, res);
      counts->admin_request(method_label(req.method), res.status);
    };
  };
  router.add("/metrics", counted([counts](const WebRequest& req, WebResponse& res) {
               serve_metrics(req, res, *counts);
             }),
             route_options({"GET"}));
  router.add("/-/healthy", counted([](const WebRequest&, WebResponse& res) {
               res.set_body("twikit-sim is Healthy.\n", "text/plain; charset=utf-8");
             }),
             route_options({"GET"}));
  router.add("/-/ready", counted([](const WebRequest&, WebResponse& res) {
               res.set_body("twikit-sim is Ready.\n", "text/plain; charset=utf-8");
             }),
             route_options({"GET"}));
  router.add("/admin/services", counted([all](const WebRequest&, WebResponse& res) { list_services(*all, res); }),
             route_options({"GET"}));
  router.add_prefix("/admin/services/",
                    counted([all](const WebRequest& req, WebResponse& res) { service_route(*all, req, res); }),
                    [] {
                      WebRouteOptions o = route_options({"GET", "PATCH", "PUT"});
                      o.path_methods = [](std::string_view path) -> std::vector<std::string> {
                        const std::string_view rest = path.substr(std::string_view("/admin/services/").size());
                        const auto slash = rest.find('/');
                        const std::string_view sub = slash == std::string_view::npos ? "" : rest.substr(slash);
                        if (slash == 0 || rest.empty()) return {};
                        if (sub.empty()) return {"GET"};
                        if (sub == "/status") return {"PATCH"};
                        if (sub == "/fault" || sub == "/size") return {"PUT"};
                        return {};
                      };
                      return o;
                    }());
  router.add("/admin/reset", counted([all](const WebRequest&, WebResponse& res) { reset_all(*all, res); }),
             route_options({"POST"}));
  return router;
}

}  // namespace twikit::sim
